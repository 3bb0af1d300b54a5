/**
 * The seam between the API and the attention model. The API never computes
 * reputation, ranking, prices or payouts itself: it asks an `AttentionService`.
 * The indexer ships a store-backed implementation (`createStoreAttentionService`)
 * for what the store already holds (epochs, payouts, claims, bought views);
 * the attention model provides the full one. Every method may answer
 * synchronously or with a promise.
 *
 * Amounts are bigint, accounts lowercase `0x` addresses, ids bigint (post,
 * community, campaign) and epochs plain numbers.
 */

import type { Address, Hex } from "viem";
import { AmpError } from "#protocol";

export type MaybePromise<T> = T | Promise<T>;

/** Cursor pagination request; `first` is already capped by the API (1..100). */
export interface PageArgs {
  first: number;
  /** Opaque cursor of the last item of the previous page, as returned in `cursor`. */
  after?: string | null;
}

export interface Page<T> {
  items: Array<T & { cursor: string }>;
  hasNextPage: boolean;
}

export interface StreamArgs extends PageArgs {
  viewer: Address;
  /** Restrict to one community, or all communities when null/undefined. */
  communityId?: bigint | null;
}

export interface StreamItem {
  postId: bigint;
  score: number;
  /** True when the item is in the stream because of an amplification campaign. */
  amplified: boolean;
  /** The campaign that amplified it, or null for an organic item. */
  campaignId: bigint | null;
}

export interface ReputationEntry {
  account: Address;
  score: number;
  /** 1-based rank inside the community. */
  rank: number;
}

export interface Earning {
  epoch: number;
  campaignId: bigint;
  amount: bigint;
}

export interface QuoteArgs {
  promoter: Address;
  communityId: bigint;
  budget: bigint;
  /** The campaign's planned life (seconds), for the spend per day; default 7 days. */
  durationSeconds?: number;
}

export interface Quote {
  /** Views the budget buys at the average viewer's price. */
  views: number;
  pricePerView: bigint;
  promoterReputation: number;
  /**
   * The allocator's delivery forecast for the audience that exists now: accounts above the
   * reputation floor whose policy admits the promoter in the community.
   */
  forecast?: DeliveryForecast;
}

export interface DeliveryForecast {
  /** Eligible viewers now. */
  audience: number;
  /** Paid views expected: what the budget buys from that audience at their bids, one per viewer. */
  views: number;
  /** Distinct viewers reached (each is paid once per campaign). */
  reach: number;
  /** Expected spend per day over the campaign's life (token wei). */
  spendPerDay: bigint;
}

/** What a campaign delivered, beside the organic reach its post had in the same rankings. */
export interface CampaignDeliveryStats {
  impressions: number;
  /** View receipts that matched an impression. */
  paidViews: number;
  /** Distinct viewers served an impression. */
  reach: number;
  /** Bids of the matched views (token wei; settlement pays at most the budget). */
  spend: bigint;
  /** Pages whose organic cut (the same ranking without the campaign) held the post. */
  organicImpressions: number;
  /** impressions / max(1, organicImpressions). */
  lift: number;
}

export interface CampaignStats {
  viewsBought: number;
  /** spent / viewsBought, or null before any bought view was paid. */
  averagePrice: bigint | null;
  estimatedRemainingReach: number;
  /** Delivery of the live allocator; absent from a store-only service. */
  delivery?: CampaignDeliveryStats;
}

export interface EpochPayout {
  epoch: number;
  account: Address;
  /** Paid in this epoch. */
  amount: bigint;
  /** Cumulative over all epochs up to this one (the Merkle leaf amount). */
  cumulative: bigint;
  proof: Hex[];
}

export interface ClaimInfo {
  account: Address;
  /** Cumulative amount in the latest active epoch's tree (0 when absent). */
  cumulativeAmount: bigint;
  /** Already claimed on-chain (from Claimed events). */
  claimed: bigint;
  /** cumulativeAmount - claimed, never negative. */
  claimable: bigint;
  /** The latest active epoch the proof is for, or null when none is active. */
  epoch: number | null;
  proof: Hex[];
}

/** Why a viewer's view of a campaign was or was not paid in one epoch (settlement/payouts.ts VIEW_REASONS). */
export interface ViewPayout {
  epoch: number;
  campaignId: bigint;
  account: Address;
  reason: string;
  amount: bigint;
}

/** A community's reputation seed: its founder, or a moderator once the seed delay has passed. */
export interface SeedInfo {
  account: Address;
  founder: boolean;
  /** Unix seconds of the appointment (0 for the founder). */
  appointedAt: number;
  /** Unix seconds from which the account restarts the reputation walk. */
  since: number;
  active: boolean;
}

export interface ReputationRank {
  /** As `reputation` answers it. */
  score: number;
  /** 1 for the most reputation (ties share a rank); null without any. */
  rank: number | null;
  /** Accounts with reputation in the community. */
  ranked: number;
}

export interface SeedPolicy {
  delaySeconds: number;
  seeds: SeedInfo[];
}

export interface AttentionService {
  stream(args: StreamArgs): MaybePromise<Page<StreamItem>>;
  reputation(account: Address, communityId: bigint): MaybePromise<number>;
  leaderboard(communityId: bigint, first: number): MaybePromise<ReputationEntry[]>;
  /** The account's reputation with its rank among the community's accounts that have any. */
  reputationRank?(account: Address, communityId: bigint): MaybePromise<ReputationRank>;
  earnings(account: Address): MaybePromise<Earning[]>;
  quote(args: QuoteArgs): MaybePromise<Quote>;
  campaignStats(campaignId: bigint): MaybePromise<CampaignStats>;
  epochPayouts(epoch: number, page: PageArgs): MaybePromise<Page<EpochPayout>>;
  claim(account: Address): MaybePromise<ClaimInfo>;
  /** Per settled epoch, why the account's view of the campaign was or was not paid. */
  viewPayouts(campaignId: bigint, account: Address): MaybePromise<ViewPayout[]>;
  seeds(communityId: bigint): MaybePromise<SeedPolicy>;
  /**
   * Finishes background work (impressions served but not yet logged, counters not yet written).
   * Called once the API answers no more requests and before the store closes.
   */
  close?(): MaybePromise<void>;
}

/** Thrown by a service that cannot answer a field (yet); the API reports code ATTENTION_UNAVAILABLE. */
export class AttentionUnavailableError extends AmpError {
  override name = "AttentionUnavailableError";
  constructor(readonly field: string) {
    super("ATTENTION_UNAVAILABLE", `${field} is not available: the attention model is not running`, {
      retryable: true,
    });
  }
}
