/**
 * Durable appends with group commit, on either engine: a message is
 * acknowledged only once its entry is durable. Appends queued in the same turn
 * of the event loop are committed together in one transaction through the
 * Kysely engagement store (`appendBatch`: an entry whose nonce is taken is
 * reported alone, and should the transaction fail as a whole each entry is
 * retried in its own, so one refused entry does not undo the others). One
 * batch commits at a time (sequence numbers follow commit order); appends
 * arriving meanwhile form the next batch.
 *
 * On SQLite a commit reaches the WAL file but not the disk (`synchronous =
 * NORMAL`): after each commit the WAL file is synced with fsync(2) on libuv's
 * thread pool (the equivalent of `synchronous = FULL` for these commits,
 * without holding the event loop for the disk), and the next batch commits
 * while that sync runs. On PostgreSQL the server makes a commit durable (fsync
 * and `synchronous_commit` on), so there is nothing to sync. Then the highest
 * seq is written to the acknowledgement mark (one small write in place), and
 * only then are the callers answered, batch after batch in commit order.
 */
import { closeSync, existsSync, fsync, openSync } from "node:fs";
import { AmpError } from "#protocol";
import { createAckMarkWriter } from "../store/ack-mark.ts";
import {
  type AsyncEngagementStore,
  type BatchResult,
  createKyselyEngagementStore,
  LogNonceTakenError,
  type NewLogEntry,
} from "../store/engine/engagement-store.ts";
import type { StoreEngine } from "../store/engine/engine.ts";

export interface GroupCommitOptions {
  /** The SQLite database's WAL file to sync before acknowledging; none for an in-memory store or PostgreSQL. */
  walPath?: string;
  /** File recording the highest acknowledged seq (see `settlement/log-check.ts`). */
  ackMark?: string;
  /** Largest batch per commit. */
  maxBatch?: number;
}

interface Pending {
  entry: NewLogEntry;
  resolve: (seq: number) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommit {
  /** Resolves with the entry's seq once its commit is durable; rejects `LogNonceTakenError` for a taken nonce. */
  append(entry: NewLogEntry): Promise<number>;
  /** Releases file handles (after the last append was answered). */
  close(): void;
}

export function createKyselyGroupCommit(
  store: AsyncEngagementStore,
  options: GroupCommitOptions = {},
): GroupCommit {
  const maxBatch = options.maxBatch ?? 1000;
  const markAcked = options.ackMark ? createAckMarkWriter(options.ackMark) : null;
  const walPath = options.walPath;
  let walFd: number | null = null;
  let queue: Pending[] = [];
  let running = false;
  let scheduled = false;
  // The answers of committed batches, in commit order: each waits for its sync and the one before.
  let answered: Promise<void> = Promise.resolve();

  /** Resolves once everything committed so far is on disk (null), or with why it is not. */
  function synced(): Promise<unknown> {
    if (!walPath) return Promise.resolve(null);
    if (walFd === null) {
      if (!existsSync(walPath))
        return Promise.resolve(new AmpError("LOG_WAL_MISSING", `${walPath} does not exist`));
      try {
        walFd = openSync(walPath, "r");
      } catch (error) {
        return Promise.resolve(error);
      }
    }
    const fd = walFd;
    return new Promise((resolve) => fsync(fd, (error) => resolve(error)));
  }

  function answer(batch: Pending[], results: BatchResult[], failure: unknown): void {
    let last = 0;
    for (const r of results) if ("seq" in r) last = Math.max(last, r.seq);
    if (!failure && markAcked && last > 0) {
      try {
        markAcked.write(last);
      } catch (markError) {
        failure = markError;
      }
    }
    results.forEach((r, i) => {
      const p = batch[i] as Pending;
      if (failure) p.reject(failure);
      else if ("seq" in r) p.resolve(r.seq);
      else if ("taken" in r) p.reject(new LogNonceTakenError(p.entry.message.account, p.entry.message.nonce));
      else p.reject(r.error);
    });
  }

  async function flush(): Promise<void> {
    scheduled = false;
    running = true;
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, maxBatch);
        queue = queue.slice(batch.length);
        let results: BatchResult[];
        try {
          results = await store.appendBatch(batch.map((p) => p.entry));
        } catch (error) {
          for (const p of batch) p.reject(error);
          continue;
        }
        // The sync starts now (covering this commit and every earlier one); the next batch commits meanwhile.
        const sync = synced();
        answered = answered.then(async () => answer(batch, results, await sync));
      }
    } finally {
      running = false;
    }
  }

  return {
    append(entry) {
      return new Promise<number>((resolve, reject) => {
        queue.push({ entry, resolve, reject });
        // Entries queued in this turn of the event loop join the batch; while one commits, the next gathers.
        if (!running && !scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      });
    },
    close() {
      if (walFd !== null) closeSync(walFd);
      walFd = null;
      markAcked?.close();
    },
  };
}

/** What intake writes through: the engine's engagement store (its reads) and a group commit (its appends). */
export interface IntakeWriter {
  store: AsyncEngagementStore;
  append(entry: NewLogEntry): Promise<number>;
  close(): void;
}

/**
 * The intake writer for an engine: the Kysely engagement store and its group commit, on SQLite
 * syncing `walPath` (the database file's WAL; none for an in-memory one) before acknowledging.
 */
export function createIntakeWriter(engine: StoreEngine, options: GroupCommitOptions = {}): IntakeWriter {
  const store = createKyselyEngagementStore(engine.db);
  const commit = createKyselyGroupCommit(store, {
    ...options,
    walPath: engine.sqlite ? options.walPath : undefined,
  });
  return { store, append: commit.append, close: commit.close };
}
