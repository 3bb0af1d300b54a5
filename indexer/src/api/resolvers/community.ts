/** `Community`: on-chain community with its moderators and posts. */
import type { GraphQLResolveInfo } from "graphql";
import type { CommunityRow } from "../../store/queries.ts";
import * as args from "../args.ts";
import { connection } from "../connection.ts";
import type { ApiContext } from "../context.ts";
import { postColumnsFor } from "../post-columns.ts";
import { fromAttention } from "./attention.ts";
import { postsConnection } from "./query.ts";

export const Community = {
  id: (c: CommunityRow) => String(c.id),
  moderators: (c: CommunityRow, _: unknown, ctx: ApiContext) => ctx.queries.moderators(c.id),
  seedDelaySeconds: (c: CommunityRow, _: unknown, ctx: ApiContext) =>
    fromAttention(async () => (await ctx.attention.seeds(BigInt(c.id))).delaySeconds),
  seeds: (c: CommunityRow, _: unknown, ctx: ApiContext) =>
    fromAttention(async () => (await ctx.attention.seeds(BigInt(c.id))).seeds),
  postCount: (c: CommunityRow, _: unknown, ctx: ApiContext) => ctx.queries.postCount(c.id),
  posts: (c: CommunityRow, a: Record<string, unknown>, ctx: ApiContext, info: GraphQLResolveInfo) =>
    postsConnection(ctx, { ...a, community: String(c.id) }, postColumnsFor(info)),
  leaderboard: (c: CommunityRow, a: { first?: number | null }, ctx: ApiContext) =>
    fromAttention(() => ctx.attention.leaderboard(BigInt(c.id), args.pageSize(a.first))),
  memberCount: (c: CommunityRow, _: unknown, ctx: ApiContext) => ctx.queries.memberCount(c.id),
  members: (c: CommunityRow, a: { first?: number | null; after?: string | null }, ctx: ApiContext) =>
    connection(ctx.queries.members(c.id, args.pageSize(a.first), args.afterString(a.after)), (r) => [
      r.address,
    ]),
  isMember: (c: CommunityRow, a: { account: string }, ctx: ApiContext) =>
    ctx.queries.isMember(c.id, args.address(a.account, "account")),
};
