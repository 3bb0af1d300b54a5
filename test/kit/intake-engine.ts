/**
 * Message intake on either engine, for tests: a SQLite store seeded the way
 * tests always have (a chain store), and on PostgreSQL the same rows mirrored
 * into a fresh database. `store` and `writer` are what the indexer gives
 * intake on that engine (`createIntakeWriter`: the synchronous store and the
 * WAL-syncing group commit on SQLite, the Kysely store and its group commit on
 * PostgreSQL); `scalar` and `exec` read and change rows on the engine under
 * test (`?` placeholders on both).
 */
import { afterAll } from "vitest";
import { createIntakeWriter, type IntakeWriter } from "#indexer/engagement/group-commit.ts";
import { type Db, openDb } from "#indexer/store/db.ts";
import {
  type EngineKind,
  openPostgres,
  type StoreEngine,
  sqliteEngine,
} from "#indexer/store/engine/engine.ts";
import { mirrorToPostgres } from "./mirror.ts";
import { type PostgresServer, startPostgres } from "./postgres.ts";

export const ENGINES: EngineKind[] = ["sqlite", "postgres"];

export interface IntakeEngine {
  kind: EngineKind;
  /** The seeded SQLite file (the store itself on SQLite; the source of the mirror on PostgreSQL). */
  sqlite: Db;
  engine: StoreEngine;
  writer: IntakeWriter;
  store: IntakeWriter["store"];
  /** The first column of the first row, or undefined. */
  scalar(text: string, ...params: unknown[]): Promise<unknown>;
  exec(text: string, ...params: unknown[]): Promise<void>;
  close(): Promise<void>;
}

/** One PostgreSQL server per test file, started on first use and stopped after the file's tests. */
export function lazyPostgres(): () => Promise<PostgresServer> {
  let server: Promise<PostgresServer> | null = null;
  afterAll(async () => {
    if (server) await (await server).stop();
  }, 60_000);
  return () => {
    server ??= startPostgres();
    return server;
  };
}

const numbered = (text: string) => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

export async function openIntakeEngine(
  kind: EngineKind,
  options: { path: string; seed?: (db: Db) => void | Promise<void>; postgres: () => Promise<PostgresServer> },
): Promise<IntakeEngine> {
  const sqlite = openDb(options.path);
  await options.seed?.(sqlite);
  const walPath = options.path === ":memory:" ? undefined : `${options.path}-wal`;
  if (kind === "sqlite") {
    const engine = sqliteEngine(sqlite);
    const writer = createIntakeWriter(engine, { walPath });
    return {
      kind,
      sqlite,
      engine,
      writer,
      store: writer.store,
      scalar: async (text, ...params) =>
        sqlite
          .prepare(text)
          .pluck()
          .get(...params),
      exec: async (text, ...params) => void sqlite.prepare(text).run(...params),
      async close() {
        writer.close();
        await engine.close();
      },
    };
  }
  const server = await options.postgres();
  const engine = await openPostgres(await server.createDatabase());
  await mirrorToPostgres(sqlite, engine);
  const pool = engine.pool as NonNullable<StoreEngine["pool"]>;
  const writer = createIntakeWriter(engine);
  return {
    kind,
    sqlite,
    engine,
    writer,
    store: writer.store,
    scalar: async (text, ...params) => {
      const { rows } = await pool.query({ text: numbered(text), values: params, rowMode: "array" });
      return (rows[0] as unknown[] | undefined)?.[0];
    },
    exec: async (text, ...params) => void (await pool.query(numbered(text), params)),
    async close() {
      writer.close();
      sqlite.close();
      await engine.close();
    },
  };
}
