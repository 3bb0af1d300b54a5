/**
 * The writer's advertised URL on a real PostgreSQL server: answered only while
 * its lease connection holds the lease, so a replica never forwards to a dead
 * writer's address, and the next holder's URL replaces it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresServer, startPostgres } from "#test-kit/postgres.ts";
import { openPostgres, type StoreEngine } from "./engine.ts";
import { advertiseWriter, currentWriter, writerLocator } from "./writer-endpoint.ts";
import { acquireWriterLease } from "./writer-lease.ts";

describe("writer endpoint (PostgreSQL)", () => {
  let server: PostgresServer;
  let url: string;
  let engine: StoreEngine;

  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase("endpoint");
    engine = await openPostgres(url);
  }, 120_000);
  afterAll(async () => {
    await engine?.close();
    await server?.stop();
  }, 60_000);

  const pool = () => engine.pool as NonNullable<StoreEngine["pool"]>;

  it("answers no writer before any advertised", async () => {
    expect(await currentWriter(pool())).toBeNull();
  });

  it("answers the holder's URL while it holds the lease, and none once it is gone", async () => {
    const first = await acquireWriterLease(url);
    await advertiseWriter(pool(), "http://127.0.0.1:4001", first.backendPid);
    expect(await currentWriter(pool())).toBe("http://127.0.0.1:4001");
    await first.release();
    // The row is still there, but its session no longer holds the lock.
    expect(await currentWriter(pool())).toBeNull();
    const second = await acquireWriterLease(url);
    await advertiseWriter(pool(), "http://127.0.0.1:4002", second.backendPid);
    expect(await currentWriter(pool())).toBe("http://127.0.0.1:4002");
    await second.release();
  });

  it("ignores a URL advertised for a session that does not hold the lease", async () => {
    const lease = await acquireWriterLease(url);
    const { rows } = await pool().query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    await advertiseWriter(pool(), "http://127.0.0.1:6666", rows[0]?.pid as number);
    expect(await currentWriter(pool())).toBeNull();
    await lease.release();
  });

  it("remembers an answer for its ttl, and asks again once told a forward failed", async () => {
    const lease = await acquireWriterLease(url);
    await advertiseWriter(pool(), "http://127.0.0.1:4003", lease.backendPid);
    const locate = writerLocator(pool(), 60_000);
    expect(await locate()).toBe("http://127.0.0.1:4003");
    await lease.release();
    expect(await locate()).toBe("http://127.0.0.1:4003");
    locate.forget();
    expect(await locate()).toBeNull();
  });
});
