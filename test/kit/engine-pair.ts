/**
 * One seeded store on both engines for read-side tests: the suite seeds a
 * SQLite file as it always has, the kit mirrors every row into a fresh
 * database on a throwaway PostgreSQL server (`mirror.ts`, `postgres.ts`), and
 * a test asks both engines the same question (`same`).
 */
import { afterAll, beforeAll, expect } from "vitest";
import { type Db, openDb } from "#indexer/store/db.ts";
import { openPostgres, type StoreEngine } from "#indexer/store/engine/engine.ts";
import { createReader, type Reader } from "#indexer/store/queries/sql-reader.ts";
import { tempDir } from "./helpers.ts";
import { mirrorToPostgres } from "./mirror.ts";
import { type PostgresServer, startPostgres } from "./postgres.ts";

export interface EnginePair {
  /** The SQLite store the suite seeded. */
  db(): Db;
  /** The PostgreSQL store holding the same rows. */
  engine(): StoreEngine;
  sqlite(): Reader;
  postgres(): Reader;
  /** Runs `ask` on both engines, expects equal answers and returns the SQLite one. */
  same<T>(ask: (reader: Reader) => Promise<T>): Promise<T>;
}

/** Registers suite hooks: seed a SQLite store with `seed`, then mirror it into PostgreSQL. */
export function enginePairForSuite(seed: (db: Db) => void | Promise<void>): EnginePair {
  let server: PostgresServer | undefined;
  let engine: StoreEngine | undefined;
  let db: Db | undefined;
  let readers: { sqlite: Reader; postgres: Reader } | undefined;
  const tmp = tempDir("amp-engine-pair-");
  beforeAll(async () => {
    db = openDb(`${tmp.dir}/db.sqlite`);
    await seed(db);
    server = await startPostgres();
    engine = await openPostgres(await server.createDatabase());
    await mirrorToPostgres(db, engine);
    readers = { sqlite: createReader(db), postgres: createReader(engine) };
  }, 120_000);
  afterAll(async () => {
    await engine?.close();
    await server?.stop();
    db?.close();
    tmp.cleanup();
  });
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the engine pair exists only while the suite runs");
    return value;
  };
  return {
    db: () => need(db),
    engine: () => need(engine),
    sqlite: () => need(readers).sqlite,
    postgres: () => need(readers).postgres,
    async same(ask) {
      const [a, b] = await Promise.all([ask(need(readers).sqlite), ask(need(readers).postgres)]);
      expect(b).toEqual(a);
      return a;
    },
  };
}
