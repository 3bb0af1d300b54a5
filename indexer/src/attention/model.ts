/**
 * The live attention model: fed incrementally with posts and log entries as
 * they arrive, it answers reputation, leaderboards, standings and streams.
 * Three parts, each in its own module: ingestion (`model-ingest.ts`), the
 * graph, reputation, standing and price caches (`model-caches.ts`) and the
 * stream ranker (`stream-ranker.ts`).
 */

import type { CommunityReputation } from "./community.ts";
import type { AttentionGraph } from "./graph.ts";
import type { CampaignInfo, CommunityInfo, LogEntry, PostInfo } from "./log.ts";
import { ModelCaches } from "./model-caches.ts";
import { ModelIngest } from "./model-ingest.ts";
import type { AttentionParams } from "./params.ts";
import type { SocialState } from "./policy.ts";
import type { RankedItem, RankInputs } from "./ranking.ts";
import { type RankingStorage, type StreamQuery, StreamRanker, type StreamRanking } from "./stream-ranker.ts";

export type { RankingStorage, StreamQuery, StreamRanking } from "./stream-ranker.ts";

export class AttentionModel {
  readonly params: AttentionParams;
  readonly #ingest: ModelIngest;
  readonly #caches: ModelCaches;
  readonly #ranker: StreamRanker;

  constructor(params: AttentionParams, options: { rebuildMs?: number } = {}) {
    this.params = params;
    this.#ingest = new ModelIngest(params);
    this.#caches = new ModelCaches(this.#ingest, options);
    this.#ranker = new StreamRanker(this.#ingest, this.#caches);
  }

  get social(): SocialState {
    return this.#ingest.social;
  }
  get posts(): ReadonlyMap<number, PostInfo> {
    return this.#ingest.posts;
  }
  /** Largest log seq applied (the service also advances it past entries it skips). */
  get lastSeq(): number {
    return this.#ingest.lastSeq;
  }
  set lastSeq(seq: number) {
    this.#ingest.lastSeq = seq;
  }
  get lastPostId(): number {
    return this.#ingest.lastPostId;
  }

  addPost(post: PostInfo): void {
    this.#ingest.addPost(post);
  }
  setCommunities(list: readonly CommunityInfo[]): void {
    this.#ingest.setCommunities(list);
  }
  community(id: bigint): CommunityInfo | undefined {
    return this.#ingest.community(id);
  }
  addEntry(entry: LogEntry): void {
    this.#ingest.addEntry(entry);
  }
  /** Retries entries that arrived before their post. */
  flushPending(): void {
    this.#ingest.flushPending();
  }

  graph(communityId: bigint, now: number): AttentionGraph {
    return this.#caches.graph(communityId, now);
  }
  reputation(communityId: bigint, now: number): CommunityReputation {
    return this.#caches.reputation(communityId, now);
  }
  relativeReputation(account: string, communityId: bigint, now: number): number {
    return this.#caches.relativeReputation(account, communityId, now);
  }
  leaderboard(communityId: bigint, first: number, now: number) {
    return this.#caches.leaderboard(communityId, first, now);
  }
  reputationRank(account: string, communityId: bigint, now: number) {
    return this.#caches.reputationRank(account, communityId, now);
  }
  communitySize(communityId: bigint, now: number): number {
    return this.#caches.communitySize(communityId, now);
  }
  /** Price of one average view for a campaign's promoter in its post's community. */
  campaignPrice(campaign: CampaignInfo, now: number): bigint {
    return this.#caches.campaignPrice(campaign, now);
  }

  /**
   * The viewer's stream: the `limit` best candidates (all when omitted), ranked as `rankStream`
   * ranks `streamInputs(query)`, and the number of candidates.
   */
  stream(query: StreamQuery & { limit?: number }): { items: RankedItem[]; total: number } {
    const ranking = this.rank(query);
    return { items: this.page(ranking, 0, query.limit ?? ranking.total), total: ranking.total };
  }
  /** Scores every candidate of the viewer's stream; the ranking is the caller's to keep. */
  rank(query: StreamQuery, storage?: RankingStorage): StreamRanking {
    return this.#ranker.rank(query, storage);
  }
  /** Items `offset` to `offset + count` of a ranking, best first. */
  page(ranking: StreamRanking, offset: number, count: number): RankedItem[] {
    return this.#ranker.page(ranking, offset, count);
  }
  /** The same stream as plain `rankStream` inputs (the reference the ranker is checked against). */
  streamInputs(query: StreamQuery): RankInputs {
    return this.#ranker.streamInputs(query);
  }
}
