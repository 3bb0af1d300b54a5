/**
 * Copies every row of a SQLite store into a PostgreSQL store, table by table,
 * so the read side can be checked on both engines against the same data: a
 * test seeds SQLite the way it always has (a real chain, the real intake),
 * mirrors it, and asks both engines the same questions. The write side is
 * checked separately (`indexer/src/store/engine/*.test.ts` compares the two
 * engines' writers row for row).
 *
 * Tables PostgreSQL does not have (SQLite's FTS5 indexes) are skipped;
 * identity columns continue after the copied ids.
 */
import { sql } from "kysely";
import type { Db } from "../../indexer/src/store/db.ts";
import type { StoreEngine } from "../../indexer/src/store/engine/engine.ts";

const ROWS_PER_INSERT = 500;

export async function mirrorToPostgres(sqlite: Db, target: StoreEngine): Promise<Record<string, number>> {
  const pool = target.pool;
  if (!pool) throw new Error("mirrorToPostgres: the target is not a PostgreSQL engine");
  const pgTables = (
    await pool.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'migrations'",
    )
  ).rows.map((r) => r.table_name);
  const sqliteTables = new Set(
    (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
      (r) => r.name,
    ),
  );
  const copied: Record<string, number> = {};
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    for (const table of pgTables) {
      if (!sqliteTables.has(table)) continue;
      const columns = (
        await client.query<{ column_name: string; is_generated: string }>(
          "SELECT column_name, is_generated FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
          [table],
        )
      ).rows
        .filter((c) => c.is_generated !== "ALWAYS")
        .map((c) => c.column_name);
      const sqliteColumns = new Set(
        (sqlite.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[]).map(
          (r) => r.name,
        ),
      );
      const shared = columns.filter((c) => sqliteColumns.has(c));
      // Quoted: some column names are reserved words on PostgreSQL (role_changes."grant").
      const list = shared.map((c) => `"${c}"`).join(", ");
      await client.query(`TRUNCATE ${table}`);
      const rows = sqlite.prepare(`SELECT ${list} FROM ${table}`).raw().all() as unknown[][];
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        const chunk = rows.slice(i, i + ROWS_PER_INSERT);
        const values: unknown[] = [];
        const tuples = chunk.map((row) => {
          const marks = row.map((v) => {
            values.push(typeof v === "bigint" ? v.toString() : v);
            return `$${values.length}`;
          });
          return `(${marks.join(", ")})`;
        });
        await client.query(`INSERT INTO ${table} (${list}) VALUES ${tuples.join(", ")}`, values);
      }
      copied[table] = rows.length;
      const identity = (
        await client.query<{ column_name: string }>(
          "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND is_identity = 'YES'",
          [table],
        )
      ).rows;
      for (const { column_name } of identity) {
        await client.query(
          `SELECT setval(pg_get_serial_sequence('${table}', '${column_name}'), GREATEST((SELECT MAX(${column_name}) FROM ${table}), 0) + 1, false)`,
        );
      }
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  // Statistics for the planner, as a long-running server would have them.
  await sql`ANALYZE`.execute(target.db);
  return copied;
}
