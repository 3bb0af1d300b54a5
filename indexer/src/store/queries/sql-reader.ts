/**
 * The read path every entity's queries go through, on either engine. A query
 * is written once with Kysely's `sql` tag (values become bound parameters,
 * `?` on SQLite and `$n` on PostgreSQL); where the engines' SQL differs, a
 * query asks `reader.kind` or uses one of the fragments below. Identifiers
 * aliased in camelCase are double-quoted (`AS "communityId"`): PostgreSQL folds
 * unquoted names to lower case.
 *
 * - SQLite: the compiled text is prepared once per distinct text on the
 *   better-sqlite3 handle and run synchronously (an answer costs what it cost
 *   before the engine was chosen at start-up); the promise is already settled.
 * - PostgreSQL: each distinct text is a named prepared statement on the pool's
 *   connections (parsed and planned once per connection).
 */
import { createHash } from "node:crypto";
import type { Statement } from "better-sqlite3";
import { type RawBuilder, type Sql, sql } from "kysely";
import type { Db } from "../db.ts";
import { type EngineKind, type StoreEngine, StoreEngineError, sqliteEngine } from "../engine/engine.ts";

export interface Rows<T> {
  rows: T[];
  hasNextPage: boolean;
}

/** Keyset position: the sort value(s) of the last row of the previous page. */
export type Keyset = number[];

export interface Reader {
  kind: EngineKind;
  all<T>(query: RawBuilder<T>): Promise<T[]>;
  get<T>(query: RawBuilder<T>): Promise<T | undefined>;
  /** `first` rows of `query` (which must not carry its own LIMIT), and whether another follows. */
  page<T>(query: RawBuilder<T>, first: number): Promise<Rows<T>>;
  /** Values as a one-column set for `IN (…)`: `json_each` on SQLite, `unnest` on PostgreSQL. */
  valuesIn(values: readonly (number | string)[]): RawBuilder<unknown>;
}

export type { RawBuilder, Sql };
export { sql };

/** A reader over a better-sqlite3 handle, or over either engine. */
export function createReader(source: Db | StoreEngine): Reader {
  const engine: StoreEngine =
    "kind" in source && "db" in source ? (source as StoreEngine) : sqliteEngine(source as Db);
  const compile = <T>(query: RawBuilder<T>) => query.compile(engine.db);
  let run: (text: string, params: readonly unknown[]) => Promise<unknown[]>;
  let one: (text: string, params: readonly unknown[]) => Promise<unknown>;
  if (engine.kind === "sqlite") {
    const db = engine.sqlite as Db;
    const cache = new Map<string, Statement<unknown[]>>();
    const stmt = (text: string) => {
      let s = cache.get(text);
      if (!s) {
        s = db.prepare<unknown[]>(text);
        cache.set(text, s);
      }
      return s;
    };
    run = (text, params) => {
      try {
        return Promise.resolve(stmt(text).all(...params));
      } catch (error) {
        return Promise.reject(error);
      }
    };
    one = (text, params) => {
      try {
        return Promise.resolve(stmt(text).get(...params));
      } catch (error) {
        return Promise.reject(error);
      }
    };
  } else {
    const pool = engine.pool;
    if (!pool) throw new StoreEngineError("STORE_ENGINE_INVALID", "a PostgreSQL engine without a pool");
    const names = new Map<string, string>();
    const name = (text: string) => {
      let n = names.get(text);
      if (!n) {
        n = `q${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
        names.set(text, n);
      }
      return n;
    };
    run = async (text, params) =>
      (await pool.query({ name: name(text), text, values: params as unknown[] })).rows;
    one = async (text, params) => (await run(text, params))[0];
  }
  return {
    kind: engine.kind,
    all: <T>(query: RawBuilder<T>) => {
      const c = compile(query);
      return run(c.sql, c.parameters) as Promise<T[]>;
    },
    get: <T>(query: RawBuilder<T>) => {
      const c = compile(query);
      return one(c.sql, c.parameters) as Promise<T | undefined>;
    },
    page: async <T>(query: RawBuilder<T>, first: number) => {
      if (!Number.isSafeInteger(first) || first < 0)
        throw new StoreEngineError("STORE_PAGE_SIZE", `page size ${first} is not a whole number`);
      // The limit is part of the text, not a parameter: PostgreSQL then plans a prepared page
      // once (a generic plan) instead of planning it again on every execution for an unknown limit.
      const c = compile(sql<T>`${query} LIMIT ${sql.lit(first + 1)}`);
      const rows = (await run(c.sql, c.parameters)) as T[];
      const hasNextPage = rows.length > first;
      if (hasNextPage) rows.pop();
      return { rows, hasNextPage };
    },
    valuesIn: (values) =>
      engine.kind === "sqlite"
        ? sql`SELECT value FROM json_each(${JSON.stringify(values)})`
        : typeof values[0] === "string"
          ? sql`SELECT unnest(${values}::text[])`
          : sql`SELECT unnest(${values}::bigint[])`,
  };
}

/** `condition(value)` when the value is given (a filter), else null (left out by `whereClause`). */
export function when<V>(
  value: V | undefined,
  condition: (value: V) => RawBuilder<unknown>,
): RawBuilder<unknown> | null {
  return value === undefined ? null : condition(value);
}

/** ` WHERE a AND b …` over the conditions that are not null, or nothing when none are. */
export function whereClause(where: readonly (RawBuilder<unknown> | null)[]): RawBuilder<unknown> {
  const given = where.filter((w): w is RawBuilder<unknown> => w !== null);
  return given.length ? sql` WHERE ${sql.join(given, sql` AND `)}` : sql``;
}
