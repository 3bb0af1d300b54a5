/**
 * Where the writer takes signed messages, kept in the database beside the
 * lease: the writer that holds the lease records its URL and the server
 * process of its lease connection (`writer_endpoint`); an API replica asks
 * for the URL of the writer that still holds the lease (`pg_locks`), so a
 * dead writer's URL is never answered, and after a failover the new writer's
 * is, with no configuration to change.
 */
import type pg from "pg";
import { WRITER_LOCK_KEY } from "./writer-lease.ts";

/** Records `url` as the writer's, for the lease connection `backendPid`. */
export async function advertiseWriter(pool: pg.Pool, url: string, backendPid: number): Promise<void> {
  await pool.query(
    `INSERT INTO writer_endpoint (id, url, backend_pid, since) VALUES (1, $1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET url = excluded.url, backend_pid = excluded.backend_pid, since = excluded.since`,
    [url, backendPid, Math.floor(Date.now() / 1000)],
  );
}

/**
 * The URL of the writer holding the lease now, or null (none does: the writer died and no standby
 * has taken over yet). A one-key advisory lock shows in `pg_locks` as classid 0, objid key, objsubid 1.
 */
export async function currentWriter(pool: pg.Pool, key = WRITER_LOCK_KEY): Promise<string | null> {
  const { rows } = await pool.query<{ url: string }>(
    `SELECT w.url FROM writer_endpoint w
     JOIN pg_locks l ON l.pid = w.backend_pid AND l.locktype = 'advisory' AND l.granted
       AND l.classid = 0 AND l.objid = $1 AND l.objsubid = 1
     WHERE w.id = 1`,
    [key],
  );
  return rows[0]?.url ?? null;
}

/** `currentWriter`, remembered for `ttlMs` so a burst of forwards asks once. */
export function writerLocator(pool: pg.Pool, ttlMs = 1000): { (): Promise<string | null>; forget(): void } {
  let cached: { url: string | null; at: number } | null = null;
  const locate = async () => {
    if (cached && Date.now() - cached.at < ttlMs) return cached.url;
    const url = await currentWriter(pool);
    cached = { url, at: Date.now() };
    return url;
  };
  // A forward that failed: ask the database again next time (a new writer may hold the lease).
  locate.forget = () => {
    cached = null;
  };
  return locate;
}
