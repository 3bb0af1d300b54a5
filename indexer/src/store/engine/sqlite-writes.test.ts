/**
 * Writers sharing one SQLite handle: an async Kysely transaction (the follower's batch, an intake
 * commit) can stay open across awaits, and synchronous work on the same handle must not join it.
 */
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "#test-kit/helpers.ts";
import { gate, rolledBackTransaction } from "#test-kit/open-transaction.ts";
import { OrganicImpressions } from "../../attention/organic-impressions.ts";
import { createSettlementStore } from "../../settlement/store.ts";
import { type Db, openDb } from "../db.ts";
import { exclusiveSqlite, type StoreEngine, sqliteEngine } from "./engine.ts";

describe("synchronous writes beside an open Kysely transaction on SQLite", () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  let engine: StoreEngine;
  beforeEach(() => {
    dir = tempDir("amp-sqlite-writes-");
    db = openDb(join(dir.dir, "store.sqlite"));
    engine = sqliteEngine(db);
  });
  afterEach(async () => {
    await engine.close();
    dir.cleanup();
  });

  it("gives a handle one engine, so its writers share one connection lock", () => {
    expect(sqliteEngine(db)).toBe(engine);
  });

  it("shows the hazard: a statement run on the handle meanwhile is undone with the transaction", async () => {
    const g = gate();
    const tx = rolledBackTransaction(engine, g.opened);
    await new Promise((r) => setImmediate(r));
    expect(db.inTransaction).toBe(true);
    db.prepare("INSERT INTO settlement_lease (id, owner, until) VALUES (1, 'raw', 1)").run();
    g.open();
    expect(await tx).toBeInstanceOf(Error);
    expect(db.prepare("SELECT COUNT(*) AS n FROM settlement_lease").get()).toEqual({ n: 0 });
  });

  it("makes exclusive work wait for the transaction to end, and keeps it when that one rolls back", async () => {
    const g = gate();
    const tx = rolledBackTransaction(engine, g.opened);
    await new Promise((r) => setImmediate(r));
    let ran = false;
    const work = exclusiveSqlite(engine, (h) => {
      ran = true;
      expect(h.inTransaction).toBe(false);
      return h.prepare("INSERT INTO settlement_lease (id, owner, until) VALUES (1, 'exclusive', 1)").run()
        .changes;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toBe(false);
    g.open();
    expect(await tx).toBeInstanceOf(Error);
    expect(await work).toBe(1);
    expect(db.prepare("SELECT owner FROM settlement_lease").all()).toEqual([{ owner: "exclusive" }]);
    expect(db.prepare("SELECT COUNT(*) AS n FROM checkpoint").get()).toEqual({ n: 0 });
  });

  it("holds the settler's lease and the organic counts back until the transaction has ended", async () => {
    const g = gate();
    const tx = rolledBackTransaction(engine, g.opened);
    await new Promise((r) => setImmediate(r));
    const lease = createSettlementStore(db).lease();
    const organic = new OrganicImpressions(db, { flushMs: 60_000 });
    organic.add(5n);
    let acquired: boolean | null = null;
    const taking = lease.acquire().then((held) => {
      acquired = held;
    });
    const flushing = organic.flush();
    await new Promise((r) => setTimeout(r, 20));
    expect(acquired).toBe(null);
    g.open();
    await tx;
    await Promise.all([taking, flushing]);
    expect(acquired).toBe(true);
    // Neither was swallowed by the rolled-back transaction.
    expect(db.prepare("SELECT COUNT(*) AS n FROM settlement_lease").get()).toEqual({ n: 1 });
    expect(
      db.prepare("SELECT impressions FROM campaign_organic_impressions WHERE campaign_id = 5").get(),
    ).toEqual({ impressions: 1 });
    await lease.release();
    expect(db.prepare("SELECT COUNT(*) AS n FROM settlement_lease").get()).toEqual({ n: 0 });
  });
});
