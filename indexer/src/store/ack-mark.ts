/**
 * The acknowledgement mark: a file beside the database holding the highest
 * engagement seq ever acknowledged, written after each durable commit (so it
 * never runs ahead of what was committed). `settlement/log-check.ts` compares
 * the log against it on start.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";

export const ackMarkPath = (dbPath: string) => `${dbPath}.acked`;

/** Records `seq` as acknowledged (after its commit was made durable). */
export function writeAckMark(path: string, seq: number): void {
  writeFileSync(`${path}.tmp`, `${seq}\n`);
  renameSync(`${path}.tmp`, path);
}

/** Digits of a mark written in place: every safe integer fits, so each write covers the last. */
const WIDTH = 16;

/**
 * The mark as intake writes it, once per durable commit: one `pwrite` at offset 0 of a file kept
 * open (a fixed-width number, so it always covers the previous one), no temporary file and no
 * rename, so it costs one small syscall on the event loop. `readAckMark` reads either form.
 */
export function createAckMarkWriter(path: string) {
  let fd: number | null = null;
  let written = 0;
  return {
    write(seq: number): void {
      if (seq <= written) return;
      fd ??= openSync(path, existsSync(path) ? "r+" : "w");
      const text = Buffer.from(`${String(seq).padStart(WIDTH, "0")}\n`);
      writeSync(fd, text, 0, text.length, 0);
      written = seq;
    },
    close(): void {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

export function readAckMark(path: string): number {
  if (!existsSync(path)) return 0;
  const n = Number(readFileSync(path, "utf8").trim());
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}
