/**
 * The attention service backed only by what the store holds: epochs, payouts
 * and claims (written by settlement and the follower), bought-view counts from
 * the engagement log, and a chronological stream. Ranking, reputation and
 * pricing need the attention model and report ATTENTION_UNAVAILABLE.
 */
import type { Address, Hex } from "viem";
import { projectedChainTime } from "../store/chain-time.ts";
import { decodeCursor, encodeCursor } from "../store/cursor.ts";
import type { Db } from "../store/db.ts";
import type { StoreEngine } from "../store/engine/engine.ts";
import { payoutReasonQueries } from "../store/payout-reasons.ts";
import { createReader } from "../store/queries/sql-reader.ts";
import type { Queries } from "../store/queries.ts";
import { type AttentionService, AttentionUnavailableError, type ClaimInfo } from "./interface.ts";
import { type AttentionParams, DEFAULT_PARAMS } from "./params.ts";

export interface StoreAttentionServiceOptions {
  queries: Queries;
  /** The store itself (either engine), for payout reasons and seeds (unavailable without it). */
  db?: Db | StoreEngine;
  params?: AttentionParams;
  /** Chain time as the next transaction will see it; default: the store's projected chain time. */
  chainTime?: () => number;
}

export function createStoreAttentionService(options: StoreAttentionServiceOptions): AttentionService {
  const { queries } = options;
  const params = options.params ?? DEFAULT_PARAMS;
  const chainTime = options.chainTime ?? projectedChainTime(queries);
  const reasons = options.db ? payoutReasonQueries(createReader(options.db)) : null;
  return {
    async stream({ communityId, first, after }) {
      const key = after ? decodeCursor(after, 1) : null;
      const page = await queries.posts(
        { communityId: communityId === null || communityId === undefined ? undefined : Number(communityId) },
        first,
        key,
      );
      return {
        hasNextPage: page.hasNextPage,
        items: page.rows.map((p) => ({
          postId: BigInt(p.id),
          score: 0,
          amplified: false,
          campaignId: null,
          cursor: encodeCursor([p.id]),
        })),
      };
    },
    reputation() {
      throw new AttentionUnavailableError("reputation");
    },
    leaderboard() {
      throw new AttentionUnavailableError("leaderboard");
    },
    async earnings(account) {
      return (await queries.earnings(account.toLowerCase())).map((e) => ({
        epoch: e.epoch,
        campaignId: BigInt(e.campaignId),
        amount: BigInt(e.amount),
      }));
    },
    quote() {
      throw new AttentionUnavailableError("quote");
    },
    async campaignStats(campaignId) {
      const id = Number(campaignId);
      const [viewsBought, campaign] = await Promise.all([queries.boughtViews(id), queries.campaign(id)]);
      const spent = campaign ? BigInt(campaign.spent) : 0n;
      return {
        viewsBought,
        averagePrice: viewsBought > 0 && spent > 0n ? spent / BigInt(viewsBought) : null,
        estimatedRemainingReach: 0,
      };
    },
    async epochPayouts(epoch, { first, after }) {
      const page = await queries.payouts(
        epoch,
        first,
        after ? (decodeCursor(after, 1, "string")[0] as unknown as string) : null,
      );
      return {
        hasNextPage: page.hasNextPage,
        items: page.rows.map((r) => ({
          epoch,
          account: r.account as Address,
          amount: BigInt(r.amount),
          cumulative: BigInt(r.cumulative),
          proof: JSON.parse(r.proof) as Hex[],
          cursor: encodeCursor([r.account]),
        })),
      };
    },
    async claim(account): Promise<ClaimInfo> {
      const a = account.toLowerCase() as Address;
      const claimed = BigInt(await queries.claimed(a));
      // The proof is for the root the contract will see as active in the next block, so chain time
      // decides, never the wall clock: when the indexer lags, the contract still accepts a proof for
      // the root it replaced.
      const active = await queries.activeEpoch(chainTime());
      const payout = active ? await queries.payout(active.epoch, a) : null;
      const usable = payout && (payout.root === null || payout.root === active?.root);
      const cumulativeAmount = usable ? BigInt(payout.cumulative) : 0n;
      return {
        account: a,
        cumulativeAmount,
        claimed,
        claimable: cumulativeAmount > claimed ? cumulativeAmount - claimed : 0n,
        epoch: active?.epoch ?? null,
        proof: usable ? (JSON.parse(payout.proof) as Hex[]) : [],
      };
    },
    async viewPayouts(campaignId, account) {
      if (!reasons) throw new AttentionUnavailableError("viewPayouts");
      return (await reasons.forViewer(Number(campaignId), account)).map((r) => ({
        epoch: r.epoch,
        campaignId: BigInt(r.campaignId),
        account: r.account as Address,
        reason: r.reason,
        amount: BigInt(r.amount),
      }));
    },
    async seeds(communityId) {
      if (!reasons) throw new AttentionUnavailableError("seeds");
      const rows = await reasons.seeds(Number(communityId));
      const t = chainTime();
      const delaySeconds = params.seedDelaySeconds;
      return {
        delaySeconds,
        seeds: rows.map((s) => {
          const since = s.founder ? 0 : s.appointedAt + delaySeconds;
          return {
            account: s.account as Address,
            founder: s.founder,
            appointedAt: s.appointedAt,
            since,
            active: since <= t,
          };
        }),
      };
    },
  };
}
