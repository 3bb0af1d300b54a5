/**
 * Durable appends with group commit: a message is acknowledged only once its
 * entry is on disk. Appends queued in the same turn of the event loop are
 * committed together in one transaction (each in its own savepoint, so one
 * refused entry does not undo the others); then the WAL file is synced with
 * fsync(2) on libuv's thread pool (the equivalent of `synchronous = FULL`
 * for these commits, without holding the event loop for the disk), and only
 * after that sync is the highest seq written to the acknowledgement mark (one
 * small write in place) and are the callers answered. Batches keep committing
 * while earlier syncs run.
 *
 * On PostgreSQL (`createKyselyGroupCommit`) the server makes a commit durable
 * (fsync and `synchronous_commit` on), so a batch is acknowledged once its
 * COMMIT has returned; one batch is in flight at a time (sequence numbers
 * follow commit order) and messages arriving meanwhile form the next batch.
 * `createIntakeWriter` picks the one for an engine.
 */
import { closeSync, existsSync, fsync, openSync } from "node:fs";
import { AmpError } from "#protocol";
import { createAckMarkWriter } from "../store/ack-mark.ts";
import type { Db } from "../store/db.ts";
import { createEngagementStore, type EngagementStore, type NewLogEntry } from "../store/engagement-store.ts";
import {
  type AsyncEngagementStore,
  createKyselyEngagementStore,
  LogNonceTakenError,
} from "../store/engine/engagement-store.ts";
import type { StoreEngine } from "../store/engine/engine.ts";

export interface GroupCommitOptions {
  /** The database's WAL file to sync before acknowledging; none for an in-memory store. */
  walPath?: string;
  /** File recording the highest acknowledged seq (see `store/durability.ts`). */
  ackMark?: string;
  /** Largest batch per commit. */
  maxBatch?: number;
}

interface Pending {
  entry: NewLogEntry;
  resolve: (seq: number) => void;
  reject: (error: unknown) => void;
}

export function createGroupCommit(db: Db, store: EngagementStore, options: GroupCommitOptions = {}) {
  const maxBatch = options.maxBatch ?? 1000;
  let queue: Pending[] = [];
  let scheduled = false;
  let walFd: number | null = null;
  const markAcked = options.ackMark ? createAckMarkWriter(options.ackMark) : null;

  const commit = db.transaction((batch: Pending[]) =>
    batch.map((p) => {
      try {
        // Inside a transaction, the store's own transaction is a savepoint.
        return { seq: store.append(p.entry) };
      } catch (error) {
        return { error };
      }
    }),
  );

  function durable(done: (error: Error | null) => void): void {
    if (!options.walPath) {
      done(null);
      return;
    }
    if (walFd === null) {
      if (!existsSync(options.walPath)) {
        done(new AmpError("LOG_WAL_MISSING", `${options.walPath} does not exist`));
        return;
      }
      walFd = openSync(options.walPath, "r");
    }
    fsync(walFd, done);
  }

  function flush(): void {
    scheduled = false;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(batch.length);
    if (queue.length > 0) schedule();
    let results: Array<{ seq?: number; error?: unknown }>;
    try {
      results = commit.immediate(batch);
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    durable((error) => {
      let last = 0;
      for (const r of results) if (r.seq !== undefined) last = Math.max(last, r.seq);
      let failure: unknown = error;
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
        else if (r.seq !== undefined) p.resolve(r.seq);
        else p.reject(r.error);
      });
    });
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  }

  return {
    /** Closes the WAL file handle (after the last append was answered). */
    close(): void {
      if (walFd !== null) closeSync(walFd);
      walFd = null;
      markAcked?.close();
    },
    append(entry: NewLogEntry): Promise<number> {
      return new Promise<number>((resolve, reject) => {
        queue.push({ entry, resolve, reject });
        schedule();
      });
    },
  };
}

export interface GroupCommit {
  /** Resolves with the entry's seq once its commit is durable; rejects `LogNonceTakenError` for a taken nonce. */
  append(entry: NewLogEntry): Promise<number>;
  /** Releases file handles (after the last append was answered). */
  close(): void;
}

export interface KyselyGroupCommitOptions {
  /** File recording the highest acknowledged seq, written after each commit. */
  ackMark?: string;
  /** Largest batch per commit. */
  maxBatch?: number;
}

export function createKyselyGroupCommit(
  store: AsyncEngagementStore,
  options: KyselyGroupCommitOptions = {},
): GroupCommit {
  const maxBatch = options.maxBatch ?? 1000;
  const markAcked = options.ackMark ? createAckMarkWriter(options.ackMark) : null;
  let queue: Pending[] = [];
  let running = false;
  let scheduled = false;

  async function flush(): Promise<void> {
    scheduled = false;
    running = true;
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, maxBatch);
        queue = queue.slice(batch.length);
        let results: Awaited<ReturnType<AsyncEngagementStore["appendBatch"]>>;
        try {
          results = await store.appendBatch(batch.map((p) => p.entry));
        } catch (error) {
          for (const p of batch) p.reject(error);
          continue;
        }
        let last = 0;
        for (const r of results) if ("seq" in r) last = Math.max(last, r.seq);
        let failure: unknown = null;
        if (markAcked && last > 0) {
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
          else if ("taken" in r)
            p.reject(new LogNonceTakenError(p.entry.message.account, p.entry.message.nonce));
          else p.reject(r.error);
        });
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
      markAcked?.close();
    },
  };
}

/** What intake writes through: the engine's engagement store (its reads) and a group commit (its appends). */
export interface IntakeWriter {
  store: EngagementStore | AsyncEngagementStore;
  append(entry: NewLogEntry): Promise<number>;
  close(): void;
}

/**
 * The intake writer for an engine: on SQLite the synchronous store and the WAL-syncing group
 * commit (`walPath` of the database file; none for an in-memory one), on PostgreSQL the Kysely
 * store and its group commit.
 */
export function createIntakeWriter(engine: StoreEngine, options: GroupCommitOptions = {}): IntakeWriter {
  if (engine.sqlite) {
    const store = createEngagementStore(engine.sqlite);
    const commit = createGroupCommit(engine.sqlite, store, options);
    return { store, append: commit.append, close: commit.close };
  }
  const store = createKyselyEngagementStore(engine.db);
  const commit = createKyselyGroupCommit(store, { ackMark: options.ackMark, maxBatch: options.maxBatch });
  return { store, append: commit.append, close: commit.close };
}
