/**
 * The impression allocator: where amplified items enter a stream page. A pure
 * function of the page's organic items, the campaigns' state and the viewer's
 * facts, so the verifier can replay it. Each page reserves slots (at most one
 * in `slotEvery`, never the first item); the campaigns the viewer is eligible
 * for (policy, reputation floor, not promoter or author, frequency caps,
 * hourly ration) compete for them by bid times delivery need, and a campaign
 * ahead of its pacing line does not compete.
 */
import { addr, type PostInfo } from "./log.ts";
import type { AttentionParams, DeliveryParams } from "./params.ts";

export interface AllocatorCampaign {
  id: bigint;
  post: PostInfo;
  promoter: string;
  /** Total budget escrowed (token wei). */
  budget: bigint;
  /** Budget not yet spent by settled epochs. */
  remaining: bigint;
  /** Wei committed by matched views and unexpired impressions (`ImpressionLedger.committed`). */
  committed: bigint;
  createdAt: number;
  expiresAt: number;
  refunded: boolean;
}

export interface AllocatorViewer {
  viewer: string;
  /** The viewer's policy decision now. */
  allows(promoter: string, communityId: bigint, topics: readonly string[]): boolean;
  /** Relative reputation in a community (1 = average). */
  reputationIn(communityId: bigint): number;
  impressionsOf(campaignId: bigint): number;
  viewed(campaignId: bigint): boolean;
  /** Impressions already served to the viewer in the last hour. */
  servedInHour: number;
}

export interface AllocationInput {
  params: AttentionParams;
  now: number;
  pageSize: number;
  /** The page's organic candidates, best first (at least `pageSize` when the stream has them). */
  organic: readonly PostInfo[];
  campaigns: readonly AllocatorCampaign[];
  viewer: AllocatorViewer;
  /** Price of one view of this viewer for a campaign (pricing.ts). */
  bidOf(campaign: AllocatorCampaign, viewerReputation: number): bigint;
}

export interface AllocatedItem {
  post: PostInfo;
  /** The campaign of an amplified slot, or null for an organic item. */
  campaignId: bigint | null;
  /** The winning bid of an amplified slot (0n for organic items). */
  bid: bigint;
  /** Organic candidates consumed up to and including this item (where the next page starts). */
  organicAfter: number;
}

export interface Allocation {
  items: AllocatedItem[];
  /** Organic candidates consumed (shown, or skipped because the post filled a slot). */
  organicUsed: number;
}

/** Slot positions of a page of `pageSize` items. */
export function slotPositions(d: DeliveryParams, pageSize: number): number[] {
  const out: number[] = [];
  const every = Math.max(1, Math.floor(d.slotEvery));
  for (let p = Math.max(1, Math.floor(d.firstSlot)); p < pageSize; p += every) out.push(p);
  return out;
}

/** Impressions per hour a viewer of this reputation may receive. */
export function hourlyRation(d: DeliveryParams, reputation: number): number {
  const r = Math.max(0, Number.isFinite(reputation) ? reputation : 0);
  return Math.min(
    d.impressionsPerHourMax,
    Math.floor(d.impressionsPerHourBase + d.impressionsPerHourPerReputation * r),
  );
}

/** Wei a campaign should have committed by `now`: linear over its life, finishing early by `paceFinishFraction`. */
export function paceTarget(d: DeliveryParams, c: AllocatorCampaign, now: number): bigint {
  const life = Math.max(1, (c.expiresAt - c.createdAt) * d.paceFinishFraction);
  const f = Math.min(1, Math.max(0, (now - c.createdAt) / life));
  return (c.budget * BigInt(Math.floor(f * 1e6))) / 1_000_000n;
}

/** Why a campaign may not be offered to this viewer now, or its bid. */
export function eligibleBid(input: AllocationInput, c: AllocatorCampaign): bigint | null {
  const { params, now, viewer } = input;
  const d = params.delivery;
  const v = addr(viewer.viewer);
  if (c.refunded || c.remaining <= 0n || now < c.createdAt || now >= c.expiresAt) return null;
  if (v === addr(c.promoter) || v === addr(c.post.author)) return null;
  if (!viewer.allows(c.promoter, c.post.communityId, c.post.topics)) return null;
  const rep = viewer.reputationIn(c.post.communityId);
  if (!(rep >= params.reputationFloor) || rep <= 0) return null;
  if (viewer.viewed(c.id) && d.paidViewsPerCampaign <= 1) return null;
  if (viewer.impressionsOf(c.id) >= d.impressionsPerCampaign) return null;
  const bid = input.bidOf(c, rep);
  if (bid <= 0n || c.committed + bid > c.budget || bid > c.remaining) return null;
  return bid;
}

export function allocate(input: AllocationInput): Allocation {
  const { params, now, viewer } = input;
  const d = params.delivery;
  const slots = slotPositions(d, input.pageSize);
  const offers: { c: AllocatorCampaign; bid: bigint; score: number; rep: number }[] = [];
  if (slots.length > 0) {
    for (const c of input.campaigns) {
      const bid = eligibleBid(input, c);
      if (bid === null) continue;
      const lead = BigInt(d.paceLeadViews) * bid;
      const leadShare = (c.budget * BigInt(Math.floor(d.paceLeadFraction * 1e6))) / 1_000_000n;
      const behind = paceTarget(d, c, now) + (lead > leadShare ? lead : leadShare) - c.committed;
      if (behind <= 0n) continue;
      const need = Number(behind) / Number(c.budget);
      offers.push({ c, bid, score: Number(bid) * need, rep: viewer.reputationIn(c.post.communityId) });
    }
  }
  offers.sort((a, b) => b.score - a.score || (a.c.id < b.c.id ? -1 : a.c.id > b.c.id ? 1 : 0));
  let trust = 0;
  for (const o of offers) trust = Math.max(trust, o.rep);
  let ration = Math.max(0, hourlyRation(d, trust) - viewer.servedInHour);
  const winners: { c: AllocatorCampaign; bid: bigint }[] = [];
  const posts = new Set<bigint>();
  for (const o of offers) {
    if (winners.length >= slots.length || ration <= 0) break;
    if (posts.has(o.c.post.id)) continue;
    posts.add(o.c.post.id);
    winners.push(o);
    ration--;
  }

  const items: AllocatedItem[] = [];
  let next = 0;
  let w = 0;
  const slotSet = new Set(slots);
  for (let p = 0; p < input.pageSize; p++) {
    if (slotSet.has(p) && w < winners.length && p <= items.length) {
      const win = winners[w++] as { c: AllocatorCampaign; bid: bigint };
      items.push({ post: win.c.post, campaignId: win.c.id, bid: win.bid, organicAfter: next });
      continue;
    }
    while (next < input.organic.length && posts.has((input.organic[next] as PostInfo).id)) next++;
    if (next >= input.organic.length) break;
    const post = input.organic[next++] as PostInfo;
    items.push({ post, campaignId: null, bid: 0n, organicAfter: next });
  }
  return { items, organicUsed: next };
}

/**
 * What a budget buys from an audience with these bids, one paid view per viewer: spent at the
 * audience's bid-weighted mean bid, since a campaign's offer scores its bid (times its need) and
 * better-paid viewers have larger hourly rations. A conservative forecast: the delivery bench's
 * campaigns deliver more views than it says, never more than their budget.
 */
export function forecastDelivery(bids: readonly bigint[], budget: bigint): { views: number; spend: bigint } {
  let sum = 0n;
  let squares = 0n;
  for (const bid of bids) {
    sum += bid;
    squares += bid * bid;
  }
  if (squares <= 0n || budget <= 0n) return { views: 0, spend: 0n };
  const views = Math.min(bids.length, Number((budget * sum) / squares));
  return { views, spend: (squares * BigInt(views)) / sum };
}
