/** Accounts: balances, follows, policies, delegations, nonces. */
import type { Reader } from "./reader.ts";

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

export function accountQueries({ all, get, page }: Reader) {
  return {
    balance: (account: string) =>
      get<{ balance: string }>("SELECT balance FROM balances WHERE account = ?", account)?.balance ?? "0",

    followers: (account: string, first: number, after: string | null) =>
      page<{ address: string }>(
        "SELECT follower AS address FROM follows WHERE target = ? AND follower > ? ORDER BY follower",
        [account, after ?? ""],
        first,
      ),
    following: (account: string, first: number, after: string | null) =>
      page<{ address: string }>(
        "SELECT target AS address FROM follows WHERE follower = ? AND target > ? ORDER BY target",
        [account, after ?? ""],
        first,
      ),
    followerCount: (account: string) =>
      get<{ n: number }>("SELECT COUNT(*) AS n FROM follows WHERE target = ?", account)?.n ?? 0,
    followingCount: (account: string) =>
      get<{ n: number }>("SELECT COUNT(*) AS n FROM follows WHERE follower = ?", account)?.n ?? 0,
    policy: (account: string) =>
      get<PolicyRow>(
        "SELECT mode, communities, topics, blocked_promoters AS blockedPromoters FROM policies WHERE account = ?",
        account,
      ) ?? null,
    delegations: (account: string) =>
      all<DelegationRow>(
        "SELECT session_key AS sessionKey, expires_at AS expiresAt, revoked FROM delegations WHERE account = ? ORDER BY seq",
        account,
      ),
    /** Largest nonce used: decimal strings without leading zeros order by (length, text). */
    maxNonce: (account: string) =>
      get<{ nonce: string }>(
        "SELECT nonce FROM engagement_log WHERE account = ? ORDER BY length(nonce) DESC, nonce DESC LIMIT 1",
        account,
      )?.nonce ?? null,
  };
}
