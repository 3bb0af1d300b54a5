/** A campaign's history per settled epoch on both engines over the same rows. */
import { describe, expect, it } from "vitest";
import { blockTime, seedChainRows } from "#test-kit/chain-rows.ts";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import { campaignHistoryQueries } from "./campaign-history.ts";

describe("campaign history on SQLite and PostgreSQL", () => {
  const pair = enginePairForSuite(seedChainRows);

  it("reads a campaign's history per epoch: unrevoked spends, settlement time, paid viewers", async () => {
    expect(await pair.same((r) => campaignHistoryQueries(r).campaignHistory(1))).toEqual([
      { epoch: 1, settledAt: blockTime(11), spent: "100", paidViews: 2 },
      { epoch: 2, settledAt: blockTime(13), spent: "200", paidViews: 1 },
      { epoch: 3, settledAt: blockTime(17), spent: "310", paidViews: 0 },
      { epoch: 4, settledAt: 0, spent: "400", paidViews: 0 },
    ]);
    expect(await pair.same((r) => campaignHistoryQueries(r).campaignHistory(3))).toEqual([
      { epoch: 1, settledAt: blockTime(11), spent: (2n ** 255n).toString(), paidViews: 0 },
    ]);
    expect(await pair.same((r) => campaignHistoryQueries(r).campaignHistory(999))).toEqual([]);
  });
});
