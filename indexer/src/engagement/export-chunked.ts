/**
 * The log export of `export.ts`, built in slices of a few hundred entries with
 * an incremental Keccak-256, yielding to the event loop between slices, so a
 * 10,000-entry export on the request path never holds the process for long.
 * Same bytes and hash as `exportLog`.
 */
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { createKeccak } from "hash-wasm";
import type { Hex } from "viem";
import type { Db } from "../store/db.ts";
import { createEngagementStore } from "../store/engagement-store.ts";
import { exportLine, type LogExport } from "./export.ts";

const SLICE = 500;

export function createChunkedExport(db: Db, slice = SLICE) {
  const store = createEngagementStore(db);
  return async function exportLogChunked(fromSeq: number, toSeq: number): Promise<LogExport> {
    const hasher = await createKeccak(256);
    hasher.init();
    const parts: string[] = [];
    let count = 0;
    for (let start = fromSeq; start <= toSeq; start += slice) {
      const lines: string[] = [];
      for (const e of store.entries(start, Math.min(toSeq, start + slice - 1))) lines.push(exportLine(e));
      const text = lines.join("");
      hasher.update(text);
      parts.push(text);
      count += lines.length;
      if (start + slice <= toSeq) await yieldToLoop();
    }
    return { ndjson: parts.join(""), hash: `0x${hasher.digest("hex")}` as Hex, count };
  };
}
