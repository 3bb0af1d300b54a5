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

export interface PayoutResult {
  /** One per campaign that spent something, by campaign id. */
  spends: CampaignSpend[];
  /** Amount per account for this epoch. */
  amounts: Map<string, bigint>;
  payments: Payment[];
  /** Keys `${campaignId}:${viewer}` paid in this epoch. */
  newlyPaid: string[];
}

export function paidKey(campaignId: bigint, viewer: string): string {
  return `${campaignId}:${addr(viewer)}`;
}

/** Viewers who attended a campaign's post within its lifetime in these entries (sorted). */
export function attendedViewers(
  params: AttentionParams,
  campaign: CampaignInfo,
  entries: readonly EngagementEntry[],
): string[] {
  const viewers = new Set<string>();
  for (const e of entries) {
    const m = e.message;
    if (m.postId !== campaign.postId) continue;
    const t = Number(m.timestamp);
    if (t >= campaign.expiresAt || t < campaign.createdAt) continue;
    if (e.kind === "View") {
      if (e.message.campaignId !== campaign.id || e.message.dwellMs < params.minDwellMs) continue;
    }
    viewers.add(addr(m.account));
  }
  return [...viewers].sort();
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

  const sorted = [...campaigns].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const campaign of sorted) {
    if (campaign.refunded || campaign.remaining <= 0n) continue;
    const post = ctx.posts.get(campaign.postId);
    if (!post) continue;
    const promoter = addr(campaign.promoter);
    const author = addr(post.author);
    const size = ctx.communitySize(post.communityId);
    const promoterRep = ctx.reputationOf(post.communityId, promoter);

    const eligible: { viewer: string; price: bigint }[] = [];
    for (const viewer of attendedViewers(params, campaign, byPost.get(campaign.postId) ?? [])) {
      if (viewer === promoter || viewer === author) continue;
      if (ctx.previouslyPaid.has(paidKey(campaign.id, viewer))) continue;
      if (!ctx.allows(viewer, promoter, post.communityId, post.topics)) continue;
      const rep = ctx.reputationOf(post.communityId, viewer);
      if (!(rep >= params.reputationFloor) || rep <= 0) continue;
      const price = viewPrice(params, size, rep, promoterRep);
      if (price > 0n) eligible.push({ viewer, price });
    }
    if (eligible.length === 0) continue;

    let total = 0n;
    for (const e of eligible) total += e.price;
    // Budget short: split in proportion to prices, rounding down, so the spend never exceeds it.
    const short = total > campaign.remaining;
    let spent = 0n;
    let views = 0;
    let authorTotal = 0n;
    for (const { viewer, price } of eligible) {
      const pay = short ? (campaign.remaining * price) / total : price;
      if (pay === 0n) continue;
      const authorCut = (pay * BigInt(params.authorShareBps)) / 10_000n;
      credit(viewer, pay - authorCut);
      authorTotal += authorCut;
      spent += pay;
      payments.push({ campaignId: campaign.id, account: viewer, amount: pay - authorCut, role: "viewer" });
      newlyPaid.push(paidKey(campaign.id, viewer));
      views++;
    }
    if (authorTotal > 0n) {
      credit(author, authorTotal);
      payments.push({ campaignId: campaign.id, account: author, amount: authorTotal, role: "author" });
    }
    if (spent > 0n) spends.push({ campaignId: campaign.id, amount: spent, views });
  }
  return { spends, amounts, payments, newlyPaid };
}
