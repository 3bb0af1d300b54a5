/** Communities, their moderators and post counts. */
import { type Reader, sql } from "./sql-reader.ts";

export interface CommunityRow {
  id: number;
  founder: string;
  name: string;
  description: string;
  createdAt: number;
  blockNumber: number;
}

const COMMUNITY_COLUMNS = sql.raw(
  `id, founder, name, description, created_at AS "createdAt", block_number AS "blockNumber"`,
);

export function communityQueries(r: Reader) {
  return {
    community: async (id: number) =>
      (await r.get<CommunityRow>(sql`SELECT ${COMMUNITY_COLUMNS} FROM communities WHERE id = ${id}`)) ?? null,
    communities: (first: number, after: number | null) =>
      r.page<CommunityRow>(
        sql`SELECT ${COMMUNITY_COLUMNS} FROM communities WHERE id > ${after ?? 0} ORDER BY id`,
        first,
      ),
    moderators: async (communityId: number) =>
      (
        await r.all<{ account: string }>(
          sql`SELECT DISTINCT account FROM moderators WHERE community_id = ${communityId} AND removed_block IS NULL ORDER BY account`,
        )
      ).map((row) => row.account),
    postCount: async (communityId: number) =>
      (await r.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM posts WHERE community_id = ${communityId}`))
        ?.n ?? 0,
  };
}
