/** `Epoch`: one settlement (root, status) and its payouts. */
import type { EpochRow } from "../../store/queries.ts";
import * as args from "../args.ts";
import type { ApiContext } from "../context.ts";
import { fromAttention } from "./attention.ts";

export const Epoch = {
  number: (e: EpochRow) => e.epoch,
  finalized: (e: EpochRow, _: unknown, ctx: ApiContext) =>
    e.blockNumber <= (ctx.queries.checkpoint()?.finalizedBlock ?? -1),
  status: (e: EpochRow, _: unknown, ctx: ApiContext) => {
    if (e.revokedBlock !== null) return "REVOKED";
    if (ctx.queries.disputeOf(e.blockNumber, e.logIndex)?.status === 1) return "DISPUTED";
    // An open dispute of an earlier epoch holds this root too (roots are cumulative).
    const blocked = ctx.queries.lowestOpenDispute();
    if (blocked !== null && blocked <= e.epoch) return "PENDING";
    return e.activeAt <= ctx.now() ? "ACTIVE" : "PENDING";
  },
  dispute: (e: EpochRow, _: unknown, ctx: ApiContext) => ctx.queries.disputeOf(e.blockNumber, e.logIndex),
  payouts: async (e: EpochRow, a: { first?: number | null; after?: string | null }, ctx: ApiContext) => {
    const page = await fromAttention(() =>
      ctx.attention.epochPayouts(e.epoch, { first: args.pageSize(a.first), after: a.after ?? null }),
    );
    const edges = page.items.map(({ cursor, ...node }) => ({ cursor, node }));
    return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  },
};
