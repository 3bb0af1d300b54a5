/**
 * Export of a seq range of the engagement log as NDJSON, one entry per line
 * ({seq, kind, signer, message, signature}, keys in that order, message in its
 * canonical form), with the keccak256 of the exact bytes. Anyone holding the
 * file can recompute the hash an epoch's inputs hash commits to.
 */
import { createKeccak } from "hash-wasm";
import { type Hex, keccak256, stringToBytes } from "viem";
import type { Db } from "../store/db.ts";
import type { LogEntry } from "../store/engine/engagement-store.ts";
import { createLogRange, type LogRow, type StoreSource } from "../store/log-range.ts";

export interface LogExport {
  ndjson: string;
  hash: Hex;
  count: number;
}

/** One entry's NDJSON line, newline included. */
export function exportLine(e: LogRow | LogEntry): string {
  return `{"seq":${e.seq},"kind":${JSON.stringify(e.kind)},"signer":${JSON.stringify(e.signer)},"message":${e.json},"signature":${JSON.stringify(e.signature)}}\n`;
}

/** Log entries per read of `exportLog`. */
const SLICE = 4096;

/**
 * The export of fromSeq..toSeq read synchronously from a SQLite handle, in keyset slices (the
 * start-up durability check, before anything else uses the handle; verification). What is
 * served goes through `exportLogFrom` and `createChunkedExport`, on either engine.
 */
export function exportLog(db: Db, fromSeq: number, toSeq: number): LogExport {
  const slice = db.prepare<[number, number, number]>(
    "SELECT seq, kind, signer, json, signature FROM engagement_log WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
  );
  const lines: string[] = [];
  let after = fromSeq - 1;
  while (after < toSeq) {
    const rows = slice.all(after, toSeq, SLICE) as LogRow[];
    for (const r of rows) lines.push(exportLine(r));
    if (rows.length < SLICE) break;
    after = (rows[rows.length - 1] as LogRow).seq;
  }
  const ndjson = lines.join("");
  return { ndjson, hash: keccak256(stringToBytes(ndjson)), count: lines.length };
}

/** The export of fromSeq..toSeq on either engine (the same bytes and hash as `exportLog`). */
export async function exportLogFrom(source: StoreSource, fromSeq: number, toSeq: number): Promise<LogExport> {
  const log = createLogRange(source);
  const hasher = await createKeccak(256);
  hasher.init();
  const parts: string[] = [];
  let count = 0;
  for await (const rows of log.batches(fromSeq - 1, toSeq)) {
    let text = "";
    for (const r of rows) text += exportLine(r);
    hasher.update(text);
    parts.push(text);
    count += rows.length;
  }
  return { ndjson: parts.join(""), hash: `0x${hasher.digest("hex")}` as Hex, count };
}

/** Parses an exported NDJSON file back into entries (for verification). */
export function parseLogExport(ndjson: string): Array<{
  seq: number;
  kind: string;
  signer: string;
  message: Record<string, unknown>;
  signature: string;
}> {
  return ndjson
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l));
}
