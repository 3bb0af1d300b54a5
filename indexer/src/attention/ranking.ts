/**
 * A viewer's stream: an organic score from the viewer's own attention
 * neighbourhood. Campaigns' amplified items are placed into pages by the
 * impression allocator. A pure function of its inputs.
 */
import type { CampaignInfo, PostInfo } from "./log.ts";
import type { AttentionParams } from "./params.ts";

export interface RankInputs {
  params: AttentionParams;
  /** Unix seconds: recency and campaign expiry are measured against it. */
  now: number;
  posts: readonly PostInfo[];
  /** The author's personalized standing as seen from the viewer (PPR mass, 0..1). */
  standingOf(author: string): number;
  /** The viewer's own attention edge weight to the author. */
  affinityTo(author: string): number;
  /** Attention the post received from the accounts the viewer follows. */
  contactsAttention(postId: bigint): number;
  /** Campaigns per post (any state; inactive ones are ignored). */
  campaignsOf(postId: bigint): readonly CampaignInfo[];
  /** Price of one view for a campaign (for the boost: how many views its budget still buys). */
  priceOf(campaign: CampaignInfo): bigint;
  /** The viewer's policy decision for a promoter in a community and topics. */
  allows(promoter: string, communityId: bigint, topics: readonly string[]): boolean;
}

export interface RankedItem {
  post: PostInfo;
  score: number;
  organic: number;
  amplified: boolean;
  /** The campaign behind the boost, when amplified. */
  campaignId: bigint | null;
}

/** The organic score from its four signals; `age` is in seconds. */
export function organicFrom(
  w: AttentionParams["ranking"],
  standing: number,
  affinity: number,
  contacts: number,
  age: number,
): number {
  return (
    w.standing * Math.log1p(1000 * Math.max(0, standing)) +
    w.affinity * Math.max(0, affinity) +
    w.contacts * Math.log1p(Math.max(0, contacts)) +
    w.recency * 2 ** (-Math.max(0, age) / w.recencyHalfLifeSeconds)
  );
}

export function organicScore(inputs: RankInputs, post: PostInfo): number {
  const author = post.author.toLowerCase();
  return organicFrom(
    inputs.params.ranking,
    inputs.standingOf(author),
    inputs.affinityTo(author),
    inputs.contactsAttention(post.id),
    inputs.now - post.createdAt,
  );
}

/** The best admissible campaign of a post and its boost, or null. */
export function amplification(
  inputs: RankInputs,
  post: PostInfo,
): { campaignId: bigint; boost: number } | null {
  let best: { campaignId: bigint; boost: number } | null = null;
  for (const c of inputs.campaignsOf(post.id)) {
    const boost = campaignBoost(inputs.params, inputs.now, c, inputs.priceOf);
    if (boost === null || !inputs.allows(c.promoter, post.communityId, post.topics)) continue;
    if (!best || boost > best.boost || (boost === best.boost && c.id < best.campaignId)) {
      best = { campaignId: c.id, boost };
    }
  }
  return best;
}

/**
 * A campaign's boost, the same for every viewer who admits it: it grows with how many views
 * the remaining budget still buys. Null for a campaign that is refunded, spent or expired.
 */
export function campaignBoost(
  params: AttentionParams,
  now: number,
  c: CampaignInfo,
  priceOf: (campaign: CampaignInfo) => bigint,
): number | null {
  if (c.refunded || c.remaining <= 0n || now >= c.expiresAt) return null;
  const price = priceOf(c);
  // Fractional views, for a smooth and monotone boost.
  const views = price > 0n ? Number(c.remaining) / Number(price) : 0;
  return params.ranking.amplification * Math.log1p(views);
}

/**
 * All posts scored organically and sorted best first (ties: newer post id first). Amplified
 * items enter pages through the impression allocator (`allocator.ts`), not through the score.
 */
export function rankStream(inputs: RankInputs): RankedItem[] {
  const items: RankedItem[] = inputs.posts.map((post) => {
    const organic = organicScore(inputs, post);
    return {
      post,
      organic,
      score: organic,
      amplified: false,
      campaignId: null,
    };
  });
  items.sort((a, b) => b.score - a.score || (a.post.id < b.post.id ? 1 : a.post.id > b.post.id ? -1 : 0));
  return items;
}
