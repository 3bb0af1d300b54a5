/** Communities, their moderators and post counts. */
import type { Reader } from "./reader.ts";

export interface CommunityRow {
  id: number;
  founder: string;
  name: string;
  description: string;
  createdAt: number;
  blockNumber: number;
}

export function communityQueries({ all, get, page }: Reader) {
  return {
    community: (id: number) =>
      get<CommunityRow>(
        "SELECT id, founder, name, description, created_at AS createdAt, block_number AS blockNumber FROM communities WHERE id = ?",
        id,
      ) ?? null,
    communities: (first: number, after: number | null) =>
      page<CommunityRow>(
        "SELECT id, founder, name, description, created_at AS createdAt, block_number AS blockNumber FROM communities WHERE id > ? ORDER BY id",
        [after ?? 0],
        first,
      ),
    moderators: (communityId: number) =>
      all<{ account: string }>(
        "SELECT DISTINCT account FROM moderators WHERE community_id = ? AND removed_block IS NULL ORDER BY account",
        communityId,
      ).map((r) => r.account),
    postCount: (communityId: number) =>
      get<{ n: number }>("SELECT COUNT(*) AS n FROM posts WHERE community_id = ?", communityId)?.n ?? 0,
  };
}
