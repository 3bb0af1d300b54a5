/**
 * The settlement store on both engines, over the same synthetic epochs: a
 * persisted epoch reads back the same (amounts exact, past the multi-row
 * insert's chunk size), re-persisting an epoch drops the later ones that
 * continued its tree, a discard leaves the previous epoch whole, and a failed
 * write changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "#test-kit/helpers.ts";
import { type PostgresServer, startPostgres } from "#test-kit/postgres.ts";
import { openDb } from "../store/db.ts";
import { type EngineKind, openPostgres, type StoreEngine, sqliteEngine } from "../store/engine/engine.ts";
import { createReader, sql } from "../store/queries/sql-reader.ts";
import type { EpochResult } from "./epoch.ts";
import { paidKey } from "./payouts.ts";
import { createSettlementStore, type RunFields } from "./store.ts";

const ACCOUNTS = 1234;
const account = (i: number) => `0x${i.toString(16).padStart(40, "0")}`;
/** Amounts beyond 2^64 and 2^53: they must come back exact. */
const big = (i: number) => 10n ** 30n + BigInt(i);

function result(epoch: number, accounts: number): Omit<EpochResult, "reputations"> {
  const cumulative = new Map<string, bigint>();
  const payouts = new Map<string, bigint>();
  const proofs = new Map<string, `0x${string}`[]>();
  const decisions: EpochResult["decisions"] = [];
  const payments: EpochResult["payments"] = [];
  for (let i = 0; i < accounts; i++) {
    const a = account(i);
    cumulative.set(a, big(i) * BigInt(epoch));
    payouts.set(a, big(i));
    proofs.set(a, [`0x${(i + epoch).toString(16).padStart(64, "0")}`]);
    const campaignId = BigInt(1 + (i % 7));
    // Two decisions for one (campaign, account): the last one is what the epoch says.
    decisions.push({
      campaignId,
      account: a.toUpperCase().replace("0X", "0x"),
      reason: "capReached",
      amount: 0n,
    });
    decisions.push({ campaignId, account: a, reason: "paid", amount: big(i) });
    payments.push(
      { campaignId, account: a, amount: big(i) / 2n, role: "viewer" },
      { campaignId, account: a, amount: big(i) / 2n, role: "author" },
    );
  }
  return {
    root: `0x${epoch.toString(16).padStart(64, "0")}`,
    cumulative,
    payouts,
    proofs,
    decisions,
    payments,
  } as unknown as Omit<EpochResult, "reputations">;
}
const fields = (epoch: number, toSeq: number): RunFields => ({
  fromSeq: toSeq - 10,
  toSeq,
  blockNumber: 100 + epoch,
  exportHash: `0x${"e".repeat(64)}`,
  inputsHash: `0x${"f".repeat(64)}`,
  root: `0x${epoch.toString(16).padStart(64, "0")}`,
  totalSpent: big(epoch).toString(),
  manifest: `{"epoch":${epoch}}`,
});

const dump = async (engine: StoreEngine) => {
  const r = createReader(engine);
  return {
    runs: await r.all(
      sql`SELECT epoch, from_seq AS "fromSeq", to_seq AS "toSeq", block_number AS "blockNumber", root, total_spent AS "totalSpent", manifest, status, tx_hash AS "txHash" FROM settlement_runs ORDER BY epoch`,
    ),
    payouts: await r.all(
      sql`SELECT epoch, account, amount, cumulative, proof, root FROM epoch_payouts ORDER BY epoch, account`,
    ),
    campaigns: await r.all(
      sql`SELECT epoch, campaign_id AS "campaignId", account, amount FROM epoch_campaign_payouts ORDER BY epoch, campaign_id, account`,
    ),
    reasons: await r.all(
      sql`SELECT epoch, campaign_id AS "campaignId", account, reason, amount FROM epoch_view_reasons ORDER BY epoch, campaign_id, account`,
    ),
  };
};

describe("settlement store on SQLite and PostgreSQL", () => {
  let server: PostgresServer;
  const tmp = tempDir("amp-settlement-store-");
  const engines = new Map<EngineKind, StoreEngine>();
  beforeAll(async () => {
    server = await startPostgres();
    engines.set("sqlite", sqliteEngine(openDb(`${tmp.dir}/store.sqlite`)));
    engines.set("postgres", await openPostgres(await server.createDatabase(), { max: 3 }));
  }, 120_000);
  afterAll(async () => {
    for (const e of engines.values()) await e.close();
    await server?.stop();
    tmp.cleanup();
  }, 60_000);

  const each = async (fn: (engine: StoreEngine) => Promise<void>) => {
    for (const engine of engines.values()) await fn(engine);
  };

  it("persists epochs alike and reads them back exact", async () => {
    await each(async (engine) => {
      const store = createSettlementStore(engine);
      await store.persist(1, result(1, ACCOUNTS), fields(1, 10));
      await store.persist(2, result(2, ACCOUNTS), fields(2, 20));
      await store.markSent(2, `0x${"a".repeat(64)}`);
      expect(await store.countPayouts(1)).toBe(ACCOUNTS);
      const cumulative = await store.cumulativeAfter(2);
      expect(cumulative.size).toBe(ACCOUNTS);
      expect(cumulative.get(account(ACCOUNTS - 1))).toBe(big(ACCOUNTS - 1) * 2n);
      const paid = await store.paidBefore(2);
      expect(paid.size).toBe(ACCOUNTS);
      expect(paid.has(paidKey(1n, account(0)))).toBe(true);
      expect(await store.run(2)).toMatchObject({
        epoch: 2,
        toSeq: 20,
        status: "sent",
        totalSpent: big(2).toString(),
      });
      expect(await store.cumulativeAfter(0)).toEqual(new Map());
    });
    const [a, b] = [...engines.values()] as [StoreEngine, StoreEngine];
    const rows = await dump(a);
    expect(rows.reasons).toHaveLength(2 * ACCOUNTS);
    expect(rows.reasons.every((r) => (r as { reason: string }).reason === "paid")).toBe(true);
    expect(rows.campaigns[0]).toMatchObject({ amount: big(0).toString() });
    expect(await dump(b)).toEqual(rows);
  });

  it("drops the later epochs when an epoch is persisted again, and keeps the previous one on a discard", async () => {
    await each(async (engine) => {
      const store = createSettlementStore(engine);
      await store.persist(1, result(1, 3), fields(1, 10), true);
      expect(await store.run(2)).toBeUndefined();
      expect(await store.countPayouts(2)).toBe(0);
      expect(await store.run(1)).toMatchObject({ status: "settled" });
      await store.persist(2, result(2, 5), fields(2, 20));
      await store.discard(2);
      expect(await store.run(2)).toBeUndefined();
      expect(await store.countPayouts(2)).toBe(0);
      expect(await store.countPayouts(1)).toBe(3);
    });
    const [a, b] = [...engines.values()] as [StoreEngine, StoreEngine];
    expect(await dump(b)).toEqual(await dump(a));
  });

  it("changes nothing when a write fails part-way", async () => {
    await each(async (engine) => {
      const store = createSettlementStore(engine);
      const before = await dump(engine);
      expect(before.payouts.length).toBeGreaterThan(0);
      // The run row (the last statement, after every delete and insert ran) breaks a NOT NULL.
      const broken = { ...fields(1, 10), root: null as unknown as string };
      await expect(store.persist(1, result(1, 600), broken)).rejects.toThrow(/NOT NULL|null value/);
      expect(await dump(engine)).toEqual(before);
    });
  });
});
