/** `StreamItem` and `Earning`: attention-model answers resolved to store records. */
import type { Earning as EarningValue, StreamItem as StreamItemValue } from "../attention-service.ts";
import type { ApiContext } from "../context.ts";

export const StreamItem = {
  post: (s: StreamItemValue, _: unknown, ctx: ApiContext) => ctx.queries.post(Number(s.postId)),
  campaign: (s: StreamItemValue, _: unknown, ctx: ApiContext) =>
    s.campaignId === null ? null : ctx.queries.campaign(Number(s.campaignId)),
};

export const Earning = {
  campaignId: (e: EarningValue) => e.campaignId.toString(),
  campaign: (e: EarningValue, _: unknown, ctx: ApiContext) => ctx.queries.campaign(Number(e.campaignId)),
};
