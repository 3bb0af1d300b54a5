/**
 * Why views were or were not paid (written by settlement, read by the API),
 * and the reputation seeds of a community with the time each becomes one.
 *
 * The reads go through the read path (`queries/sql-reader.ts`) on either
 * engine; settlement writes the reasons with an epoch's other rows, in its
 * transaction (`settlement/store.ts`).
 */
import { sql } from "kysely";
import type { Reader } from "./queries/sql-reader.ts";

export interface ViewReasonRow {
  epoch: number;
  campaignId: number;
  account: string;
  reason: string;
  amount: string;
}

export interface SeedRow {
  account: string;
  /** Unix seconds of the appointment (block timestamp); 0 for the founder. */
  appointedAt: number;
  founder: boolean;
}

/** The reasons and seeds the API reads, on either engine. */
export function payoutReasonQueries(r: Reader) {
  return {
    forViewer: (campaignId: number, account: string) =>
      r.all<ViewReasonRow>(
        sql`SELECT epoch, campaign_id AS "campaignId", account, reason, amount FROM epoch_view_reasons WHERE campaign_id = ${campaignId} AND account = ${account.toLowerCase()} ORDER BY epoch`,
      ),
    async seeds(communityId: number): Promise<SeedRow[]> {
      const c = await r.get<{ founder: string }>(
        sql`SELECT founder FROM communities WHERE id = ${communityId}`,
      );
      if (!c) return [];
      const founder = c.founder.toLowerCase();
      const mods = await r.all<{ account: string; appointedAt: number }>(
        sql`SELECT m.account, MAX(COALESCE(b.timestamp, 0)) AS "appointedAt"
          FROM moderators m LEFT JOIN blocks b ON b.number = m.block_number
          WHERE m.community_id = ${communityId} AND m.removed_block IS NULL GROUP BY m.account ORDER BY m.account`,
      );
      return [
        { account: founder, appointedAt: 0, founder: true },
        ...mods
          .map((m) => ({ account: m.account.toLowerCase(), appointedAt: m.appointedAt, founder: false }))
          .filter((m) => m.account !== founder),
      ];
    },
  };
}
export type PayoutReasonQueries = ReturnType<typeof payoutReasonQueries>;
