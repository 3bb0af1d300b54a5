/**
 * Stream rankings shared by every API replica over the same PostgreSQL store.
 * A stream cursor names a ranking snapshot and a position in it; the replica
 * that ranked a first page keeps the ranking in its own memory (the ring) and
 * also writes its order (post ids and scores, best first) to
 * `stream_snapshots`, under an id the database assigns, before the page is
 * answered. A replica handed a cursor it did not issue reads the order back, so
 * later pages continue the same ranking on any replica: no item repeated or
 * skipped. Snapshots older than their lifetime are deleted by whoever writes.
 */
import type { StoreEngine } from "../store/engine/engine.ts";

/** A ranking's order as every replica can read it back. */
export interface SharedRanking {
  viewer: string;
  scope: string;
  /** Unix seconds (the API clock) the ranking was made at. */
  at: number;
  /** Post ids, best first. */
  ids: Float64Array;
  scores: Float64Array;
}

export interface StreamSnapshotStore {
  /** Writes the ranking; resolves to its id (unique across the replicas of the store). */
  save(ranking: SharedRanking): Promise<number>;
  load(id: number): Promise<SharedRanking | undefined>;
}

/** Saves between deletions of expired snapshots. */
const PRUNE_EVERY = 256;

export function postgresSnapshotStore(engine: StoreEngine, lifetimeSeconds: number): StreamSnapshotStore {
  const pool = engine.pool as NonNullable<StoreEngine["pool"]>;
  let saves = 0;
  return {
    async save(r) {
      const packed = new Float64Array(2 * r.ids.length);
      packed.set(r.ids, 0);
      packed.set(r.scores, r.ids.length);
      const { rows } = await pool.query<{ id: number }>({
        name: "stream_snapshot_save",
        text: "INSERT INTO stream_snapshots (viewer, scope, at, ranking) VALUES ($1, $2, $3, $4) RETURNING id",
        values: [r.viewer, r.scope, r.at, Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength)],
      });
      if (++saves % PRUNE_EVERY === 0) {
        // Best effort: a failed deletion is retried after the next PRUNE_EVERY saves.
        pool
          .query({
            name: "stream_snapshot_prune",
            text: "DELETE FROM stream_snapshots WHERE at < $1",
            values: [r.at - lifetimeSeconds],
          })
          .catch(() => undefined);
      }
      return (rows[0] as { id: number }).id;
    },
    async load(id) {
      const { rows } = await pool.query<{ viewer: string; scope: string; at: number; ranking: Buffer }>({
        name: "stream_snapshot_load",
        text: "SELECT viewer, scope, at, ranking FROM stream_snapshots WHERE id = $1",
        values: [id],
      });
      const row = rows[0];
      if (!row) return undefined;
      // Copied out: a Buffer's bytes need not be aligned for a Float64Array view.
      const packed = new Float64Array(new Uint8Array(row.ranking).buffer);
      const n = packed.length / 2;
      return {
        viewer: row.viewer,
        scope: row.scope,
        at: row.at,
        ids: packed.subarray(0, n),
        scores: packed.subarray(n),
      };
    },
  };
}
