/** `Account`: any address; balances, follows and policy come from the store. */
import type { Address } from "viem";
import { PolicyMode } from "#protocol";
import * as args from "../args.ts";
import { connection } from "../connection.ts";
import type { ApiContext } from "../context.ts";
import { fromAttention } from "./attention.ts";

type Parent = { address: string };
type Page = { first?: number | null; after?: string | null };
const MODES = ["NONE", "FRIENDS", "COMMUNITIES", "TOPICS", "EVERYONE"] as const;

export const Account = {
  balance: (p: Parent, _: unknown, ctx: ApiContext) => ctx.queries.balance(p.address),
  posts: (p: Parent, a: Page, ctx: ApiContext) =>
    connection(
      ctx.queries.posts({ author: p.address }, args.pageSize(a.first), args.afterKeyset(a.after, 1)),
      (r) => [r.id],
    ),
  followers: (p: Parent, a: Page, ctx: ApiContext) =>
    connection(ctx.queries.followers(p.address, args.pageSize(a.first), args.afterString(a.after)), (r) => [
      r.address,
    ]),
  following: (p: Parent, a: Page, ctx: ApiContext) =>
    connection(ctx.queries.following(p.address, args.pageSize(a.first), args.afterString(a.after)), (r) => [
      r.address,
    ]),
  followerCount: (p: Parent, _: unknown, ctx: ApiContext) => ctx.queries.followerCount(p.address),
  memberships: (p: Parent, _: unknown, ctx: ApiContext) => ctx.queries.memberships(p.address),
  followingCount: (p: Parent, _: unknown, ctx: ApiContext) => ctx.queries.followingCount(p.address),
  policy: async (p: Parent, _: unknown, ctx: ApiContext) => {
    const row = await ctx.queries.policy(p.address);
    if (!row) {
      return {
        mode: MODES[PolicyMode.Friends],
        communities: [],
        topics: [],
        blockedPromoters: [],
        explicit: false,
      };
    }
    return {
      mode: MODES[row.mode] ?? "FRIENDS",
      communities: JSON.parse(row.communities),
      topics: JSON.parse(row.topics),
      blockedPromoters: JSON.parse(row.blockedPromoters),
      explicit: true,
    };
  },
  claimable: async (p: Parent, _: unknown, ctx: ApiContext) =>
    (await fromAttention(() => ctx.attention.claim(p.address as Address))).claimable,
  claimed: (p: Parent, _: unknown, ctx: ApiContext) => ctx.queries.claimed(p.address),
  nextNonce: async (p: Parent, _: unknown, ctx: ApiContext) => {
    const max = await ctx.queries.maxNonce(p.address);
    return max === null ? 0n : BigInt(max) + 1n;
  },
  delegations: async (p: Parent, _: unknown, ctx: ApiContext) =>
    (await ctx.queries.delegations(p.address)).map((d) => ({ ...d, revoked: d.revoked === 1 })),
};
