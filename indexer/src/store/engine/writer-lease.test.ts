/**
 * The writer lease on a real PostgreSQL server: one holder at a time, a
 * second writer waits and takes over when the first releases it or its
 * process is killed, a holder whose session is cut learns it lost the lease,
 * and the new writer resumes from the checkpoint without applying an event
 * twice.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresServer, startPostgres } from "#test-kit/postgres.ts";
import type { ChainEvent } from "../events.ts";
import { createKyselyChainStore } from "./chain-store.ts";
import { openPostgres } from "./engine.ts";
import { acquireWriterLease, WRITER_LOCK_KEY } from "./writer-lease.ts";

const A = "0x00000000000000000000000000000000000000aa";
const ZERO = "0x0000000000000000000000000000000000000000";
const h = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

describe("writer lease (PostgreSQL advisory lock)", () => {
  let server: PostgresServer;
  let url: string;

  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase("lease");
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);

  it("lets one writer hold it; a second waits and takes it when the first releases", async () => {
    const first = await acquireWriterLease(url);
    let waits = 0;
    const secondP = acquireWriterLease(url, { pollMs: 50, onWaiting: () => waits++ });
    await new Promise((r) => setTimeout(r, 500));
    expect(waits).toBeGreaterThan(2);
    await first.release();
    const second = await secondP;
    expect(second.backendPid).not.toBe(first.backendPid);
    await second.release();
  });

  it("passes to the waiting writer within seconds of the holder's process being killed", async () => {
    // A writer process of its own: takes the lock on its own connection, then is killed (SIGKILL).
    const child: ChildProcess = spawn(
      process.execPath,
      [
        "-e",
        `const pg = require("pg");
         const c = new pg.Client({ connectionString: process.argv[1] });
         c.connect().then(() => c.query("SELECT pg_try_advisory_lock($1) AS ok", [${WRITER_LOCK_KEY}]))
           .then((r) => { console.log(r.rows[0].ok ? "locked" : "busy"); setInterval(() => {}, 1000); });`,
        url,
      ],
      { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] },
    );
    const said = await new Promise<string>((resolve) =>
      child.stdout?.once("data", (d) => resolve(String(d).trim())),
    );
    expect(said).toBe("locked");
    const controller = new AbortController();
    let waited = false;
    const next = acquireWriterLease(url, {
      pollMs: 100,
      onWaiting: () => (waited = true),
      signal: controller.signal,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(waited).toBe(true);
    const killedAt = performance.now();
    child.kill("SIGKILL");
    const lease = await next;
    const seconds = (performance.now() - killedAt) / 1000;
    expect(seconds).toBeLessThan(10);
    await lease.release();
  });

  it("tells a holder whose session was cut that it lost the lease", async () => {
    const lease = await acquireWriterLease(url);
    const admin = await openPostgres(url, { max: 1 });
    await admin.pool?.query("SELECT pg_terminate_backend($1)", [lease.backendPid]);
    const lost = await lease.lost;
    expect(lost.code).toBe("WRITER_LEASE_LOST");
    // The lock went with the session: another writer gets it at once.
    const next = await acquireWriterLease(url, { pollMs: 50 });
    await next.release();
    await lease.release().catch(() => undefined);
    await admin.close();
  });

  it("stops waiting when aborted", async () => {
    const holder = await acquireWriterLease(url);
    const controller = new AbortController();
    const waiting = acquireWriterLease(url, { pollMs: 50, signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(waiting).rejects.toMatchObject({ code: "WRITER_LEASE_ABORTED" });
    await holder.release();
  });

  it("hands over at the checkpoint: the next writer applies each event exactly once", async () => {
    const db = await server.createDatabase("handover");
    const batch = (n: number) => {
      const e = {
        blockNumber: n,
        blockHash: h(n),
        txIndex: 0,
        logIndex: 0,
        txHash: h(n),
        address: ZERO,
        timestamp: 1000 + n,
        kind: "Transfer",
        payload: { from: ZERO, to: A, value: String(n) },
      } as ChainEvent;
      return {
        blocks: [{ number: n, hash: h(n), parentHash: h(n - 1), timestamp: 1000 + n }],
        events: [e],
        checkpoint: { blockNumber: n, blockHash: h(n), finalizedBlock: 0, headBlock: 10 },
      };
    };
    const writer = async (upTo: number, onApplied?: (n: number) => Promise<void>) => {
      const lease = await acquireWriterLease(db, { pollMs: 50 });
      const engine = await openPostgres(db, { max: 1 });
      const store = createKyselyChainStore(engine.db);
      try {
        const from = ((await store.getCheckpoint())?.blockNumber ?? 0) + 1;
        for (let n = from; n <= upTo; n++) {
          await store.applyBatch(batch(n));
          await onApplied?.(n);
        }
      } finally {
        await engine.close();
        await lease.release();
      }
    };
    // The first writer dies after block 5 (its batch for block 6 never commits).
    await expect(
      writer(10, async (n) => {
        if (n === 5) throw new Error("writer died");
      }),
    ).rejects.toThrow("writer died");
    await writer(10);
    const engine = await openPostgres(db, { max: 1 });
    const events = await engine.db
      .selectFrom("chain_events")
      .select("block_number")
      .orderBy("block_number")
      .execute();
    expect(events.map((r) => r.block_number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const balance = await engine.db
      .selectFrom("balances")
      .select("balance")
      .where("account", "=", A)
      .executeTakeFirst();
    expect(balance?.balance).toBe("55");
    await engine.close();
  });
});
