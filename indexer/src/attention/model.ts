/**
 * The live attention model: fed incrementally with posts and log entries as
 * they arrive, it answers reputation, leaderboards, standings and streams.
 * Graphs and reputations are materialised lazily and cached until the graph
 * changes (warm-starting PageRank from the previous vector) or the decay
 * reference moves to the next hour.
 */

import { type CommunityReputation, communityReputation, relativeReputation, seedsOf } from "./community.ts";
import { ALL_COMMUNITIES, type AttentionGraph, AttentionGraphBuilder } from "./graph.ts";
import {
  addr,
  type CampaignInfo,
  type CommunityInfo,
  isEngagement,
  type LogEntry,
  type PostInfo,
} from "./log.ts";
import { isPaidView, PaidAttentionLedger, paidUnits } from "./paid-attention.ts";
import type { AttentionParams } from "./params.ts";
import { SocialState } from "./policy.ts";
import { viewPrice } from "./pricing.ts";
import { campaignBoost, organicFrom, type RankedItem, type RankInputs } from "./ranking.ts";
import { StandingCache } from "./standing.ts";

const HOUR = 3600;
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

export class AttentionModel {
  readonly params: AttentionParams;
  readonly #builder: AttentionGraphBuilder;
  readonly social = new SocialState();
  readonly posts = new Map<number, PostInfo>();
  /** Posts by ascending id, for the most-recent candidates of a stream. */
  readonly #postList: PostInfo[] = [];
  readonly #communities = new Map<bigint, CommunityInfo>();
  /** postId -> interned account id -> attention units (organic). */
  readonly #postAttention = new Map<number, Map<number, number>>();
  /** postId -> interned author id, resolved once per post. */
  readonly #authorId = new Map<number, number>();
  /** Paid-view claims, so that paid attention adds no organic weight (attention/paid-attention.ts). */
  readonly #paid = new PaidAttentionLedger();
  /** Entries whose post is not known yet (the chain follower may lag the log). */
  #pending: LogEntry[] = [];
  #graphs = new Map<bigint, { graph: AttentionGraph; hour: number; builtAt: number }>();
  #reputations = new Map<bigint, CommunityReputation & { version: number; hour: number }>();
  readonly #standing: StandingCache;
  /** View price per promoter, per community reputation (a new reputation starts a new map). */
  readonly #prices = new WeakMap<CommunityReputation, Map<string, bigint>>();
  /** Stream candidates per scope (a community id or "all"). */
  readonly #candidateSets = new Map<string, CandidateSet>();
  #scratch = { standing: new Float64Array(0), affinity: new Float64Array(0) };
  /** Scratch space of `rank`'s answers. */
  #ranked = { scores: new Float64Array(0), organic: new Float64Array(0), choice: new Float64Array(0) };
  lastSeq = 0;
  lastPostId = 0;

  /** A changed graph is rebuilt at most this often (ms); answers may lag new engagement by as much. */
  readonly #rebuildMs: number;

  constructor(params: AttentionParams, options: { rebuildMs?: number } = {}) {
    this.params = params;
    this.#rebuildMs = options.rebuildMs ?? 5000;
    this.#builder = new AttentionGraphBuilder(params, { global: true });
    this.#standing = new StandingCache(1024, { teleport: params.teleport, epsilon: params.standingEpsilon });
  }

  addPost(post: PostInfo): void {
    const id = Number(post.id);
    if (this.posts.has(id)) return;
    this.posts.set(id, post);
    const list = this.#postList;
    if (list.length === 0 || Number((list[list.length - 1] as PostInfo).id) < id) list.push(post);
    else {
      const at = list.findIndex((p) => Number(p.id) > id);
      list.splice(at < 0 ? list.length : at, 0, post);
    }
    this.lastPostId = Math.max(this.lastPostId, id);
  }

  setCommunities(list: readonly CommunityInfo[]): void {
    for (const c of list) this.#communities.set(c.id, c);
  }

  community(id: bigint): CommunityInfo | undefined {
    return this.#communities.get(id);
  }

  addEntry(entry: LogEntry): void {
    this.lastSeq = Math.max(this.lastSeq, entry.seq);
    if (!isEngagement(entry)) {
      this.social.apply(entry);
      return;
    }
    const post = this.posts.get(Number(entry.message.postId));
    if (!post) {
      this.#pending.push(entry);
      return;
    }
    const key = Number(post.id);
    let author = this.#authorId.get(key);
    if (author === undefined) {
      author = this.#builder.accounts.idOf(post.author);
      this.#authorId.set(key, author);
    }
    const account = this.#builder.accounts.idOf(entry.message.account);
    if (isPaidView(entry)) {
      // Bought views are not organic, and the claimant's other engagement with the post is paid attention.
      const earlier = this.#paid.claim(key, account);
      for (let k = 0; earlier && k < earlier.length; k += 2) {
        const units = earlier[k + 1] as number;
        const back = units - paidUnits(units, this.params.paidAttentionWeight);
        this.#addAttention(key, account, author, post, earlier[k] as number, -back);
      }
      return;
    }
    const full = this.#builder.unitsOf(entry);
    const claimed = this.#paid.isClaimed(key, account);
    const units = claimed ? paidUnits(full, this.params.paidAttentionWeight) : full;
    const timestamp = Number(entry.message.timestamp);
    if (this.#addAttention(key, account, author, post, timestamp, units) && !claimed)
      this.#paid.record(key, account, timestamp, units);
  }

  #addAttention(
    key: number,
    account: number,
    author: number,
    post: PostInfo,
    t: number,
    units: number,
  ): boolean {
    const added =
      units < 0
        ? this.#builder.takeBack(account, author, Number(post.communityId), t, -units)
        : this.#builder.addEdge(account, author, Number(post.communityId), t, units);
    if (!added) return false;
    let perAccount = this.#postAttention.get(key);
    if (!perAccount) {
      perAccount = new Map();
      this.#postAttention.set(key, perAccount);
    }
    perAccount.set(account, (perAccount.get(account) ?? 0) + units);
    return true;
  }

  /** Retries entries that arrived before their post. */
  flushPending(): void {
    const pending = this.#pending;
    this.#pending = [];
    for (const e of pending) this.addEntry(e);
  }

  graph(communityId: bigint, now: number): AttentionGraph {
    const hour = Math.floor(now / HOUR);
    const cached = this.#graphs.get(communityId);
    if (
      cached &&
      cached.hour === hour &&
      (cached.graph.version === this.#builder.version || performance.now() - cached.builtAt < this.#rebuildMs)
    ) {
      return cached.graph;
    }
    const community = this.#communities.get(communityId);
    const graph = this.#builder.build(communityId, hour * HOUR, seedsOf(community));
    this.#graphs.set(communityId, { graph, hour, builtAt: performance.now() });
    return graph;
  }

  reputation(communityId: bigint, now: number): CommunityReputation {
    const graph = this.graph(communityId, now);
    const cached = this.#reputations.get(communityId);
    if (cached && cached.version === graph.version && cached.hour === Math.floor(now / HOUR)) return cached;
    const rep = communityReputation(this.params, graph, this.#communities.get(communityId), cached);
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

  /** Effective number of members (attention/community.ts `effectiveSize`): the size prices use. */
  communitySize(communityId: bigint, now: number): number {
    return this.reputation(communityId, now).effectiveSize;
  }

  /** Price of one average view for a campaign's promoter in its post's community. */
  campaignPrice(campaign: CampaignInfo, now: number): bigint {
    const post = this.posts.get(Number(campaign.postId));
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

  /**
   * The viewer's stream: the `limit` best candidates (all when omitted), ranked as `rankStream`
   * ranks `streamInputs(query)`, and the number of candidates.
   */
  stream(query: StreamQuery & { limit?: number }): { items: RankedItem[]; total: number } {
    const ranking = this.rank(query);
    return { items: this.page(ranking, 0, query.limit ?? ranking.total), total: ranking.total };
  }

  /**
   * Scores every candidate of the viewer's stream, for `page` to cut pages from. Written for the
   * request path: per-candidate facts are cached per second, and the viewer's standing and
   * affinity are scattered into dense scratch arrays instead of being looked up per post.
   * The ranking's arrays are the model's own scratch space, overwritten by the next call: cut
   * its pages at once, or copy it (`RankingRing.keep`) to cut more later.
   */
  rank(query: StreamQuery): StreamRanking {
    const viewer = addr(query.viewer);
    const global = this.graph(ALL_COMMUNITIES, query.now);
    const set = this.#candidates(query, global);
    const count = set.posts.length;
    const viewerNode = global.index.get(viewer);
    const standing = viewerNode === undefined ? null : this.#standing.get(global, viewerNode);
    const followingIds = this.#followingIds(viewer);
    const w = this.params.ranking;
    const allows = this.social.allowsFor(viewer);

    const scratch = this.#scratchFor(global.n);
    const { standing: standingAt, affinity: affinityAt } = scratch;
    if (this.#ranked.scores.length < count) {
      const size = Math.max(count, 2 * this.#ranked.scores.length);
      this.#ranked = {
        scores: new Float64Array(size),
        organic: new Float64Array(size),
        choice: new Float64Array(size),
      };
    }
    const scores = this.#ranked.scores.subarray(0, count);
    const organic = this.#ranked.organic.subarray(0, count);
    // Index of the chosen campaign in `set.boosts[i]`, -1 for none.
    const choice = this.#ranked.choice.subarray(0, count).fill(-1);
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
                set.attention[i] ?? this.#postAttention.get(set.ids[i] as number),
                followingIds,
              ),
          query.now - (set.createdAt[i] as number),
        );
        organic[i] = o;
        // The post's first campaign (best boost first) that the viewer's policy admits.
        let boost = 0;
        const boosts = set.boosts[i];
        if (boosts) {
          const p = set.posts[i] as PostInfo;
          for (let c = 0; c < boosts.length; c++) {
            const candidate = boosts[c] as Boost;
            if (allows(candidate.promoter, p.communityId, p.topics)) {
              choice[i] = c;
              boost = candidate.boost;
              break;
            }
          }
        }
        scores[i] = o + boost;
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
    const global = this.graph(ALL_COMMUNITIES, query.now);
    const set = this.#candidates(query, global);
    const viewerNode = global.index.get(viewer);
    const standing = viewerNode === undefined ? null : this.#standing.get(global, viewerNode);
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
    const followingIds = this.#followingIds(viewer);
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
      contactsAttention: (postId) => contactsAttention(this.#postAttention.get(Number(postId)), followingIds),
      campaignsOf: (postId) => campaigns.get(postId) ?? [],
      ...this.#pricing(query.now, viewer),
    };
  }

  #pricing(now: number, viewer: string): Pick<RankInputs, "priceOf" | "allows"> {
    return {
      priceOf: (c) => this.campaignPrice(c, now),
      allows: (promoter, communityId, topics) => this.social.allows(viewer, promoter, communityId, topics),
    };
  }

  /** Interned ids of the accounts the viewer follows. */
  #followingIds(viewer: string): number[] {
    const ids: number[] = [];
    for (const f of this.social.following(viewer)) {
      const id = this.#builder.accounts.ids.get(f);
      if (id !== undefined) ids.push(id);
    }
    return ids;
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
      cached.postCount === this.#postList.length &&
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
    for (let i = this.#postList.length - 1; i >= 0 && chosen.size < query.candidates; i--) {
      const p = this.#postList[i] as PostInfo;
      if (inScope(p)) chosen.set(Number(p.id), p);
    }
    for (const id of campaignsByPost.keys()) {
      const p = this.posts.get(id);
      if (p && inScope(p)) chosen.set(id, p);
    }
    const posts = [...chosen.values()];
    const n = posts.length;
    const set: CandidateSet = {
      campaignList: query.campaigns,
      postCount: this.#postList.length,
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
    const priceOf = (c: CampaignInfo) => this.campaignPrice(c, query.now);
    posts.forEach((p, i) => {
      const id = Number(p.id);
      set.ids[i] = id;
      set.createdAt[i] = p.createdAt;
      set.authorNode[i] = global.index.get(addr(p.author)) ?? -1;
      const campaigns = campaignsByPost.get(id);
      set.campaigns[i] = campaigns;
      // The live per-post map (updated in place as entries arrive; looked up again when absent).
      set.attention[i] = this.#postAttention.get(id);
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
