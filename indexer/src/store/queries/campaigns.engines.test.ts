/** The campaign queries on both engines over the same rows: every filter paged to the end, spends, bought views. */
import { describe, expect, it } from "vitest";
import { addr, blockTime, MAX_UINT256, seedChainRows } from "#test-kit/chain-rows.ts";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import { campaignQueries } from "./campaigns.ts";
import type { Reader } from "./sql-reader.ts";

describe("campaign queries on SQLite and PostgreSQL", () => {
  const pair = enginePairForSuite(seedChainRows);
  const q = (r: Reader) => campaignQueries(r);

  it("pages every filter to the end with the same rows", async () => {
    const filters = [
      [{}, 24],
      [{ promoter: addr(3) }, 8],
      [{ postId: 2 }, 5],
      [{ activeAt: blockTime(20) }, 10],
      [{ promoter: addr(4), postId: 3 }, 4],
    ] as const;
    for (const [filter, total] of filters) {
      let after: number | null = null;
      const ids: number[] = [];
      for (;;) {
        const page = await pair.same((r) => q(r).campaigns(filter, 4, after));
        ids.push(...page.rows.map((c) => c.id));
        if (!page.hasNextPage) break;
        after = page.rows.at(-1)?.id ?? null;
      }
      expect(ids).toHaveLength(total);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    }
    // Active: not refunded, not expired, budget not spent.
    const active = await pair.same((r) => q(r).campaigns({ activeAt: blockTime(20) }, 100, null));
    expect(active.rows.map((c) => c.id)).toEqual([1, 2, 4, 6, 8, 12, 16, 18, 22, 24]);
  });

  it("reads one campaign, a post's campaigns, spends and bought views alike, amounts exact", async () => {
    const three = await pair.same((r) => q(r).campaign(3));
    expect(three).toMatchObject({
      id: 3,
      budget: MAX_UINT256,
      spent: (2n ** 255n).toString(),
      refundedBlock: null,
    });
    expect(await pair.same((r) => q(r).campaign(999))).toBeNull();
    expect((await pair.same((r) => q(r).campaignsOfPost(1))).map((c) => c.id)).toEqual([
      1, 4, 8, 12, 16, 20, 24,
    ]);
    expect(await pair.same((r) => q(r).spends(1))).toEqual([
      { epoch: 1, amount: "100", revokedBlock: null },
      { epoch: 2, amount: "200", revokedBlock: null },
      { epoch: 3, amount: "300", revokedBlock: 17 },
      { epoch: 3, amount: "310", revokedBlock: null },
      { epoch: 4, amount: "400", revokedBlock: null },
    ]);
    expect(await pair.same((r) => q(r).boughtViews(1))).toBe(3);
    expect(await pair.same((r) => q(r).boughtViews(999))).toBe(0);
  });
});
