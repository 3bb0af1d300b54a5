/**
 * Why views were or were not paid (written by settlement, read by the API),
 * and the reputation seeds of a community with the time each becomes one.
 */
import type { Db } from "./db.ts";

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

export function createPayoutReasonStore(db: Db) {
  const q = {
    insert: db.prepare(
      "INSERT OR REPLACE INTO epoch_view_reasons (epoch, campaign_id, account, reason, amount) VALUES (?, ?, ?, ?, ?)",
    ),
    deleteFrom: db.prepare("DELETE FROM epoch_view_reasons WHERE epoch >= ?"),
    forViewer: db.prepare(
      "SELECT epoch, campaign_id AS campaignId, account, reason, amount FROM epoch_view_reasons WHERE campaign_id = ? AND account = ? ORDER BY epoch",
    ),
    founder: db.prepare("SELECT founder FROM communities WHERE id = ?"),
    moderators: db.prepare(
      `SELECT m.account, MAX(COALESCE(b.timestamp, 0)) AS appointedAt
        FROM moderators m LEFT JOIN blocks b ON b.number = m.block_number
        WHERE m.community_id = ? AND m.removed_block IS NULL GROUP BY m.account ORDER BY m.account`,
    ),
  };
  return {
    /** Replaces the reasons of epochs >= `epoch` (a recomputed epoch drops what it said before). */
    deleteFrom: (epoch: number) => q.deleteFrom.run(epoch),
    insert: (epoch: number, campaignId: bigint, account: string, reason: string, amount: bigint) =>
      q.insert.run(epoch, Number(campaignId), account.toLowerCase(), reason, amount.toString()),
    forViewer: (campaignId: number, account: string) =>
      q.forViewer.all(campaignId, account.toLowerCase()) as ViewReasonRow[],
    seeds(communityId: number): SeedRow[] {
      const c = q.founder.get(communityId) as { founder: string } | undefined;
      if (!c) return [];
      const founder = c.founder.toLowerCase();
      const mods = (q.moderators.all(communityId) as { account: string; appointedAt: number }[])
        .map((m) => ({ account: m.account.toLowerCase(), appointedAt: m.appointedAt, founder: false }))
        .filter((m) => m.account !== founder);
      return [{ account: founder, appointedAt: 0, founder: true }, ...mods];
    },
  };
}
export type PayoutReasonStore = ReturnType<typeof createPayoutReasonStore>;
