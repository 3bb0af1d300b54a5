/**
 * The log export of `export.ts`, built in slices of a few hundred entries with
 * an incremental Keccak-256, yielding to the event loop between slices, so a
 * 10,000-entry export on the request path never holds the process for long.
 * Same bytes and hash as `exportLog`, on either engine.
 */
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { createKeccak } from "hash-wasm";
import type { Hex } from "viem";
import { createLogRange, type StoreSource } from "../store/log-range.ts";
import { exportLine, type LogExport } from "./export.ts";

const SLICE = 500;

export function createChunkedExport(source: StoreSource, slice = SLICE) {
  const log = createLogRange(source);
  return async function exportLogChunked(fromSeq: number, toSeq: number): Promise<LogExport> {
    const hasher = await createKeccak(256);
    hasher.init();
    const parts: string[] = [];
    let count = 0;
    for await (const rows of log.batches(fromSeq - 1, toSeq, slice)) {
      let text = "";
      for (const r of rows) text += exportLine(r);
      hasher.update(text);
      parts.push(text);
      count += rows.length;
      await yieldToLoop();
    }
    return { ndjson: parts.join(""), hash: `0x${hasher.digest("hex")}` as Hex, count };
  };
}
