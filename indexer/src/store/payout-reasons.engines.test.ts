/** Payout reasons and reputation seeds on both engines: the reads over mirrored rows. */
import { describe, expect, it } from "vitest";
import { addr, blockTime, FOUNDER, MAX_UINT256, seedChainRows } from "#test-kit/chain-rows.ts";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import { payoutReasonQueries } from "./payout-reasons.ts";

describe("payout reasons and seeds on SQLite and PostgreSQL", () => {
  const pair = enginePairForSuite(seedChainRows);

  it("reads a viewer's reasons per epoch and a community's seeds alike", async () => {
    expect(
      await pair.same((r) => payoutReasonQueries(r).forViewer(1, addr(10).toUpperCase().replace("0X", "0x"))),
    ).toEqual([
      { epoch: 1, campaignId: 1, account: addr(10), reason: "policy", amount: "0" },
      { epoch: 2, campaignId: 1, account: addr(10), reason: "paid", amount: MAX_UINT256 },
    ]);
    expect(await pair.same((r) => payoutReasonQueries(r).forViewer(1, addr(999)))).toEqual([]);
    // The founder first (also appointed: once, as the founder); a moderator appointed twice at the later time.
    expect(await pair.same((r) => payoutReasonQueries(r).seeds(1))).toEqual([
      { account: FOUNDER, appointedAt: 0, founder: true },
      { account: addr(5), appointedAt: blockTime(9), founder: false },
      { account: addr(7), appointedAt: blockTime(3), founder: false },
    ]);
    expect(await pair.same((r) => payoutReasonQueries(r).seeds(999))).toEqual([]);
  });
});
