/** Amplification campaigns, their spends and bought views. */
import { conditions, type Reader } from "./reader.ts";

export interface CampaignRow {
  id: number;
  postId: number;
  promoter: string;
  payer: string;
  budget: string;
  spent: string;
  refundedAmount: string;
  refundedBlock: number | null;
  expiresAt: number;
  createdAt: number;
  blockNumber: number;
}
export interface SpendRow {
  epoch: number;
  amount: string;
  revokedBlock: number | null;
}

const CAMPAIGN_COLUMNS =
  "id, post_id AS postId, promoter, payer, budget, spent, refunded_amount AS refundedAmount, refunded_block AS refundedBlock, expires_at AS expiresAt, created_at AS createdAt, block_number AS blockNumber";

export function campaignQueries({ all, get, page }: Reader) {
  return {
    campaign: (id: number) =>
      get<CampaignRow>(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE id = ?`, id) ?? null,
    campaignsOfPost: (postId: number) =>
      all<CampaignRow>(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE post_id = ? ORDER BY id`, postId),
    campaigns: (
      filter: { promoter?: string; postId?: number; activeAt?: number },
      first: number,
      after: number | null,
    ) => {
      const { where, params } = conditions([
        ["id > ?", after ?? 0],
        ["promoter = ?", filter.promoter],
        ["post_id = ?", filter.postId],
        ["refunded_block IS NULL AND expires_at > ? AND budget != spent", filter.activeAt],
      ]);
      return page<CampaignRow>(
        `SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE ${where.join(" AND ")} ORDER BY id`,
        params,
        first,
      );
    },
    spends: (campaignId: number) =>
      all<SpendRow>(
        "SELECT epoch, amount, revoked_block AS revokedBlock FROM campaign_spends WHERE campaign_id = ? ORDER BY block_number, log_index",
        campaignId,
      ),
    boughtViews: (campaignId: number) =>
      get<{ n: number }>("SELECT COUNT(*) AS n FROM engagement_log WHERE campaign_id = ?", campaignId)?.n ??
      0,
  };
}
