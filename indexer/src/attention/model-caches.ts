/**
 * The live model's caches: graphs and reputations per community, materialised
 * lazily and kept until the graph changes (reputations warm-start PageRank
 * from the previous vector) or the decay reference moves to the next hour;
 * viewers' standings; view prices per reputation and promoter.
 */
import { type CommunityReputation, communityReputation, relativeReputation, seedsOf } from "./community.ts";
import type { AttentionGraph } from "./graph.ts";
import { addr, type CampaignInfo } from "./log.ts";
import type { ModelIngest } from "./model-ingest.ts";
import type { AttentionParams } from "./params.ts";
import { viewPrice } from "./pricing.ts";
import { StandingCache } from "./standing.ts";

const HOUR = 3600;

export class ModelCaches {
  readonly params: AttentionParams;
  readonly #state: ModelIngest;
  #graphs = new Map<bigint, { graph: AttentionGraph; hour: number; builtAt: number }>();
  #reputations = new Map<bigint, CommunityReputation & { version: number; hour: number }>();
  readonly standing: StandingCache;
  /** Positive scores of each reputation snapshot, ascending (dropped with the snapshot). */
  readonly #ranked = new WeakMap<CommunityReputation, Float64Array>();
  /** View prices per reputation snapshot and promoter (dropped with the snapshot). */
  readonly #prices = new WeakMap<CommunityReputation, Map<string, bigint>>();
  /** A changed graph is rebuilt at most this often (ms); answers may lag new engagement by as much. */
  readonly #rebuildMs: number;

  constructor(state: ModelIngest, options: { rebuildMs?: number } = {}) {
    this.#state = state;
    this.params = state.params;
    this.#rebuildMs = options.rebuildMs ?? 5000;
    this.standing = new StandingCache(1024, {
      teleport: state.params.teleport,
      epsilon: state.params.standingEpsilon,
    });
  }

  graph(communityId: bigint, now: number): AttentionGraph {
    const hour = Math.floor(now / HOUR);
    const cached = this.#graphs.get(communityId);
    if (
      cached &&
      cached.hour === hour &&
      (cached.graph.version === this.#state.builder.version ||
        performance.now() - cached.builtAt < this.#rebuildMs)
    ) {
      return cached.graph;
    }
    const community = this.#state.communities.get(communityId);
    const graph = this.#state.builder.build(communityId, hour * HOUR, seedsOf(community));
    this.#graphs.set(communityId, { graph, hour, builtAt: performance.now() });
    return graph;
  }

  reputation(communityId: bigint, now: number): CommunityReputation {
    const graph = this.graph(communityId, now);
    const cached = this.#reputations.get(communityId);
    if (cached && cached.version === graph.version && cached.hour === Math.floor(now / HOUR)) return cached;
    const rep = communityReputation(this.params, graph, this.#state.communities.get(communityId), cached);
    const entry = { ...rep, version: graph.version, hour: Math.floor(now / HOUR) };
    this.#reputations.set(communityId, entry);
    return entry;
  }

  relativeReputation(account: string, communityId: bigint, now: number): number {
    return relativeReputation(this.reputation(communityId, now), account);
  }

  leaderboard(
    communityId: bigint,
    first: number,
    now: number,
  ): { account: string; score: number; rank: number }[] {
    const rep = this.reputation(communityId, now);
    const n = rep.nodes.length;
    const order = Array.from({ length: n }, (_, i) => i)
      .filter((i) => (rep.scores[i] as number) > 0)
      .sort(
        (a, b) =>
          (rep.scores[b] as number) - (rep.scores[a] as number) ||
          ((rep.nodes[a] as string) < (rep.nodes[b] as string) ? -1 : 1),
      );
    return order.slice(0, first).map((i, k) => ({
      account: rep.nodes[i] as string,
      score: (rep.scores[i] as number) * rep.effectiveSize,
      rank: k + 1,
    }));
  }

  /**
   * The account's place among the community's accounts with reputation: rank 1 holds the most
   * (ties share a rank), null for an account without any; `ranked` counts them all.
   */
  reputationRank(account: string, communityId: bigint, now: number): { rank: number | null; ranked: number } {
    const rep = this.reputation(communityId, now);
    let sorted = this.#ranked.get(rep);
    if (!sorted) {
      sorted = rep.scores.filter((x) => x > 0).sort();
      this.#ranked.set(rep, sorted);
    }
    const i = rep.index.get(account);
    const score = i === undefined ? 0 : (rep.scores[i] as number);
    if (!(score > 0)) return { rank: null, ranked: sorted.length };
    // The first position holding more than `score`: everything from there ranks above.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as number) > score) hi = mid;
      else lo = mid + 1;
    }
    return { rank: sorted.length - lo + 1, ranked: sorted.length };
  }

  /** Effective number of members (attention/community.ts `effectiveSize`): the size prices use. */
  communitySize(communityId: bigint, now: number): number {
    return this.reputation(communityId, now).effectiveSize;
  }

  /** Price of one average view for a campaign's promoter in its post's community. */
  campaignPrice(campaign: CampaignInfo, now: number): bigint {
    const post = this.#state.posts.get(Number(campaign.postId));
    if (!post) return this.params.price.basePrice;
    // The price depends only on the community's reputation (graph version and hour) and the promoter.
    const rep = this.reputation(post.communityId, now);
    let prices = this.#prices.get(rep);
    if (!prices) {
      prices = new Map();
      this.#prices.set(rep, prices);
    }
    const promoter = addr(campaign.promoter);
    let price = prices.get(promoter);
    if (price === undefined) {
      price = viewPrice(this.params, rep.effectiveSize, 1, relativeReputation(rep, promoter));
      prices.set(promoter, price);
    }
    return price;
  }
}
