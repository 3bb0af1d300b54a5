/**
 * Ranges of the engagement log on either engine, for the log export, the
 * settlement worker and the durability check: the entries of a seq range in
 * seq order, read in keyset batches (a batch is one query; nothing stays open
 * on the connection between batches, so other statements on the same
 * better-sqlite3 handle run in between), written once on the shared read path.
 */
import type { Db } from "./db.ts";
import { type StoreEngine, sqliteEngine } from "./engine/engine.ts";
import { createReader, type Reader, sql } from "./queries/sql-reader.ts";

/** A better-sqlite3 handle (the SQLite engine) or either engine. */
export type StoreSource = Db | StoreEngine;

const readers = new WeakMap<StoreEngine, Reader>();

/** The engine behind a source (a better-sqlite3 handle has one, see `sqliteEngine`). */
export function engineOf(source: StoreSource): StoreEngine {
  if ("kind" in source && "db" in source && "pool" in source) return source as StoreEngine;
  return sqliteEngine(source as Db);
}

/** The shared read path over a source, one per engine (its statement cache is kept). */
export function readerOf(source: StoreSource): Reader {
  const engine = engineOf(source);
  let reader = readers.get(engine);
  if (!reader) {
    reader = createReader(engine);
    readers.set(engine, reader);
  }
  return reader;
}

/** A log entry as exported: what `exportLine` writes and the model parses. */
export interface LogRow {
  seq: number;
  kind: string;
  signer: string;
  json: string;
  signature: string;
}

/** Log entries per read of a range. */
const LOG_BATCH = 4096;

export interface LogRange {
  /** The highest seq of the engagement log (0 when empty). */
  lastSeq(): Promise<number>;
  /** Log entries afterSeq < seq <= toSeq in seq order, in batches of at most `batch`. */
  batches(afterSeq: number, toSeq: number, batch?: number): AsyncGenerator<LogRow[]>;
}

export function createLogRange(source: StoreSource): LogRange {
  const reader = readerOf(source);
  return {
    lastSeq: async () =>
      Number(
        (await reader.get<{ n: number }>(sql`SELECT COALESCE(MAX(seq), 0) AS n FROM engagement_log`))?.n ?? 0,
      ),
    async *batches(afterSeq, toSeq, batch = LOG_BATCH) {
      let after = afterSeq;
      while (after < toSeq) {
        const rows = await reader.all<LogRow>(
          sql`SELECT seq, kind, signer, json, signature FROM engagement_log WHERE seq > ${after} AND seq <= ${toSeq} ORDER BY seq LIMIT ${batch}`,
        );
        if (rows.length === 0) return;
        yield rows;
        if (rows.length < batch) return;
        after = (rows[rows.length - 1] as LogRow).seq;
      }
    },
  };
}
