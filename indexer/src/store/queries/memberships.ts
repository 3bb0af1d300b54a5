/** Community memberships from Membership messages: who joined which community. */
import type { CommunityRow } from "./communities.ts";
import { type Reader, sql } from "./sql-reader.ts";

const COMMUNITY_COLUMNS = sql.raw(
  `c.id, c.founder, c.name, c.description, c.created_at AS "createdAt", c.block_number AS "blockNumber"`,
);

export function membershipQueries(r: Reader) {
  return {
    memberCount: async (communityId: number) =>
      (
        await r.get<{ n: number }>(
          sql`SELECT COUNT(*) AS n FROM memberships WHERE community_id = ${communityId} AND member = 1`,
        )
      )?.n ?? 0,
    /** Members of a community by address; keyset: the last address. */
    members: (communityId: number, first: number, after: string | null) =>
      r.page<{ address: string }>(
        sql`SELECT account AS address FROM memberships WHERE community_id = ${communityId} AND member = 1 AND account > ${after ?? ""} ORDER BY account`,
        first,
      ),
    isMember: async (communityId: number, account: string) =>
      (
        await r.get<{ member: number }>(
          sql`SELECT member FROM memberships WHERE community_id = ${communityId} AND account = ${account}`,
        )
      )?.member === 1,
    /** The communities an account joined, by id. */
    memberships: (account: string) =>
      r.all<CommunityRow>(
        sql`SELECT ${COMMUNITY_COLUMNS} FROM memberships m JOIN communities c ON c.id = m.community_id
          WHERE m.account = ${account} AND m.member = 1 ORDER BY c.id`,
      ),
  };
}
