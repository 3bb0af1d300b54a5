/**
 * Payout rules of one epoch: who gets paid from each campaign and how much.
 * Pure and integer-exact: every amount is a bigint in token wei, prices come
 * from reputations through fixed-point multipliers.
 */
import { addr, type CampaignInfo, type EngagementEntry, type PostInfo } from "../attention/log.ts";
import type { AttentionParams } from "../attention/params.ts";
import { viewPrice } from "../attention/pricing.ts";

export interface PayoutContext {
  params: AttentionParams;
  posts: ReadonlyMap<bigint, PostInfo>;
  /** Whether the viewer's policy (as of the end of the epoch) admits this promoter, community and topics. */
  allows(viewer: string, promoter: string, communityId: bigint, topics: readonly string[]): boolean;
  /** Reputation relative to the community average (1 = average). */
  reputationOf(communityId: bigint, account: string): number;
  communitySize(communityId: bigint): number;
  /** Keys `${campaignId}:${viewer}` of viewers some earlier epoch already paid. */
  previouslyPaid: ReadonlySet<string>;
  /**
   * Why a View receipt cannot pay for want of a matching served impression, or null when it has
   * one (settlement/impressions.ts). Absent: every View counts as served.
   */
  unmatched?(entry: EngagementEntry): "policy" | "noImpression" | null;
}

export interface CampaignSpend {
  campaignId: bigint;
  amount: bigint;
  views: number;
}

export interface Payment {
  campaignId: bigint;
  account: string;
  amount: bigint;
  role: "viewer" | "author";
}

/**
 * Why a viewer was or was not paid by a campaign in an epoch. `noImpression`: a View receipt that
 * matches no valid impression served to the viewer for the campaign.
 */
export const VIEW_REASONS = [
  "paid",
  "authorOrPromoter",
  "alreadyPaid",
  "policy",
  "belowFloor",
  "capReached",
  "dwellTooShort",
  "outsideCampaign",
  "budgetExhausted",
  "noImpression",
] as const;
export type ViewReason = (typeof VIEW_REASONS)[number];

export interface ViewDecision {
  campaignId: bigint;
  account: string;
  reason: ViewReason;
  /** What the viewer received (0 unless `paid`). */
  amount: bigint;
}

export interface PayoutResult {
  /** One per campaign that spent something, by campaign id. */
  spends: CampaignSpend[];
  /** Amount per account for this epoch. */
  amounts: Map<string, bigint>;
  payments: Payment[];
  /** Keys `${campaignId}:${viewer}` paid in this epoch. */
  newlyPaid: string[];
  /** One per campaign and account that attended or claimed a view of it, by campaign id then account. */
  decisions: ViewDecision[];
}

export function paidKey(campaignId: bigint, viewer: string): string {
  return `${campaignId}:${addr(viewer)}`;
}

/**
 * Accounts that claimed a view of a campaign's post in these entries (a View receipt carrying the
 * campaign's id), each with what the claim is worth: `attended` (within the campaign's lifetime,
 * on screen long enough) or why not. Likes, comments and shares never pay: a payment needs a
 * View receipt, and the claimant's other engagement with the post is paid attention
 * (attention/paid-attention.ts). With `unmatched`, a View with no matching served impression is
 * worth `noImpression` (or `policy` when the viewer's policy refused the impression). Sorted by account.
 */
export function attendance(
  params: AttentionParams,
  campaign: CampaignInfo,
  entries: readonly EngagementEntry[],
  unmatched?: PayoutContext["unmatched"],
): {
  account: string;
  status: "attended" | "policy" | "noImpression" | "dwellTooShort" | "outsideCampaign";
}[] {
  const rank = { attended: 4, policy: 3, noImpression: 2, dwellTooShort: 1, outsideCampaign: 0 } as const;
  const best = new Map<string, keyof typeof rank>();
  for (const e of entries) {
    if (e.kind !== "View") continue;
    const m = e.message;
    if (m.postId !== campaign.postId || m.campaignId !== campaign.id) continue;
    const t = Number(m.timestamp);
    const status =
      t >= campaign.expiresAt || t < campaign.createdAt
        ? "outsideCampaign"
        : m.dwellMs < params.minDwellMs
          ? "dwellTooShort"
          : (unmatched?.(e) ?? "attended");
    const account = addr(m.account);
    const had = best.get(account);
    if (had === undefined || rank[status] > rank[had]) best.set(account, status);
  }
  return [...best.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([account, status]) => ({ account, status }));
}

/** Viewers who attended a campaign's post within its lifetime in these entries (sorted). */
export function attendedViewers(
  params: AttentionParams,
  campaign: CampaignInfo,
  entries: readonly EngagementEntry[],
): string[] {
  return attendance(params, campaign, entries)
    .filter((a) => a.status === "attended")
    .map((a) => a.account);
}

export function computePayouts(
  ctx: PayoutContext,
  campaigns: readonly CampaignInfo[],
  entries: readonly EngagementEntry[],
): PayoutResult {
  const { params } = ctx;
  const byPost = new Map<bigint, EngagementEntry[]>();
  for (const e of entries) {
    const list = byPost.get(e.message.postId);
    if (list) list.push(e);
    else byPost.set(e.message.postId, [e]);
  }
  const amounts = new Map<string, bigint>();
  const credit = (account: string, amount: bigint) => {
    if (amount > 0n) amounts.set(account, (amounts.get(account) ?? 0n) + amount);
  };
  const spends: CampaignSpend[] = [];
  const payments: Payment[] = [];
  const newlyPaid: string[] = [];
  const decisions: ViewDecision[] = [];
  /** Campaigns that paid each viewer in this epoch (the per-viewer cap). */
  const paidCount = new Map<string, number>();
  const cap = params.maxPaidCampaignsPerViewer;

  const sorted = [...campaigns].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const campaign of sorted) {
    const post = ctx.posts.get(campaign.postId);
    if (!post) continue;
    const attendees = attendance(params, campaign, byPost.get(campaign.postId) ?? [], ctx.unmatched);
    if (attendees.length === 0) continue;
    const decided = new Map<string, ViewDecision>();
    const decide = (account: string, reason: ViewReason) => {
      const d: ViewDecision = { campaignId: campaign.id, account, reason, amount: 0n };
      decided.set(account, d);
      return d;
    };
    const live = !campaign.refunded && campaign.remaining > 0n;
    const promoter = addr(campaign.promoter);
    const author = addr(post.author);
    const size = ctx.communitySize(post.communityId);
    const promoterRep = ctx.reputationOf(post.communityId, promoter);

    const eligible: { viewer: string; price: bigint }[] = [];
    for (const { account: viewer, status } of attendees) {
      if (viewer === promoter || viewer === author) decide(viewer, "authorOrPromoter");
      else if (ctx.previouslyPaid.has(paidKey(campaign.id, viewer))) decide(viewer, "alreadyPaid");
      else if (status !== "attended") decide(viewer, status);
      else if (!live) decide(viewer, "budgetExhausted");
      else if (!ctx.allows(viewer, promoter, post.communityId, post.topics)) decide(viewer, "policy");
      else {
        const rep = ctx.reputationOf(post.communityId, viewer);
        const price =
          rep >= params.reputationFloor && rep > 0 ? viewPrice(params, size, rep, promoterRep) : 0n;
        if (price <= 0n) decide(viewer, "belowFloor");
        else if ((paidCount.get(viewer) ?? 0) >= cap) decide(viewer, "capReached");
        else eligible.push({ viewer, price });
      }
    }

    let total = 0n;
    for (const e of eligible) total += e.price;
    // Budget short: split in proportion to prices, rounding down, so the spend never exceeds it.
    const short = total > campaign.remaining;
    let spent = 0n;
    let views = 0;
    let authorTotal = 0n;
    for (const { viewer, price } of eligible) {
      const pay = short ? (campaign.remaining * price) / total : price;
      if (pay === 0n) {
        decide(viewer, "budgetExhausted");
        continue;
      }
      const authorCut = (pay * BigInt(params.authorShareBps)) / 10_000n;
      credit(viewer, pay - authorCut);
      authorTotal += authorCut;
      spent += pay;
      payments.push({ campaignId: campaign.id, account: viewer, amount: pay - authorCut, role: "viewer" });
      newlyPaid.push(paidKey(campaign.id, viewer));
      decide(viewer, "paid").amount = pay - authorCut;
      paidCount.set(viewer, (paidCount.get(viewer) ?? 0) + 1);
      views++;
    }
    if (authorTotal > 0n) {
      credit(author, authorTotal);
      payments.push({ campaignId: campaign.id, account: author, amount: authorTotal, role: "author" });
    }
    if (spent > 0n) spends.push({ campaignId: campaign.id, amount: spent, views });
    for (const { account } of attendees) decisions.push(decided.get(account) as ViewDecision);
  }
  return { spends, amounts, payments, newlyPaid, decisions };
}
