/** `StreamItem` and `Earning`: attention-model answers resolved to store records. */

import type { Earning as EarningValue, StreamItem as StreamItemValue } from "../../attention/interface.ts";
import type { PostRow } from "../../store/queries.ts";
import type { ApiContext } from "../context.ts";
import { epochStatus } from "./epoch.ts";

/** A stream item with its post, read with the rest of its page. */
export type StreamNode = StreamItemValue & { post: PostRow | null };

export const StreamItem = {
  post: (s: StreamNode) => s.post,
  campaign: (s: StreamNode, _: unknown, ctx: ApiContext) =>
    s.campaignId === null ? null : ctx.queries.campaign(Number(s.campaignId)),
};

export const Earning = {
  campaignId: (e: EarningValue) => e.campaignId.toString(),
  campaign: (e: EarningValue, _: unknown, ctx: ApiContext) => ctx.queries.campaign(Number(e.campaignId)),
  status: async (e: EarningValue, _: unknown, ctx: ApiContext) => {
    const epoch = await ctx.queries.epoch(e.epoch);
    return epoch ? epochStatus(epoch, ctx) : "REVOKED";
  },
};
