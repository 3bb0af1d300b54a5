/** `Community`: on-chain community with its moderators and posts. */
import type { CommunityRow } from "../../store/queries.ts";
import * as args from "../args.ts";
import type { ApiContext } from "../context.ts";
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
  posts: (c: CommunityRow, a: Record<string, unknown>, ctx: ApiContext) =>
    postsConnection(ctx, { ...a, community: String(c.id) }),
  leaderboard: (c: CommunityRow, a: { first?: number | null }, ctx: ApiContext) =>
    fromAttention(() => ctx.attention.leaderboard(BigInt(c.id), args.pageSize(a.first))),
};
