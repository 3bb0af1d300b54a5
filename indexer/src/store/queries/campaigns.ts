/** Amplification campaigns, their spends and bought views. */
import { type Reader, sql, when, whereClause } from "./sql-reader.ts";

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

const CAMPAIGN_COLUMNS = sql.raw(
  `id, post_id AS "postId", promoter, payer, budget, spent, refunded_amount AS "refundedAmount", refunded_block AS "refundedBlock", expires_at AS "expiresAt", created_at AS "createdAt", block_number AS "blockNumber"`,
);

export function campaignQueries(r: Reader) {
  return {
    campaign: async (id: number) =>
      (await r.get<CampaignRow>(sql`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE id = ${id}`)) ?? null,
    campaignsOfPost: (postId: number) =>
      r.all<CampaignRow>(
        sql`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE post_id = ${postId} ORDER BY id`,
      ),
    campaigns: (
      filter: { promoter?: string; postId?: number; activeAt?: number },
      first: number,
      after: number | null,
    ) =>
      r.page<CampaignRow>(
        sql`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns${whereClause([
          sql`id > ${after ?? 0}`,
          when(filter.promoter, (promoter) => sql`promoter = ${promoter}`),
          when(filter.postId, (postId) => sql`post_id = ${postId}`),
          when(
            filter.activeAt,
            (at) => sql`refunded_block IS NULL AND expires_at > ${at} AND budget != spent`,
          ),
        ])} ORDER BY id`,
        first,
      ),
    spends: (campaignId: number) =>
      r.all<SpendRow>(
        sql`SELECT epoch, amount, revoked_block AS "revokedBlock" FROM campaign_spends WHERE campaign_id = ${campaignId} ORDER BY block_number, log_index`,
      ),
    boughtViews: async (campaignId: number) =>
      (
        await r.get<{ n: number }>(
          sql`SELECT COUNT(*) AS n FROM engagement_log WHERE campaign_id = ${campaignId}`,
        )
      )?.n ?? 0,
  };
}
