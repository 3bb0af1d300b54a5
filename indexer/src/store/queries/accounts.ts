/** Accounts: balances, follows, policies, delegations, nonces. */
import { type Reader, sql } from "./sql-reader.ts";

export interface PolicyRow {
  mode: number;
  communities: string;
  topics: string;
  blockedPromoters: string;
}
export interface DelegationRow {
  sessionKey: string;
  expiresAt: number;
  revoked: number;
}

export function accountQueries(r: Reader) {
  return {
    balance: async (account: string) =>
      (await r.get<{ balance: string }>(sql`SELECT balance FROM balances WHERE account = ${account}`))
        ?.balance ?? "0",

    followers: (account: string, first: number, after: string | null) =>
      r.page<{ address: string }>(
        sql`SELECT follower AS address FROM follows WHERE target = ${account} AND follower > ${after ?? ""} ORDER BY follower`,
        first,
      ),
    following: (account: string, first: number, after: string | null) =>
      r.page<{ address: string }>(
        sql`SELECT target AS address FROM follows WHERE follower = ${account} AND target > ${after ?? ""} ORDER BY target`,
        first,
      ),
    followerCount: async (account: string) =>
      (await r.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM follows WHERE target = ${account}`))?.n ?? 0,
    followingCount: async (account: string) =>
      (await r.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM follows WHERE follower = ${account}`))?.n ??
      0,
    policy: async (account: string) =>
      (await r.get<PolicyRow>(
        sql`SELECT mode, communities, topics, blocked_promoters AS "blockedPromoters" FROM policies WHERE account = ${account}`,
      )) ?? null,
    delegations: (account: string) =>
      r.all<DelegationRow>(
        sql`SELECT session_key AS "sessionKey", expires_at AS "expiresAt", revoked FROM delegations WHERE account = ${account} ORDER BY seq`,
      ),
    /** Largest nonce used: decimal strings without leading zeros order by (length, text). */
    maxNonce: async (account: string) =>
      (
        await r.get<{ nonce: string }>(
          sql`SELECT nonce FROM engagement_log WHERE account = ${account} ORDER BY length(nonce) DESC, nonce DESC LIMIT 1`,
        )
      )?.nonce ?? null,
  };
}
