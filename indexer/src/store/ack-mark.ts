/**
 * The acknowledgement mark: a file beside the database holding the highest
 * engagement seq ever acknowledged, written after each durable commit (so it
 * never runs ahead of what was committed). `settlement/log-check.ts` compares
 * the log against it on start.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

export const ackMarkPath = (dbPath: string) => `${dbPath}.acked`;

/** Records `seq` as acknowledged (after its commit was made durable). */
export function writeAckMark(path: string, seq: number): void {
  writeFileSync(`${path}.tmp`, `${seq}\n`);
  renameSync(`${path}.tmp`, path);
}

export function readAckMark(path: string): number {
  if (!existsSync(path)) return 0;
  const n = Number(readFileSync(path, "utf8").trim());
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}
