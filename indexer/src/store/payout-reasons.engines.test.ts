/**
 * Payout reasons and reputation seeds on both engines: the reads over mirrored rows, and the
 * Kysely writes on each engine leaving the same rows.
 */
import type { Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import { addr, blockTime, FOUNDER, MAX_UINT256, seedChainRows } from "#test-kit/chain-rows.ts";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import { sqliteEngine } from "./engine/engine.ts";
import { payoutReasonQueries, payoutReasonWrites } from "./payout-reasons.ts";
import { createReader, sql } from "./queries/sql-reader.ts";

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

  it("replaces the reasons of recomputed epochs the same way on both engines", async () => {
    const sqlite = sqliteEngine(pair.db());
    for (const db of [sqlite.db, pair.engine().db] as Kysely<unknown>[]) {
      await db.transaction().execute(async (trx) => {
        const w = payoutReasonWrites(trx);
        await w.deleteFrom(2);
        await w.insertMany(2, [
          {
            campaignId: 1n,
            account: addr(10).toUpperCase().replace("0X", "0x"),
            reason: "alreadyPaid",
            amount: 0n,
          },
          { campaignId: 1n, account: addr(11), reason: "paid", amount: 2n ** 256n - 1n },
        ]);
        // The same decision again replaces it.
        await w.insertMany(2, [{ campaignId: 1n, account: addr(11), reason: "paid", amount: 5n }]);
      });
    }
    const rows = await pair.same((r) =>
      r.all(
        sql`SELECT epoch, campaign_id AS "campaignId", account, reason, amount FROM epoch_view_reasons ORDER BY epoch, account`,
      ),
    );
    expect(rows).toEqual([
      { epoch: 1, campaignId: 1, account: addr(10), reason: "policy", amount: "0" },
      { epoch: 1, campaignId: 1, account: addr(11), reason: "authorOrPromoter", amount: "0" },
      { epoch: 2, campaignId: 1, account: addr(10), reason: "alreadyPaid", amount: "0" },
      { epoch: 2, campaignId: 1, account: addr(11), reason: "paid", amount: "5" },
    ]);
    expect(await payoutReasonQueries(createReader(pair.engine())).forViewer(1, addr(11))).toHaveLength(2);
  });
});
