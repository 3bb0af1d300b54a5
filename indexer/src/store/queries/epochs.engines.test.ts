/** The epoch queries on both engines over the same rows: settlements paged to the end, the active epoch, payouts, claims, earnings. */
import { describe, expect, it } from "vitest";
import { addr, blockTime, hash, MAX_UINT256, seedChainRows } from "#test-kit/chain-rows.ts";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import { epochQueries } from "./epochs.ts";
import type { Keyset, Reader } from "./sql-reader.ts";

describe("epoch queries on SQLite and PostgreSQL", () => {
  const pair = enginePairForSuite(seedChainRows);
  const q = (r: Reader) => epochQueries(r);

  it("pages settlements newest first to the end, each with its manifest", async () => {
    let after: Keyset | null = null;
    const seen: [number, number, number][] = [];
    for (;;) {
      const page = await pair.same((r) => q(r).epochs(4, after));
      seen.push(...page.rows.map((e) => [e.epoch, e.blockNumber, e.logIndex] as [number, number, number]));
      if (!page.hasNextPage) break;
      const last = page.rows.at(-1);
      after = last ? [last.blockNumber, last.logIndex] : null;
    }
    expect(seen).toHaveLength(13);
    expect(seen.slice(0, 3)).toEqual([
      [12, 22, 1],
      [11, 21, 1],
      [10, 20, 1],
    ]);
    // Block 17 holds two settlements: the later log first.
    expect(seen.filter(([, block]) => block === 17)).toEqual([
      [3, 17, 3],
      [7, 17, 1],
    ]);
    const one = await pair.same((r) => q(r).epoch(1));
    expect(one?.manifest).toBe("0x7b7d");
    expect((await pair.same((r) => q(r).epoch(2)))?.manifest).toBe("0x7b2261223a317d");
    expect((await pair.same((r) => q(r).epoch(4)))?.manifest).toBeNull();
  });

  it("reads an epoch's current settlement and the active epoch below an open dispute", async () => {
    expect(await pair.same((r) => q(r).epoch(3))).toMatchObject({
      epoch: 3,
      root: hash(0x333),
      totalSpent: MAX_UINT256,
      revokedBlock: null,
      blockNumber: 17,
      logIndex: 3,
    });
    expect(await pair.same((r) => q(r).epoch(999))).toBeNull();
    // Epoch 9 has an open dispute: nothing from it on activates.
    expect((await pair.same((r) => q(r).activeEpoch(blockTime(1000))))?.epoch).toBe(8);
    expect((await pair.same((r) => q(r).activeEpoch(blockTime(15) + 60)))?.epoch).toBe(5);
    expect(await pair.same((r) => q(r).activeEpoch(0))).toBeNull();
  });

  it("pages payouts to the end and reads one payout, claims and earnings, amounts exact", async () => {
    let after: string | null = null;
    const accounts: string[] = [];
    for (;;) {
      const page = await pair.same((r) => q(r).payouts(5, 6, after));
      accounts.push(...page.rows.map((p) => p.account));
      if (!page.hasNextPage) break;
      after = page.rows.at(-1)?.account ?? null;
    }
    expect(accounts).toHaveLength(23);
    expect(await pair.same((r) => q(r).payout(5, addr(10)))).toEqual({
      amount: MAX_UINT256,
      cumulative: MAX_UINT256,
      proof: JSON.stringify([hash(10)]),
      root: hash(0x105),
    });
    expect(await pair.same((r) => q(r).payout(7, addr(10)))).toMatchObject({ root: null });
    expect(await pair.same((r) => q(r).payout(5, addr(999)))).toBeNull();
    expect(await pair.same((r) => q(r).claimed(addr(10)))).toBe(MAX_UINT256);
    expect(await pair.same((r) => q(r).claimed(addr(11)))).toBe("33");
    expect(await pair.same((r) => q(r).claimed(addr(999)))).toBe("0");
    // Only epoch 5's payouts are those of its on-chain root.
    expect(await pair.same((r) => q(r).earnings(addr(10)))).toEqual([
      { epoch: 5, campaignId: 1, amount: "11" },
      { epoch: 5, campaignId: 3, amount: MAX_UINT256 },
    ]);
    expect(await pair.same((r) => q(r).earnings(addr(999)))).toEqual([]);
  });
});
