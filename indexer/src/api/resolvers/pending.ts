/** `pendingEarnings`: the unsettled epoch as the settler would compute it now, for one account. */
import * as args from "../args.ts";
import type { ApiContext } from "../context.ts";
import { apiError } from "../errors.ts";

/** camelCase reason codes as GraphQL enum values: alreadyPaid -> ALREADY_PAID. */
export const reasonEnum = (reason: string) => reason.replace(/([A-Z])/g, "_$1").toUpperCase();

export const PendingQuery = {
  pendingEarnings: async (_: unknown, a: { account: string }, ctx: ApiContext) => {
    const account = args.address(a.account, "account");
    if (!ctx.pending)
      throw apiError(
        "PENDING_UNAVAILABLE",
        "pending earnings are not available: no chain client is configured",
      );
    const preview = await ctx.pending.current().catch((error: unknown) => {
      throw apiError(
        "PENDING_UNAVAILABLE",
        `pending earnings could not be computed now: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      );
    });
    const epochSeconds = ctx.epochSeconds ?? ctx.deployment.epochLength ?? 3600;
    const challengeWindowSeconds = ctx.deployment.challengeWindow ?? 0;
    const settlesAt = preview.lastSettledAt === null ? null : preview.lastSettledAt + epochSeconds;
    const views = preview.decisions.filter((d) => d.account.toLowerCase() === account);
    const campaigns = await Promise.all(views.map((d) => ctx.queries.campaign(Number(d.campaignId))));
    return {
      account,
      epoch: preview.epoch,
      amount: preview.payouts.get(account) ?? 0n,
      asOf: preview.asOf,
      lastSettledAt: preview.lastSettledAt,
      settlesAt,
      claimableAt: settlesAt === null ? null : settlesAt + challengeWindowSeconds,
      epochSeconds,
      challengeWindowSeconds,
      views: views.map((d, i) => ({
        campaignId: String(d.campaignId),
        campaign: campaigns[i] ?? null,
        reason: reasonEnum(d.reason),
        amount: d.amount,
      })),
    };
  },
};
