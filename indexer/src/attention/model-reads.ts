/**
 * What the live attention model reads from the store, on either engine: the
 * chain tables (posts, communities, moderators, campaigns, the checkpoint) and
 * the engagement log by sequence number. Written once on the read path
 * (`sql-reader.ts`): on SQLite the answers are cached statements, already
 * settled; on PostgreSQL named prepared statements.
 */
import { type Reader, sql } from "../store/queries/sql-reader.ts";

export interface ModelPostRow {
  id: number;
  communityId: number;
  author: string;
  createdAt: number;
  /** JSON array of topics. */
  topics: string;
}

export interface ModelEntryRow {
  seq: number;
  kind: string;
  json: string;
}

export interface ModerationRow {
  communityId: number;
  account: string;
  appointedAt: number | null;
}

export interface ModelCampaignRow {
  id: number;
  postId: number;
  promoter: string;
  /** Token wei, as text on both engines. */
  budget: string;
  spent: string;
  refundedBlock: number | null;
  expiresAt: number;
  createdAt: number;
}

/** What changed since the last refresh, in one read. */
export interface StoreStamp {
  /** Counts of communities, moderators and active moderators. */
  communities: string;
  maxPost: number;
  maxSeq: number;
  /** Checkpoint block and hash: moves with every chain batch. */
  head: string;
}

/** Log entries read per round trip while catching up. */
export const ENTRIES_PER_READ = 50_000;

const CAMPAIGN_COLUMNS = sql.raw(
  `id, post_id AS "postId", promoter, CAST(budget AS TEXT) AS budget, CAST(spent AS TEXT) AS spent, refunded_block AS "refundedBlock", expires_at AS "expiresAt", created_at AS "createdAt"`,
);

export function modelReads(r: Reader) {
  return {
    stamp: async (): Promise<StoreStamp> => {
      const row = await r.get<StoreStamp>(
        sql`SELECT CAST((SELECT COUNT(*) FROM communities) AS TEXT) || ':' || CAST((SELECT COUNT(*) FROM moderators) AS TEXT) || ':' ||
            CAST((SELECT COUNT(*) FROM moderators WHERE removed_block IS NULL) AS TEXT) AS communities,
          (SELECT COALESCE(MAX(id), 0) FROM posts) AS "maxPost",
          (SELECT COALESCE(MAX(seq), 0) FROM engagement_log) AS "maxSeq",
          COALESCE((SELECT CAST(block_number AS TEXT) || ':' || COALESCE(block_hash, '') FROM checkpoint WHERE id = 1), '') AS head`,
      );
      return row as StoreStamp;
    },
    postsAfter: (id: number) =>
      r.all<ModelPostRow>(
        sql`SELECT id, community_id AS "communityId", author, created_at AS "createdAt", topics FROM posts WHERE id > ${id} ORDER BY id`,
      ),
    entriesAfter: (seq: number) =>
      r.all<ModelEntryRow>(
        sql`SELECT seq, kind, json FROM engagement_log WHERE seq > ${seq} ORDER BY seq LIMIT ${ENTRIES_PER_READ}`,
      ),
    communities: () => r.all<{ id: number; founder: string }>(sql`SELECT id, founder FROM communities`),
    moderators: () =>
      r.all<ModerationRow>(
        sql`SELECT m.community_id AS "communityId", m.account, b.timestamp AS "appointedAt"
          FROM moderators m LEFT JOIN blocks b ON b.number = m.block_number WHERE m.removed_block IS NULL`,
      ),
    activeCampaigns: (now: number) =>
      r.all<ModelCampaignRow>(
        sql`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE refunded_block IS NULL AND expires_at > ${now}`,
      ),
    campaign: (id: number) =>
      r.get<ModelCampaignRow>(sql`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE id = ${id}`),
    /** Campaigns by id in one read (missing ids are left out). */
    campaignsByIds: (ids: readonly number[]) =>
      r.all<ModelCampaignRow>(
        sql`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE id IN (${r.valuesIn(ids)})`,
      ),
    /** Bought views paid to anyone but the post's author. */
    paidViews: async (campaignId: number, author: string) =>
      (
        (await r.get<{ n: number }>(
          sql`SELECT COUNT(*) AS n FROM epoch_campaign_payouts WHERE campaign_id = ${campaignId} AND account <> ${author}`,
        )) as { n: number }
      ).n,
  };
}

export type ModelReads = ReturnType<typeof modelReads>;
