/** `Campaign`: escrowed amplification budget; price figures come from the attention model. */
import type { CampaignRow } from "../../store/queries.ts";
import type { ApiContext } from "../context.ts";
import { fromAttention } from "./attention.ts";

const stats = (c: CampaignRow, ctx: ApiContext) =>
  fromAttention(() => ctx.attention.campaignStats(BigInt(c.id)));

export const Campaign = {
  id: (c: CampaignRow) => String(c.id),
  post: (c: CampaignRow, _: unknown, ctx: ApiContext) => ctx.queries.post(c.postId),
  remaining: (c: CampaignRow) => (c.refundedBlock === null ? BigInt(c.budget) - BigInt(c.spent) : 0n),
  refunded: (c: CampaignRow) => c.refundedBlock !== null,
  active: (c: CampaignRow, _: unknown, ctx: ApiContext) =>
    c.refundedBlock === null && c.expiresAt > ctx.now() && BigInt(c.budget) > BigInt(c.spent),
  spends: (c: CampaignRow, _: unknown, ctx: ApiContext) =>
    ctx.queries
      .spends(c.id)
      .map((s) => ({ epoch: s.epoch, amount: s.amount, revoked: s.revokedBlock !== null })),
  viewsBought: async (c: CampaignRow, _: unknown, ctx: ApiContext) => (await stats(c, ctx)).viewsBought,
  averagePrice: async (c: CampaignRow, _: unknown, ctx: ApiContext) => (await stats(c, ctx)).averagePrice,
  estimatedRemainingReach: async (c: CampaignRow, _: unknown, ctx: ApiContext) =>
    (await stats(c, ctx)).estimatedRemainingReach,
  delivery: async (c: CampaignRow, _: unknown, ctx: ApiContext) => (await stats(c, ctx)).delivery ?? null,
};
