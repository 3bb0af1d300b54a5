/** `Post`: on-chain post with engagement counts from the log. */
import type { PostRow } from "../../store/queries.ts";
import * as args from "../args.ts";
import { connection } from "../connection.ts";
import type { ApiContext } from "../context.ts";

export const Post = {
  id: (p: PostRow) => String(p.id),
  community: (p: PostRow) => ({
    id: p.communityId,
    founder: p.communityFounder,
    name: p.communityName,
    description: p.communityDescription,
    createdAt: p.communityCreatedAt,
    blockNumber: p.communityBlockNumber,
  }),
  topics: (p: PostRow) => JSON.parse(p.topicsJson) as string[],
  finalized: async (p: PostRow, _: unknown, ctx: ApiContext) =>
    p.blockNumber <= ((await ctx.queries.checkpoint())?.finalizedBlock ?? -1),
  likes: (p: PostRow) => p.likes,
  views: (p: PostRow) => p.views,
  commentCount: async (p: PostRow, _: unknown, ctx: ApiContext) =>
    (await ctx.queries.postStats(p.id)).comments,
  shares: async (p: PostRow, _: unknown, ctx: ApiContext) => (await ctx.queries.postStats(p.id)).shares,
  boughtViews: async (p: PostRow, _: unknown, ctx: ApiContext) =>
    (await ctx.queries.postStats(p.id)).boughtViews,
  comments: (p: PostRow, a: { first?: number | null; after?: string | null }, ctx: ApiContext) =>
    connection(
      ctx.queries.comments(p.id, args.pageSize(a.first), args.afterNumber(a.after)),
      (r) => [r.seq],
      (r) => ({
        seq: r.seq,
        author: r.account,
        text: (JSON.parse(r.json) as { text: string }).text,
        timestamp: r.timestamp,
      }),
    ),
  campaigns: (p: PostRow, _: unknown, ctx: ApiContext) => ctx.queries.campaignsOfPost(p.id),
  amplified: async (p: PostRow, _: unknown, ctx: ApiContext) => {
    const now = ctx.chainTime();
    return (await ctx.queries.campaignsOfPost(p.id)).some(
      (c) => c.refundedBlock === null && c.expiresAt > now && BigInt(c.budget) > BigInt(c.spent),
    );
  },
};
