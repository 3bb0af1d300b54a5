/**
 * Bulk loads into PostgreSQL by `COPY … FROM STDIN` (pg-copy-streams, text
 * format) inside a transaction the caller holds on one pooled connection.
 * COPY streams rows as tab-separated text: no bound parameters to encode on
 * this side and none to parse on the server, one statement per table
 * however many rows. It is a plain statement of the transaction: a failure
 * aborts the transaction and nothing of it stays.
 *
 * `onePgTransaction` runs a Kysely handle, raw statements and COPY loads in the
 * same transaction (BEGIN … COMMIT on one pooled connection), so they commit
 * or roll back together.
 */
import { finished } from "node:stream/promises";
import { Kysely, PostgresDialect, type PostgresPool } from "kysely";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { StoreTables } from "./tables.ts";

/** Rows per CopyData chunk written to the stream. */
const ROWS_PER_CHUNK = 2_000;

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** One value in COPY's text format: `\N` for NULL, backslash escapes for the separators. */
export function copyText(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  if (typeof value === "string")
    return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c] as string) : value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "t" : "f";
  return copyText(JSON.stringify(value));
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** `rows` (all with the keys of the first) as COPY text, in chunks of whole rows. */
export function copyChunks(rows: Record<string, unknown>[]): { columns: string[]; chunks: string[] } {
  const first = rows[0];
  const columns = first ? Object.keys(first) : [];
  const chunks: string[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_CHUNK) {
    let text = "";
    const end = Math.min(i + ROWS_PER_CHUNK, rows.length);
    for (let r = i; r < end; r++) {
      const row = rows[r] as Record<string, unknown>;
      let line = "";
      for (let c = 0; c < columns.length; c++)
        line += (c === 0 ? "" : "\t") + copyText(row[columns[c] as string]);
      text += `${line}\n`;
    }
    chunks.push(text);
  }
  return { columns, chunks };
}

/**
 * One transaction on one connection. Statements run one after another in the order they were
 * called (each waits for the one before: the connection is never asked to queue), so a caller
 * may start several and await them together while it prepares the next.
 */
export interface PgSession {
  /** Kysely over this session (its queries take their turn like the others). */
  q: Kysely<StoreTables>;
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
  /**
   * COPY `rows` into `table`: encoded now, sent at its turn; resolves when the server has taken
   * every row (CommandComplete), rejects with the server's error otherwise.
   */
  copy(table: string, rows: Record<string, unknown>[]): Promise<void>;
}

function session(client: pg.PoolClient): PgSession {
  let tail: Promise<unknown> = Promise.resolve();
  const turn = <T>(run: () => Promise<T>): Promise<T> => {
    const next = tail.then(run);
    tail = next.catch(() => undefined);
    return next;
  };
  const query = (text: string, values?: unknown[]) => turn(() => client.query(text, values));
  const pool = {
    connect: async () => ({
      query: (text: string, values?: unknown[]) => query(text, values),
      release: () => undefined,
    }),
    end: async () => undefined,
    options: {},
  } as unknown as PostgresPool;
  return {
    q: new Kysely<StoreTables>({ dialect: new PostgresDialect({ pool }) }),
    query,
    copy: (table, rows) => {
      if (rows.length === 0) return Promise.resolve();
      const { columns, chunks } = copyChunks(rows);
      return turn(async () => {
        const stream = client.query(
          copyFrom(`COPY ${quote(table)} (${columns.map(quote).join(", ")}) FROM STDIN`),
        );
        const done = finished(stream);
        for (const chunk of chunks) stream.write(chunk);
        stream.end();
        await done;
      });
    },
  };
}

/**
 * Runs `fn` in one transaction on one connection of `pool` (a session: Kysely queries, raw
 * statements and COPY loads alike). COMMIT when `fn` resolves; ROLLBACK when it throws (the error
 * is rethrown). A connection whose rollback failed is discarded, never returned to the pool
 * mid-transaction.
 */
export async function onePgTransaction<T>(pool: pg.Pool, fn: (s: PgSession) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    try {
      const result = await fn(session(client));
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((rollback: Error) => {
        broken = rollback;
      });
      throw error;
    }
  } finally {
    client.release(broken);
  }
}
