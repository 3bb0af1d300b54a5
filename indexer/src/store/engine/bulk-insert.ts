/**
 * Many rows into one table through Kysely, the same on both engines: multi-row
 * VALUES statements under the parameter limit. (On PostgreSQL this measured
 * twice as fast as sending each column as one array and `unnest`ing it, whose
 * array parsing of long text columns costs more than the bound parameters.)
 */
import type { CompiledQuery, Kysely } from "kysely";

/** Bound parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535. */
export const MAX_PARAMS = 30_000;

export interface InsertOptions {
  /** Skip rows whose key exists (ON CONFLICT DO NOTHING). */
  ignoreConflicts?: boolean;
  /** Upsert: on a conflict over `key`, set `update` from the new row. */
  upsert?: { key: string[]; update: string[] };
}

export function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

// biome-ignore lint/suspicious/noExplicitAny: one inserter serves every table of the schema.
type AnyDb = Kysely<any>;

/** The statements inserting `rows` (all with the same keys), as few as the parameter limit allows. */
export function insertStatements(
  q: AnyDb,
  table: string,
  rows: Record<string, unknown>[],
  options: InsertOptions = {},
): CompiledQuery[] {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0] as object).length;
  const upsert = options.upsert;
  return chunks(rows, Math.floor(MAX_PARAMS / columns)).map((part) => {
    const insert = q.insertInto(table).values(part);
    return (
      upsert
        ? insert.onConflict((oc) =>
            oc
              .columns(upsert.key)
              .doUpdateSet((eb) =>
                Object.fromEntries(upsert.update.map((c) => [c, eb.ref(`excluded.${c}`)])),
              ),
          )
        : options.ignoreConflicts
          ? insert.onConflict((oc) => oc.doNothing())
          : insert
    ).compile();
  });
}

/** Inserts `rows` (all with the same keys) in as few statements as the parameter limit allows. */
export async function insertRows(
  q: AnyDb,
  table: string,
  rows: Record<string, unknown>[],
  options: InsertOptions = {},
): Promise<void> {
  for (const statement of insertStatements(q, table, rows, options)) await q.executeQuery(statement);
}
