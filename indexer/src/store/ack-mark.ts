/**
 * The acknowledgement mark: a file beside the database holding the highest
 * engagement seq ever acknowledged, written after each durable commit (so it
 * never runs ahead of what was committed). `settlement/log-check.ts` compares
 * the log against it on start.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";

export const ackMarkPath = (dbPath: string) => `${dbPath}.acked`;

/** Records `seq` as acknowledged (after its commit was made durable). */
export function writeAckMark(path: string, seq: number): void {
  writeFileSync(`${path}.tmp`, `${seq}\n`);
  renameSync(`${path}.tmp`, path);
}

/**
 * Writes the mark off the event loop (libuv's thread pool), one write at a time: `write(seq)`
 * resolves once the file holds `seq` or more; seqs asked for while a write runs are coalesced
 * into the next one, so a burst of commits costs two writes, not one per commit.
 */
export function createAckMarkWriter(path: string) {
  let written = 0;
  let wanted = 0;
  let running = false;
  let waiters: Array<{ seq: number; resolve: () => void; reject: (error: unknown) => void }> = [];
  async function drain(): Promise<void> {
    running = true;
    try {
      while (written < wanted) {
        const seq = wanted;
        await writeFile(`${path}.tmp`, `${seq}\n`);
        await rename(`${path}.tmp`, path);
        written = seq;
        const done = waiters.filter((w) => w.seq <= written);
        waiters = waiters.filter((w) => w.seq > written);
        for (const w of done) w.resolve();
      }
    } catch (error) {
      const failed = waiters;
      waiters = [];
      for (const w of failed) w.reject(error);
    } finally {
      running = false;
    }
  }
  return (seq: number): Promise<void> => {
    if (seq <= written) return Promise.resolve();
    wanted = Math.max(wanted, seq);
    const done = new Promise<void>((resolve, reject) => waiters.push({ seq, resolve, reject }));
    if (!running) void drain();
    return done;
  };
}

export function readAckMark(path: string): number {
  if (!existsSync(path)) return 0;
  const n = Number(readFileSync(path, "utf8").trim());
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}
