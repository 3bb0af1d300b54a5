/** A campaign's life per settled epoch: what it spent and how many viewers it paid. */
import { type Reader, sql } from "./sql-reader.ts";

export interface CampaignEpochRow {
  epoch: number;
  /** Block timestamp of the settlement that spent it (unix seconds; 0 when the block is unknown). */
  settledAt: number;
  spent: string;
  paidViews: number;
}

export function campaignHistoryQueries(r: Reader) {
  return {
    /** Unrevoked spends of a campaign, oldest epoch first, with the viewers each epoch paid. */
    campaignHistory: (campaignId: number) =>
      r.all<CampaignEpochRow>(
        sql`SELECT s.epoch AS epoch, COALESCE(MAX(b.timestamp), 0) AS "settledAt", s.amount AS spent,
            (SELECT COUNT(*) FROM epoch_campaign_payouts p WHERE p.epoch = s.epoch AND p.campaign_id = s.campaign_id) AS "paidViews"
          FROM campaign_spends s LEFT JOIN blocks b ON b.number = s.block_number
          WHERE s.campaign_id = ${campaignId} AND s.revoked_block IS NULL
          GROUP BY s.epoch, s.campaign_id, s.amount, s.block_number, s.log_index ORDER BY s.epoch, s.block_number`,
      ),
  };
}
