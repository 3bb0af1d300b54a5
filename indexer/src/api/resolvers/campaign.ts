/** `Campaign`: escrowed amplification budget; price figures come from the attention model. */
import type { Address } from "viem";
import type { CampaignRow } from "../../store/queries.ts";
import * as args from "../args.ts";
import type { ApiContext } from "../context.ts";
import { fromAttention } from "./attention.ts";

const stats = (c: CampaignRow, ctx: ApiContext) =>
  fromAttention(() => ctx.attention.campaignStats(BigInt(c.id)));

export const Campaign = {
  id: (c: CampaignRow) => String(c.id),
  post: (c: CampaignRow, _: unknown, ctx: ApiContext) => ctx.queries.postAnyState(c.postId),
  remaining: (c: CampaignRow) => (c.refundedBlock === null ? BigInt(c.budget) - BigInt(c.spent) : 0n),
  refunded: (c: CampaignRow) => c.refundedBlock !== null,
  refundWithdrawn: (c: CampaignRow, _: unknown, ctx: ApiContext) => ctx.queries.refundWithdrawn(c.id),
  refundCredit: async (c: CampaignRow, _: unknown, ctx: ApiContext) =>
    c.refundedBlock === null
      ? 0n
      : BigInt(c.budget) - BigInt(c.spent) - (await ctx.queries.refundWithdrawn(c.id)),
  active: (c: CampaignRow, _: unknown, ctx: ApiContext) =>
    c.refundedBlock === null && c.expiresAt > ctx.chainTime() && BigInt(c.budget) > BigInt(c.spent),
  spends: async (c: CampaignRow, _: unknown, ctx: ApiContext) =>
    (await ctx.queries.spends(c.id)).map((s) => ({
      epoch: s.epoch,
      amount: s.amount,
      revoked: s.revokedBlock !== null,
    })),
  viewsBought: async (c: CampaignRow, _: unknown, ctx: ApiContext) => (await stats(c, ctx)).viewsBought,
  averagePrice: async (c: CampaignRow, _: unknown, ctx: ApiContext) => (await stats(c, ctx)).averagePrice,
  estimatedRemainingReach: async (c: CampaignRow, _: unknown, ctx: ApiContext) =>
    (await stats(c, ctx)).estimatedRemainingReach,
  viewPayouts: (c: CampaignRow, a: { account: string }, ctx: ApiContext) =>
    fromAttention(async () =>
      (await ctx.attention.viewPayouts(BigInt(c.id), args.address(a.account, "account") as Address)).map(
        (v) => ({
          epoch: v.epoch,
          campaign: String(v.campaignId),
          account: v.account,
          // camelCase reason codes as GraphQL enum values: alreadyPaid -> ALREADY_PAID.
          reason: v.reason.replace(/([A-Z])/g, "_$1").toUpperCase(),
          amount: v.amount,
        }),
      ),
    ),
  delivery: async (c: CampaignRow, _: unknown, ctx: ApiContext) => (await stats(c, ctx)).delivery ?? null,
  history: (c: CampaignRow, _: unknown, ctx: ApiContext) => ctx.queries.campaignHistory(c.id),
};
