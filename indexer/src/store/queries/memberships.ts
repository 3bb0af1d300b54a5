/** Community memberships from Membership messages: who joined which community. */
import type { CommunityRow } from "./communities.ts";
import type { Reader } from "./reader.ts";

const COMMUNITY_COLUMNS =
  "c.id, c.founder, c.name, c.description, c.created_at AS createdAt, c.block_number AS blockNumber";

export function membershipQueries({ all, get, page }: Reader) {
  return {
    memberCount: (communityId: number) =>
      get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM memberships WHERE community_id = ? AND member = 1",
        communityId,
      )?.n ?? 0,
    /** Members of a community by address; keyset: the last address. */
    members: (communityId: number, first: number, after: string | null) =>
      page<{ address: string }>(
        "SELECT account AS address FROM memberships WHERE community_id = ? AND member = 1 AND account > ? ORDER BY account",
        [communityId, after ?? ""],
        first,
      ),
    isMember: (communityId: number, account: string) =>
      get<{ member: number }>(
        "SELECT member FROM memberships WHERE community_id = ? AND account = ?",
        communityId,
        account,
      )?.member === 1,
    /** The communities an account joined, by id. */
    memberships: (account: string) =>
      all<CommunityRow>(
        `SELECT ${COMMUNITY_COLUMNS} FROM memberships m JOIN communities c ON c.id = m.community_id
          WHERE m.account = ? AND m.member = 1 ORDER BY c.id`,
        account,
      ),
  };
}
