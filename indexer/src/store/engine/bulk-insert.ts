/**
 * Many rows into one table, the fastest way each engine offers through Kysely:
 * on PostgreSQL one statement per table whatever the row count, every column
 * sent as ONE array parameter and turned back into rows by `unnest` (close to
 * COPY's speed without its protocol); on SQLite multi-row VALUES under the
 * statement's parameter limit (better-sqlite3 runs in-process, so statement
 * count matters little there).
 */
import { type Kysely, PostgresAdapter, sql } from "kysely";
import { StoreEngineError } from "./engine.ts";

/** Bound parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535. */
export const MAX_PARAMS = 30_000;

export interface InsertOptions {
  /** Skip rows whose key exists (ON CONFLICT DO NOTHING). */
  ignoreConflicts?: boolean;
  /** Keep the rows' order for generated ids (costs a sort of the batch on PostgreSQL). */
  ordered?: boolean;
}

export function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

// biome-ignore lint/suspicious/noExplicitAny: one inserter serves every table of the schema.
type AnyDb = Kysely<any>;

export function createBulkInserter(db: AnyDb) {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  /** Column name to SQL type (e.g. "numeric(78,0)") per table, read from the catalog once. */
  const types = new Map<string, Promise<Map<string, string>>>();
  const columnTypes = (q: AnyDb, table: string) => {
    let found = types.get(table);
    if (!found) {
      found = sql<{
        name: string;
        type: string;
      }>`SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
          FROM pg_attribute a WHERE a.attrelid = ${table}::regclass AND a.attnum > 0 AND NOT a.attisdropped`
        .execute(q)
        .then((r) => new Map(r.rows.map((row) => [row.name, row.type])));
      types.set(table, found);
    }
    return found;
  };

  return async function insertRows(
    q: AnyDb,
    table: string,
    rows: Record<string, unknown>[],
    options: InsertOptions = {},
  ): Promise<void> {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0] as object);
    if (!postgres) {
      for (const part of chunks(rows, Math.floor(MAX_PARAMS / columns.length))) {
        const insert = q.insertInto(table).values(part);
        await (options.ignoreConflicts ? insert.onConflict((oc) => oc.doNothing()) : insert).execute();
      }
      return;
    }
    const typeOf = await columnTypes(q, table);
    const arrays = columns.map((c) => {
      const type = typeOf.get(c);
      if (!type) throw new StoreEngineError("STORE_COLUMN_UNKNOWN", `no column ${c} in ${table}`);
      return sql`${rows.map((r) => r[c] ?? null)}::${sql.raw(type)}[]`;
    });
    const names = sql.join(columns.map((c) => sql.ref(c)));
    const source = options.ordered
      ? sql`SELECT ${names} FROM unnest(${sql.join(arrays)}) WITH ORDINALITY AS u(${names}, ord) ORDER BY ord`
      : sql`SELECT * FROM unnest(${sql.join(arrays)})`;
    const conflict = options.ignoreConflicts ? sql` ON CONFLICT DO NOTHING` : sql``;
    await sql`INSERT INTO ${sql.table(table)} (${names}) ${source}${conflict}`.execute(q);
  };
}
