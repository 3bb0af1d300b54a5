/**
 * The stream ranker: scores every candidate of a viewer's stream (the most
 * recent posts in scope plus every post with a campaign) from the live
 * model's graph, standings and attention, and cuts pages from the result.
 * Per-candidate facts are cached per second and shared by every viewer.
 */
import type { AttentionGraph } from "./graph.ts";
import { ALL_COMMUNITIES } from "./graph.ts";
import { addr, type CampaignInfo, type PostInfo } from "./log.ts";
import type { ModelCaches } from "./model-caches.ts";
import type { ModelIngest } from "./model-ingest.ts";
import type { AttentionParams } from "./params.ts";
import { campaignBoost, organicFrom, type RankedItem, type RankInputs } from "./ranking.ts";

const UNIT = 1000;

export interface StreamQuery {
  viewer: string;
  communityId?: bigint | null;
  now: number;
  /** Campaigns of the candidate posts (any state). */
  campaigns: readonly CampaignInfo[];
  /** Most recent posts considered besides amplified ones. */
  candidates: number;
}

export class StreamRanker {
  readonly params: AttentionParams;
  readonly #state: ModelIngest;
  readonly #caches: ModelCaches;
  readonly #candidateSets = new Map<string, CandidateSet>();
  /** Dense per-node arrays the ranker scatters a viewer's standing and affinity into, zeroed after each call. */
  #scratch = { standing: new Float64Array(0), affinity: new Float64Array(0) };

  constructor(state: ModelIngest, caches: ModelCaches) {
    this.#state = state;
    this.#caches = caches;
    this.params = state.params;
  }

  /**
   * Scores every candidate of the viewer's stream, for `page` to cut pages from. Written for the
   * request path: per-candidate facts are cached per second, and the viewer's standing and
   * affinity are scattered into dense scratch arrays instead of being looked up per post.
   * The ranking belongs to the caller: its arrays are fresh, or the `storage` the caller
   * handed in for `count` candidates (e.g. slots of a `RankingRing`), untouched by later calls.
   */
  rank(query: StreamQuery, storage?: RankingStorage): StreamRanking {
    const viewer = addr(query.viewer);
    const global = this.#caches.graph(ALL_COMMUNITIES, query.now);
    const set = this.#candidates(query, global);
    const count = set.posts.length;
    const viewerNode = global.index.get(viewer);
    const standing = viewerNode === undefined ? null : this.#caches.standing.get(global, viewerNode);
    const followingIds = this.#state.followingIds(viewer);
    const w = this.params.ranking;

    const scratch = this.#scratchFor(global.n);
    const { standing: standingAt, affinity: affinityAt } = scratch;
    const arrays = storage?.(count) ?? {
      scores: new Float64Array(count),
      organic: new Float64Array(count),
      choice: new Float64Array(count),
    };
    const { scores, organic } = arrays;
    // Index of the chosen campaign in `set.boosts[i]`, -1 for none.
    const choice = arrays.choice.fill(-1);
    if (standing)
      for (let k = 0; k < standing.nodes.length; k++)
        standingAt[standing.nodes[k] as number] = standing.scores[k] as number;
    const edgeStart = viewerNode === undefined ? 0 : (global.offsets[viewerNode] as number);
    const edgeEnd = viewerNode === undefined ? 0 : (global.offsets[viewerNode + 1] as number);
    for (let j = edgeStart; j < edgeEnd; j++)
      affinityAt[global.targets[j] as number] = global.weights[j] as number;
    try {
      for (let i = 0; i < count; i++) {
        const node = set.authorNode[i] as number;
        const o = organicFrom(
          w,
          node < 0 ? 0 : (standingAt[node] as number),
          node < 0 ? 0 : (affinityAt[node] as number),
          followingIds.length === 0
            ? 0
            : contactsAttention(
                set.attention[i] ?? this.#state.postAttention.get(set.ids[i] as number),
                followingIds,
              ),
          query.now - (set.createdAt[i] as number),
        );
        organic[i] = o;
        // Amplified items are placed by the impression allocator, not scored here.
        scores[i] = o;
      }
    } finally {
      if (standing)
        for (let k = 0; k < standing.nodes.length; k++) standingAt[standing.nodes[k] as number] = 0;
      for (let j = edgeStart; j < edgeEnd; j++) affinityAt[global.targets[j] as number] = 0;
    }
    return { set, scores, organic, choice, total: count };
  }

  /** Items `offset` to `offset + count` of a ranking, best first. */
  page(ranking: StreamRanking, offset: number, count: number): RankedItem[] {
    const { set, scores, organic, choice, total } = ranking;
    const end = Math.min(total, Math.max(0, offset + count));
    const order = bestFirst(scores, set.ids, end);
    const items: RankedItem[] = [];
    for (let k = Math.max(0, offset); k < end; k++) {
      const i = order[k] as number;
      const c = choice[i] as number;
      const b = c < 0 ? null : ((set.boosts[i] as Boost[])[c] as Boost);
      items.push({
        post: set.posts[i] as PostInfo,
        organic: organic[i] as number,
        score: scores[i] as number,
        amplified: b !== null,
        campaignId: b?.campaignId ?? null,
      });
    }
    return items;
  }

  /**
   * The same stream as plain `rankStream` inputs: the reference the request path is checked
   * against, and a way to inspect one viewer's signals.
   */
  streamInputs(query: StreamQuery): RankInputs {
    const viewer = addr(query.viewer);
    const global = this.#caches.graph(ALL_COMMUNITIES, query.now);
    const set = this.#candidates(query, global);
    const viewerNode = global.index.get(viewer);
    const standing = viewerNode === undefined ? null : this.#caches.standing.get(global, viewerNode);
    const affinity = new Map<number, number>();
    if (viewerNode !== undefined) {
      for (
        let j = global.offsets[viewerNode] as number;
        j < (global.offsets[viewerNode + 1] as number);
        j++
      ) {
        affinity.set(global.targets[j] as number, global.weights[j] as number);
      }
    }
    const followingIds = this.#state.followingIds(viewer);
    const campaigns = new Map<bigint, readonly CampaignInfo[]>();
    set.posts.forEach((p, i) => {
      const list = set.campaigns[i];
      if (list) campaigns.set(p.id, list);
    });
    const nodeOf = (author: string) => global.index.get(author) ?? -1;
    return {
      params: this.params,
      now: query.now,
      posts: [...set.posts],
      standingOf: (author) => {
        const node = nodeOf(author);
        return node < 0 || !standing ? 0 : standing.get(node);
      },
      affinityTo: (author) => {
        const node = nodeOf(author);
        return node < 0 ? 0 : (affinity.get(node) ?? 0);
      },
      contactsAttention: (postId) =>
        contactsAttention(this.#state.postAttention.get(Number(postId)), followingIds),
      campaignsOf: (postId) => campaigns.get(postId) ?? [],
      ...this.#pricing(query.now, viewer),
    };
  }

  #pricing(now: number, viewer: string): Pick<RankInputs, "priceOf" | "allows"> {
    return {
      priceOf: (c) => this.#caches.campaignPrice(c, now),
      allows: (promoter, communityId, topics) =>
        this.#state.social.allows(viewer, promoter, communityId, topics),
    };
  }

  /**
   * The stream's candidates (the most recent posts in scope plus every post with a campaign)
   * and their per-post facts. Shared by every request with the same campaigns list (the
   * service reads it at most once per second), posts and graph.
   */
  #candidates(query: StreamQuery, global: AttentionGraph): CandidateSet {
    const scope = query.communityId ?? null;
    const key = scope === null ? "all" : scope.toString();
    const cached = this.#candidateSets.get(key);
    if (
      cached &&
      cached.campaignList === query.campaigns &&
      cached.postCount === this.#state.postList.length &&
      cached.graph === global &&
      cached.now === query.now &&
      cached.size === query.candidates
    ) {
      return cached;
    }
    const inScope = (p: PostInfo) => scope === null || p.communityId === scope;
    const campaignsByPost = new Map<number, CampaignInfo[]>();
    for (const c of query.campaigns) {
      const id = Number(c.postId);
      const list = campaignsByPost.get(id);
      if (list) list.push(c);
      else campaignsByPost.set(id, [c]);
    }
    const chosen = new Map<number, PostInfo>();
    for (let i = this.#state.postList.length - 1; i >= 0 && chosen.size < query.candidates; i--) {
      const p = this.#state.postList[i] as PostInfo;
      if (inScope(p)) chosen.set(Number(p.id), p);
    }
    for (const id of campaignsByPost.keys()) {
      const p = this.#state.posts.get(id);
      if (p && inScope(p)) chosen.set(id, p);
    }
    const posts = [...chosen.values()];
    const n = posts.length;
    const set: CandidateSet = {
      campaignList: query.campaigns,
      postCount: this.#state.postList.length,
      graph: global,
      now: query.now,
      size: query.candidates,
      posts,
      ids: new Float64Array(n),
      createdAt: new Float64Array(n),
      authorNode: new Int32Array(n),
      campaigns: new Array(n),
      boosts: new Array(n),
      attention: new Array(n),
    };
    const priceOf = (c: CampaignInfo) => this.#caches.campaignPrice(c, query.now);
    posts.forEach((p, i) => {
      const id = Number(p.id);
      set.ids[i] = id;
      set.createdAt[i] = p.createdAt;
      set.authorNode[i] = global.index.get(addr(p.author)) ?? -1;
      const campaigns = campaignsByPost.get(id);
      set.campaigns[i] = campaigns;
      // The live per-post map (updated in place as entries arrive; looked up again when absent).
      set.attention[i] = this.#state.postAttention.get(id);
      // A campaign's boost does not depend on the viewer: rank them once, best first (ties: lower id).
      const boosts: Boost[] = [];
      for (const c of campaigns ?? []) {
        const boost = campaignBoost(this.params, query.now, c, priceOf);
        if (boost !== null) boosts.push({ campaignId: c.id, promoter: c.promoter, boost });
      }
      boosts.sort((a, b) => b.boost - a.boost || (a.campaignId < b.campaignId ? -1 : 1));
      set.boosts[i] = boosts.length > 0 ? boosts : undefined;
    });
    // One entry per scope in use; a deployment with very many communities recycles them.
    if (this.#candidateSets.size >= 256) this.#candidateSets.clear();
    this.#candidateSets.set(key, set);
    return set;
  }

  /** Zeroed dense arrays over the global graph's nodes, reused by every stream request. */
  #scratchFor(n: number): { standing: Float64Array; affinity: Float64Array } {
    if (this.#scratch.standing.length !== n) {
      this.#scratch = { standing: new Float64Array(n), affinity: new Float64Array(n) };
    }
    return this.#scratch;
  }
}

/**
 * Indices of the `k` best scores, best first; ties rank the higher id (the newer post) first,
 * as `rankStream` does. A page is a small part of the candidates: it is kept by insertion
 * instead of sorting them all.
 */
function bestFirst(scores: Float64Array, ids: Float64Array, k: number): Uint32Array {
  const n = scores.length;
  if (k <= 0) return new Uint32Array(0);
  const before = (a: number, b: number) =>
    (scores[a] as number) > (scores[b] as number) ||
    ((scores[a] as number) === (scores[b] as number) && (ids[a] as number) > (ids[b] as number));
  if (k * 2 >= n) {
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    return order.subarray(0, k);
  }
  const top = new Uint32Array(k);
  let filled = 0;
  for (let i = 0; i < n; i++) {
    if (filled === k && !before(i, top[k - 1] as number)) continue;
    let at = filled < k ? filled++ : k - 1;
    while (at > 0 && before(i, top[at - 1] as number)) {
      top[at] = top[at - 1] as number;
      at--;
    }
    top[at] = i;
  }
  return top;
}

/** Organic attention a post received from the given accounts (exact: units are integers). */
function contactsAttention(
  perAccount: Map<number, number> | undefined,
  accountIds: readonly number[],
): number {
  if (!perAccount || accountIds.length === 0) return 0;
  let sum = 0;
  for (const c of accountIds) sum += perAccount.get(c) ?? 0;
  return sum / UNIT;
}

/** Arrays of `count` slots a ranking is written into; null to let the ranker allocate them. */
export type RankingStorage = (
  count: number,
) => { scores: Float64Array; organic: Float64Array; choice: Float64Array } | null;

/** One viewer's scored candidates: pages are cut from it without scoring again. */
export interface StreamRanking {
  readonly set: CandidateSet;
  readonly scores: Float64Array;
  readonly organic: Float64Array;
  /** Per candidate, the index of its boost in the candidate set, -1 for none. */
  readonly choice: Float64Array;
  readonly total: number;
}

interface CandidateSet {
  campaignList: readonly CampaignInfo[];
  postCount: number;
  graph: AttentionGraph;
  size: number;
  posts: PostInfo[];
  /** Post ids as numbers (ties rank the newer id first). */
  ids: Float64Array;
  createdAt: Float64Array;
  /** The author's node in the global graph, -1 when absent. */
  authorNode: Int32Array;
  now: number;
  /** The post's campaigns in the list the set was built from. */
  campaigns: (CampaignInfo[] | undefined)[];
  /** The post's active campaigns with their boosts, best first. */
  boosts: (Boost[] | undefined)[];
  attention: (Map<number, number> | undefined)[];
}

interface Boost {
  campaignId: bigint;
  promoter: string;
  boost: number;
}
