/** `Query.reputationRank`: an account's reputation as a place in its community ("top 5 %"). */
import type { Address } from "viem";
import { AttentionUnavailableError } from "../../attention/interface.ts";
import * as args from "../args.ts";
import type { ApiContext } from "../context.ts";
import { fromAttention } from "./attention.ts";

export const reputationRankQuery = {
  reputationRank: (_: unknown, a: { account: string; community: string }, ctx: ApiContext) => {
    const account = args.address(a.account, "account") as Address;
    const community = BigInt(args.id(a.community, "community"));
    return fromAttention(async () => {
      const service = ctx.attention;
      if (!service.reputationRank) throw new AttentionUnavailableError("reputationRank");
      const r = await service.reputationRank(account, community);
      return {
        account,
        ...r,
        topPercent:
          r.rank === null || r.ranked === 0 ? null : Math.max(1, Math.ceil((r.rank / r.ranked) * 100)),
      };
    });
  },
};
