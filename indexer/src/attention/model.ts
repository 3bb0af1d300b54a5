/**
 * The live attention model: fed incrementally with posts and log entries as
 * they arrive, it answers reputation, leaderboards, standings and streams.
 * Graphs and reputations are materialised lazily and cached until the graph
 * changes (warm-starting PageRank from the previous vector) or the decay
 * reference moves to the next hour.
 */

import { viewPrice } from "../settlement/payouts.ts";
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
import type { AttentionParams } from "./params.ts";
import { SocialState } from "./policy.ts";
import { type RankedItem, rankStream } from "./ranking.ts";
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
  /** Entries whose post is not known yet (the chain follower may lag the log). */
  #pending: LogEntry[] = [];
  #graphs = new Map<bigint, { graph: AttentionGraph; hour: number; builtAt: number }>();
  #reputations = new Map<bigint, CommunityReputation & { version: number; hour: number }>();
  readonly #standing: StandingCache;
  /** View price per promoter, per community reputation (a new reputation starts a new map). */
  readonly #prices = new WeakMap<CommunityReputation, Map<string, bigint>>();
  /** Global graph node per post author seen in a stream (-1: not in the graph), for one graph. */
  #authorNodes: { graph: AttentionGraph | null; nodes: Map<string, number> } = {
    graph: null,
    nodes: new Map(),
  };
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
    if (entry.kind === "View" && entry.message.campaignId !== 0n) return; // bought views are not organic
    const key = Number(post.id);
    let author = this.#authorId.get(key);
    if (author === undefined) {
      author = this.#builder.accounts.idOf(post.author);
      this.#authorId.set(key, author);
    }
    const account = this.#builder.accounts.idOf(entry.message.account);
    const units = this.#builder.unitsOf(entry);
    if (
      this.#builder.addEdge(account, author, Number(post.communityId), Number(entry.message.timestamp), units)
    ) {
      let perAccount = this.#postAttention.get(key);
      if (!perAccount) {
        perAccount = new Map();
        this.#postAttention.set(key, perAccount);
      }
      perAccount.set(account, (perAccount.get(account) ?? 0) + units);
    }
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
      score: (rep.scores[i] as number) * n,
      rank: k + 1,
    }));
  }

  communitySize(communityId: bigint, now: number): number {
    return this.graph(communityId, now).n;
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
      price = viewPrice(this.params, rep.nodes.length, 1, relativeReputation(rep, promoter));
      prices.set(promoter, price);
    }
    return price;
  }

  stream(query: StreamQuery): RankedItem[] {
    const viewer = addr(query.viewer);
    const global = this.graph(ALL_COMMUNITIES, query.now);
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
    const followingIds: number[] = [];
    for (const f of this.social.following(viewer)) {
      const id = this.#builder.accounts.ids.get(f);
      if (id !== undefined) followingIds.push(id);
    }
    // Candidate authors are mostly the same from one request to the next: a small map of them
    // stays in cache where lookups in the whole graph's index would miss.
    if (this.#authorNodes.graph !== global) this.#authorNodes = { graph: global, nodes: new Map() };
    const authorNodes = this.#authorNodes.nodes;
    const nodeOf = (author: string): number => {
      let node = authorNodes.get(author);
      if (node === undefined) {
        node = global.index.get(author) ?? -1;
        authorNodes.set(author, node);
      }
      return node;
    };
    const inScope = (p: PostInfo) => query.communityId == null || p.communityId === query.communityId;

    const campaignsByPost = new Map<number, CampaignInfo[]>();
    for (const c of query.campaigns) {
      const list = campaignsByPost.get(Number(c.postId)) ?? [];
      list.push(c);
      campaignsByPost.set(Number(c.postId), list);
    }
    const candidates = new Map<number, PostInfo>();
    for (let i = this.#postList.length - 1; i >= 0 && candidates.size < query.candidates; i--) {
      const p = this.#postList[i] as PostInfo;
      if (inScope(p)) candidates.set(Number(p.id), p);
    }
    for (const id of campaignsByPost.keys()) {
      const p = this.posts.get(id);
      if (p && inScope(p)) candidates.set(id, p);
    }

    return rankStream({
      params: this.params,
      now: query.now,
      posts: [...candidates.values()],
      standingOf: (author) => {
        const node = nodeOf(author);
        return node < 0 || !standing ? 0 : standing.get(node);
      },
      affinityTo: (author) => {
        const node = nodeOf(author);
        return node < 0 ? 0 : (affinity.get(node) ?? 0);
      },
      contactsAttention: (postId) => {
        if (followingIds.length === 0) return 0;
        const perAccount = this.#postAttention.get(Number(postId));
        if (!perAccount) return 0;
        let sum = 0;
        for (const c of followingIds) sum += perAccount.get(c) ?? 0;
        return sum / UNIT;
      },
      campaignsOf: (postId) => campaignsByPost.get(Number(postId)) ?? [],
      priceOf: (c) => this.campaignPrice(c, query.now),
      allows: (promoter, communityId, topics) => this.social.allows(viewer, promoter, communityId, topics),
    });
  }
}
