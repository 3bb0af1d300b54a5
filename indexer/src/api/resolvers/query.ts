/** Root queries: argument validation, then a store or attention lookup. */
import type { GraphQLResolveInfo } from "graphql";
import type { Address } from "viem";
import type { PostColumns } from "../../store/queries.ts";
import * as args from "../args.ts";
import { connection } from "../connection.ts";
import type { ApiContext } from "../context.ts";
import { apiError, badInput } from "../errors.ts";
import { MAX_EXPORT } from "../limits.ts";
import { postColumnsFor } from "../post-columns.ts";
import { fromAttention } from "./attention.ts";
import { escrowState } from "./escrow.ts";

type Args = Record<string, unknown>;

const str = (a: Args, k: string) => a[k] as string;
const opt = (a: Args, k: string) => a[k] as string | null | undefined;

export const Query = {
  indexerStatus: async (_: unknown, __: Args, ctx: ApiContext) => {
    const [cp, logSize] = await Promise.all([ctx.queries.checkpoint(), ctx.queries.logSize()]);
    return {
      chainId: ctx.chainId,
      latestBlock: cp?.blockNumber ?? -1,
      finalizedBlock: cp?.finalizedBlock ?? -1,
      headBlock: cp?.headBlock ?? -1,
      logSize,
      contracts: {
        token: ctx.deployment.contracts.AMPToken,
        social: ctx.deployment.contracts.AMPSocial,
        escrow: ctx.deployment.contracts.AMPEscrow,
      },
      startBlock: ctx.deployment.startBlock,
      impressionIssuers: ctx.deployment.roles?.impressions ? [ctx.deployment.roles.impressions] : [],
    };
  },
  account: (_: unknown, a: Args) => ({ address: args.address(str(a, "address")) }),
  communities: (_: unknown, a: Args, ctx: ApiContext) =>
    connection(
      ctx.queries.communities(args.pageSize(a.first as number), args.afterNumber(opt(a, "after"))),
      (r) => [r.id],
    ),
  community: (_: unknown, a: Args, ctx: ApiContext) => ctx.queries.community(args.id(str(a, "id"))),
  posts: (_: unknown, a: Args, ctx: ApiContext, info: GraphQLResolveInfo) =>
    postsConnection(ctx, a, postColumnsFor(info)),
  post: (_: unknown, a: Args, ctx: ApiContext) => ctx.queries.post(args.id(str(a, "id"))),
  campaigns: (_: unknown, a: Args, ctx: ApiContext) =>
    connection(
      ctx.queries.campaigns(
        {
          promoter: args.optionalAddress(opt(a, "promoter"), "promoter"),
          postId: args.optionalId(opt(a, "post"), "post"),
          activeAt: a.active === true ? ctx.now() : undefined,
        },
        args.pageSize(a.first as number),
        args.afterNumber(opt(a, "after")),
      ),
      (r) => [r.id],
    ),
  campaign: (_: unknown, a: Args, ctx: ApiContext) => ctx.queries.campaign(args.id(str(a, "id"))),
  epochs: (_: unknown, a: Args, ctx: ApiContext) =>
    connection(
      ctx.queries.epochs(args.pageSize(a.first as number), args.afterKeyset(opt(a, "after"), 2)),
      (r) => [r.blockNumber, r.logIndex],
    ),
  epoch: (_: unknown, a: Args, ctx: ApiContext) => {
    const n = a.number as number;
    if (!Number.isInteger(n) || n < 1) throw badInput(`number must be a positive epoch number, got ${n}`);
    return ctx.queries.epoch(n);
  },
  escrow: (_: unknown, __: Args, ctx: ApiContext) => escrowState(ctx),
  claim: (_: unknown, a: Args, ctx: ApiContext) =>
    fromAttention(() => ctx.attention.claim(args.address(str(a, "account"), "account") as Address)),
  messages: (_: unknown, a: Args, ctx: ApiContext) =>
    connection(
      ctx.queries.messages(
        {
          account: args.optionalAddress(opt(a, "account"), "account"),
          kind: (a.kind as string | null) ?? undefined,
        },
        args.pageSize(a.first as number),
        args.afterNumber(opt(a, "after")),
      ),
      (r) => [r.seq],
    ),
  logExport: async (_: unknown, a: Args, ctx: ApiContext) => {
    const fromSeq = a.fromSeq as number;
    const toSeq = a.toSeq as number;
    if (fromSeq < 1 || toSeq < fromSeq || toSeq - fromSeq >= MAX_EXPORT) {
      throw badInput(`need 1 <= fromSeq <= toSeq < fromSeq + ${MAX_EXPORT}`);
    }
    return { fromSeq, toSeq, ...(await ctx.exportLog(fromSeq, toSeq)) };
  },
  stream: async (_: unknown, a: Args, ctx: ApiContext) => {
    const communityId = args.optionalId(opt(a, "community"), "community");
    const page = await fromAttention(() =>
      ctx.attention.stream({
        viewer: args.address(str(a, "viewer"), "viewer") as Address,
        communityId: communityId === undefined ? null : BigInt(communityId),
        first: args.pageSize(a.first as number),
        after: opt(a, "after") ?? null,
      }),
    );
    // A page is shown with its posts: read them in one query rather than one per item.
    const posts = new Map(
      (await ctx.queries.postsByIds(page.items.map((i) => Number(i.postId)))).map((p) => [p.id, p]),
    );
    // A post its author deleted is left out of the page.
    const edges = page.items
      .filter((item) => posts.has(Number(item.postId)))
      .map(({ cursor, ...item }) => ({ cursor, node: { ...item, post: posts.get(Number(item.postId)) } }));
    const endCursor = page.items.at(-1)?.cursor ?? null;
    return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor } };
  },
  reputation: (_: unknown, a: Args, ctx: ApiContext) =>
    fromAttention(() =>
      ctx.attention.reputation(
        args.address(str(a, "account"), "account") as Address,
        BigInt(args.id(str(a, "community"), "community")),
      ),
    ),
  leaderboard: (_: unknown, a: Args, ctx: ApiContext) =>
    fromAttention(() =>
      ctx.attention.leaderboard(
        BigInt(args.id(str(a, "community"), "community")),
        args.pageSize(a.first as number),
      ),
    ),
  earnings: (_: unknown, a: Args, ctx: ApiContext) =>
    fromAttention(() => ctx.attention.earnings(args.address(str(a, "account"), "account") as Address)),
  quote: async (_: unknown, a: Args, ctx: ApiContext) => {
    const promoter = args.address(str(a, "promoter"), "promoter") as Address;
    const communityId = args.id(str(a, "community"), "community");
    // An unknown community has no audience: say so rather than quote 0 views.
    if (!(await ctx.queries.community(communityId))) {
      throw apiError("UNKNOWN_COMMUNITY", `community ${communityId} does not exist`);
    }
    if ((a.budget as bigint) === 0n) throw badInput("budget must be above 0");
    // A campaign lives 1 s to 365 days (the escrow's MAX_DURATION): say so rather than clamp.
    const duration = a.durationSeconds;
    if (typeof duration === "number" && (duration < 1 || duration > MAX_CAMPAIGN_SECONDS)) {
      throw badInput(`durationSeconds must be 1 to ${MAX_CAMPAIGN_SECONDS} (365 days)`);
    }
    if ((a.budget as bigint) > MAX_BUDGET) {
      throw apiError("QUOTE_OUT_OF_RANGE", `budget exceeds ${MAX_BUDGET} wei; quote a smaller budget`);
    }
    const quote = await fromAttention(() =>
      ctx.attention.quote({
        promoter,
        communityId: BigInt(communityId),
        budget: a.budget as bigint,
        ...(typeof duration === "number" ? { durationSeconds: duration } : {}),
      }),
    );
    // `views` is a GraphQL Int: a budget buying more views than that is refused with a code.
    if (!Number.isSafeInteger(quote.views) || quote.views > MAX_INT) {
      throw apiError(
        "QUOTE_OUT_OF_RANGE",
        `the budget buys more than ${MAX_INT} views; quote a smaller budget`,
      );
    }
    return quote;
  },
};

const MAX_INT = 2 ** 31 - 1;
/** Above any supply the token can have (its cap is far below 2^128 wei). */
const MAX_BUDGET = 2n ** 128n;
/** The longest campaign life the escrow takes (AMPEscrow.MAX_DURATION). */
const MAX_CAMPAIGN_SECONDS = 365 * 86_400;

export function postsConnection(ctx: ApiContext, a: Args, columns: PostColumns) {
  const orderBy = (a.orderBy as "NEWEST" | "OLDEST" | "MOST_LIKED" | "MOST_VIEWED" | null) ?? "NEWEST";
  const byCount = orderBy === "MOST_LIKED" || orderBy === "MOST_VIEWED";
  const page = ctx.queries.posts(
    {
      communityId: args.optionalId(opt(a, "community"), "community"),
      author: args.optionalAddress(opt(a, "author"), "author"),
      topic: opt(a, "topic") ?? undefined,
      orderBy,
    },
    args.pageSize(a.first as number),
    args.afterKeyset(opt(a, "after"), byCount ? 2 : 1),
    columns,
  );
  return connection(page, (r) => (byCount ? [orderBy === "MOST_LIKED" ? r.likes : r.views, r.id] : [r.id]));
}
