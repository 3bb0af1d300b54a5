/**
 * Durable appends with group commit. The log runs with `synchronous = FULL`,
 * so every commit waits for the disk; one commit per message would cap intake
 * at a few hundred a second. Appends queued in the same turn of the event loop
 * are committed together in one transaction (each in its own savepoint, so one
 * refused entry does not undo the others), and each caller is answered only
 * after that commit returned, i.e. once its entry is on disk. The highest seq
 * committed is then written to the acknowledgement mark.
 */
import type { Db } from "../store/db.ts";
import { writeAckMark } from "../store/durability.ts";
import type { EngagementStore, NewLogEntry } from "../store/engagement-store.ts";

export interface GroupCommitOptions {
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
    let last = 0;
    for (const r of results) if (r.seq !== undefined) last = Math.max(last, r.seq);
    if (last > 0 && options.ackMark) writeAckMark(options.ackMark, last);
    results.forEach((r, i) => {
      const p = batch[i] as Pending;
      if (r.seq !== undefined) p.resolve(r.seq);
      else p.reject(r.error);
    });
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  }

  return {
    append(entry: NewLogEntry): Promise<number> {
      return new Promise<number>((resolve, reject) => {
        queue.push({ entry, resolve, reject });
        schedule();
      });
    },
  };
}
