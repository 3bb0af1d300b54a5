/**
 * The store's two engines behind one Kysely handle: SQLite through
 * better-sqlite3 (the embedded default, the file the indexer has always used)
 * and PostgreSQL through a `pg` pool, chosen by `AMP_DATABASE_URL`
 * (`postgres://…`). Each engine has its own SQL migrations (same tables and
 * columns, each engine's types); the queries are written once, in Kysely.
 */
import { Kysely, PostgresDialect, type SqliteDatabase, SqliteDialect } from "kysely";
import pg from "pg";
import { AmpError } from "#protocol";
import { type Db, openDb } from "../db.ts";
import type { Migration } from "../migrations.ts";
import { pgMigrations } from "./pg-migrations.ts";
import type { StoreTables } from "./tables.ts";

export type EngineKind = "sqlite" | "postgres";

export class StoreEngineError extends AmpError {
  override name = "StoreEngineError";
}

export interface StoreEngine {
  kind: EngineKind;
  db: Kysely<StoreTables>;
  /** The better-sqlite3 handle on the SQLite engine (synchronous work goes through `exclusiveSqlite`), else null. */
  sqlite: Db | null;
  /** The pool on the PostgreSQL engine, else null. */
  pool: pg.Pool | null;
  close(): Promise<void>;
}

/** `AMP_DATABASE_URL` when it names a PostgreSQL database; null selects SQLite. */
export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string | null {
  const url = env.AMP_DATABASE_URL?.trim();
  if (!url) return null;
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new StoreEngineError("STORE_URL_INVALID", "AMP_DATABASE_URL must be a postgres:// URL", {
      details: "leave it unset to use the SQLite file (AMP_DB_PATH)",
    });
  return url;
}

const INT8 = 20;
/** BIGINT columns hold block numbers, ids and times: numbers, exact below 2^53. */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n))
    throw new StoreEngineError("STORE_INTEGER_RANGE", `BIGINT ${text} is beyond 2^53`);
  return n;
}
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8 && format !== "binary"
      ? parseInt8
      : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

export interface OpenPostgresOptions {
  migrations?: Migration[];
  /** Connections in the pool (default 10). */
  max?: number;
  /**
   * An idle connection failed (the server restarted or cut the session). The pool drops it and the
   * next query opens a new one, so this is a report, not a failure (default: ignored).
   */
  onIdleError?: (error: Error) => void;
}

export async function openPostgres(url: string, options: OpenPostgresOptions = {}): Promise<StoreEngine> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    types,
    // Every statement is prepared once per connection and driven by an index (keysets, ids, the
    // search index): a generic plan serves every parameter value, and re-planning a custom plan on
    // each run (what "auto" keeps doing for skewed columns such as a post's community) costs the
    // server about as much as the query itself (0.36 against 0.19 ms of server CPU per page).
    options: "-c plan_cache_mode=force_generic_plan",
  });
  // Without a listener an idle connection's error would end the process.
  pool.on("error", options.onIdleError ?? (() => undefined));
  try {
    await migratePostgres(pool, options.migrations ?? pgMigrations);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const db = new Kysely<StoreTables>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: "postgres",
    db,
    sqlite: null,
    pool,
    close: () => db.destroy(),
  };
}

const sqliteEngines = new WeakMap<Db, StoreEngine>();

/** Distinct statement texts an engine keeps prepared (multi-row inserts vary with their row count). */
const STATEMENT_CACHE = 512;

/**
 * The handle as Kysely's SQLite dialect sees it, its statements prepared once per distinct text
 * (the dialect prepares each query it runs; preparing costs about as much as running an
 * intake insert). The least recently used text is dropped past `STATEMENT_CACHE`.
 */
function preparedOnce(sqlite: Db): SqliteDatabase {
  const cache = new Map<string, ReturnType<Db["prepare"]>>();
  return {
    prepare(text: string) {
      let statement = cache.get(text);
      if (statement) cache.delete(text);
      else {
        statement = sqlite.prepare(text);
        if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(text, statement);
      return statement;
    },
    close: () => {
      cache.clear();
      sqlite.close();
    },
  };
}

/**
 * The Kysely handle over an open better-sqlite3 database; closing it closes the database. A
 * handle has one engine (asking again gives the same one), so every writer on the handle shares
 * one Kysely connection and its lock: Kysely serialises their transactions, and
 * `exclusiveSqlite` lines synchronous work up behind them.
 */
export function sqliteEngine(sqlite: Db): StoreEngine {
  let engine = sqliteEngines.get(sqlite);
  if (!engine) {
    const db = new Kysely<StoreTables>({ dialect: new SqliteDialect({ database: preparedOnce(sqlite) }) });
    engine = { kind: "sqlite", db, sqlite, pool: null, close: () => db.destroy() };
    sqliteEngines.set(sqlite, engine);
  }
  return engine;
}

/**
 * Runs synchronous better-sqlite3 work on a SQLite engine's handle while holding the engine's
 * Kysely connection. An async Kysely transaction (the follower's batch, an intake commit) can
 * leave the handle inside BEGIN across awaits; a statement or a `db.transaction(...)` run on the
 * handle meanwhile would join it (as a savepoint) and be undone by its rollback. Holding the
 * connection makes such work wait until that transaction has ended.
 */
export async function exclusiveSqlite<T>(engine: StoreEngine, work: (db: Db) => T): Promise<T> {
  const sqlite = engine.sqlite;
  if (!sqlite) throw new StoreEngineError("STORE_ENGINE_INVALID", "not a SQLite engine");
  return engine.db.connection().execute(async () => work(sqlite));
}

/** PostgreSQL when `url` is given, else the SQLite file at `sqlitePath` (migrated as today). */
export async function openStoreEngine(options: {
  url: string | null;
  sqlitePath: string;
}): Promise<StoreEngine> {
  return options.url ? await openPostgres(options.url) : sqliteEngine(openDb(options.sqlitePath));
}

// Any fixed key: every process migrating the same database takes the same lock.
const MIGRATION_LOCK = 0x414d50; // "AMP"

/** Applies pending migrations in one transaction under an advisory lock; returns their versions. */
export async function migratePostgres(pool: pg.Pool, list: Migration[]): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query(
      "CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    );
    const done = new Set(
      (await client.query<{ version: number }>("SELECT version FROM migrations")).rows.map((r) => r.version),
    );
    const pending = list.filter((m) => !done.has(m.version)).sort((a, b) => a.version - b.version);
    for (const m of pending) {
      await client.query(m.sql);
      await client.query("INSERT INTO migrations (version, name, applied_at) VALUES ($1, $2, $3)", [
        m.version,
        m.name,
        Math.floor(Date.now() / 1000),
      ]);
    }
    await client.query("COMMIT");
    return pending.map((m) => m.version);
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
