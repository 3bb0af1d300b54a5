/**
 * The attention model behind the API: an `AttentionService` that keeps an
 * `AttentionModel` in step with the store (new posts, communities and log
 * entries are read incrementally, by post id and log sequence number, before
 * each answer) and delegates epoch, payout and claim reads to the store-backed
 * service. The store is either engine: on PostgreSQL an API replica keeps its
 * model current while another process (the writer) appends, and stream
 * cursors work on every replica of the store (`stream-snapshots.ts`).
 */
import type { Address } from "viem";
import { AmpError } from "#protocol";
import type { ImpressionIssuer } from "../engagement/impressions.ts";
import { CursorError, decodeCursor, encodeCursor } from "../store/cursor.ts";
import type { Db } from "../store/db.ts";
import type { StoreEngine } from "../store/engine/engine.ts";
import { createReader } from "../store/queries/sql-reader.ts";
import type { Queries } from "../store/queries.ts";
import { type AllocatorCampaign, allocate, forecastDelivery, slotPositions } from "./allocator.ts";
import { ImpressionLedger } from "./impression-ledger.ts";
import { ImpressionQueue } from "./impression-queue.ts";
import { type AttentionService, AttentionUnavailableError } from "./interface.ts";
import { toLogEntry } from "./load.ts";
import type { CampaignInfo } from "./log.ts";
import { AttentionModel, type StreamRanking } from "./model.ts";
import { type ModelCampaignRow, type ModelEntryRow, modelReads } from "./model-reads.ts";
import { OrganicImpressions } from "./organic-impressions.ts";
import { type AttentionParams, DEFAULT_PARAMS } from "./params.ts";
import { quoteViews, viewPrice } from "./pricing.ts";
import type { RankedItem } from "./ranking.ts";
import { type KeptRanking, RankingRing } from "./ranking-ring.ts";
import { createStoreAttentionService } from "./store-service.ts";
import { postgresSnapshotStore, type SharedRanking, type StreamSnapshotStore } from "./stream-snapshots.ts";

/** The reads the model does not answer itself: epochs, payouts, claims, payout reasons, seeds. */
export type DelegatedAttentionReads = Pick<
  AttentionService,
  "earnings" | "epochPayouts" | "claim" | "viewPayouts" | "seeds"
>;

export interface AttentionServiceOptions {
  /** The SQLite store's handle; give it or `engine`. */
  db?: Db;
  /** The store on either engine (an API replica on PostgreSQL); default: `db`. */
  engine?: StoreEngine;
  /** The store's queries (`createQueries`, either engine), for the store-backed service behind the delegated reads. */
  queries?: Queries;
  /** Answers the delegated reads; default: the store-backed service over `queries` and the store. */
  store?: DelegatedAttentionReads;
  /** Unix seconds (the API's chain clock). */
  now: () => number;
  params?: AttentionParams;
  /** Recent posts ranked per stream request besides amplified ones (default 500). */
  candidates?: number;
  /** A changed graph is rebuilt at most this often (ms, default 5000). */
  rebuildMs?: number;
  /**
   * Float64 slots kept for the rankings that later stream pages are cut from (default 4M, 32 MB:
   * about 2,000 first pages of 500 candidates; older ones are ranked afresh).
   */
  snapshotSlots?: number;
  /** Signs and logs the impressions of served amplified items; without it pages carry none. */
  impressions?: ImpressionIssuer<number | Promise<number>> | null;
}

type CampaignRow = ModelCampaignRow;

const toCampaign = (r: CampaignRow): CampaignInfo => ({
  id: BigInt(r.id),
  postId: BigInt(r.postId),
  promoter: r.promoter.toLowerCase() as Address,
  remaining: r.refundedBlock === null ? BigInt(r.budget) - BigInt(r.spent) : 0n,
  expiresAt: r.expiresAt,
  createdAt: r.createdAt,
  refunded: r.refundedBlock !== null,
});

/**
 * Later pages of a stream are cut from the ranking its first page came from, so that the
 * viewer's own views (which feed the graph) or new engagement cannot move items between pages
 * (repeated or skipped). A ranking is kept at most this long, while its ring has room.
 */
const SNAPSHOT_SECONDS = 600;

interface StreamSnapshot {
  viewer: string;
  scope: string;
  at: number;
  kept: KeptRanking;
}

/** Snapshots ranked by other replicas, kept after their first read (the most recent ones). */
const SHARED_KEPT = 1024;

/** A service without a store to read, or with reads it cannot answer. */
export class AttentionServiceError extends AmpError {
  override name = "AttentionServiceError";
}

/** A stream cursor names a ranking snapshot and the position after the item it points at. */
function streamCursor(cursor: string): { snapshot: number; offset: number } {
  const [snapshot, offset] = decodeCursor(cursor, 2) as [number, number];
  if (snapshot < 0 || offset < 0) throw new CursorError(cursor);
  return { snapshot, offset };
}

/** Delegated reads of a service given no store-backed service to answer them. */
function unavailableReads(): DelegatedAttentionReads {
  const no = (field: string) => () => {
    throw new AttentionUnavailableError(field);
  };
  return {
    earnings: no("earnings"),
    epochPayouts: no("epochPayouts"),
    claim: no("claim"),
    viewPayouts: no("viewPayouts"),
    seeds: no("seeds"),
  };
}

/** A ranking's whole order, best first, as the other replicas read it back. */
function orderOf(ranking: StreamRanking, viewer: string, scope: string, at: number): SharedRanking {
  const n = ranking.total;
  const ids = new Float64Array(n);
  const scores = new Float64Array(n);
  // The ranker's own page order (ties: the newer post first), over every candidate.
  const order = modelPageOrder(ranking);
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    ids[k] = ranking.set.ids[i] as number;
    scores[k] = ranking.scores[i] as number;
  }
  return { viewer, scope, at, ids, scores };
}

/** Candidate indices best first: score descending, ties the higher (newer) post id first. */
function modelPageOrder(ranking: StreamRanking): Uint32Array {
  const { scores, set, total } = ranking;
  const order = new Uint32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  return order.sort(
    (a, b) =>
      (scores[b] as number) - (scores[a] as number) || (set.ids[b] as number) - (set.ids[a] as number),
  );
}

/** Ranked items of `count` positions from `offset` of a ranking read back from the store. */
function sharedItems(
  r: SharedRanking,
  offset: number,
  count: number,
  post: (id: number) => RankedItem["post"] | undefined,
): RankedItem[] {
  const items: RankedItem[] = [];
  const end = Math.min(r.ids.length, Math.max(0, offset + count));
  for (let k = Math.max(0, offset); k < end; k++) {
    const p = post(r.ids[k] as number);
    const score = r.scores[k] as number;
    // Every post a replica ranked is in the store's posts, which this model has read.
    if (p) items.push({ post: p, organic: score, score, amplified: false, campaignId: null });
  }
  return items;
}

/** The attention service; `impressionsSettled` resolves once every impression served so far is in the log. */
export type LiveAttentionService = AttentionService & {
  impressionsSettled(): Promise<void>;
  /** Resolves once the model has read the store as it was when the service was made. */
  ready(): Promise<void>;
  close(): Promise<void>;
};

/**
 * The live attention service over a store on either engine:
 * `createAttentionService({ engine, queries, now, impressions?, ... })` (or `{ db, queries, now }` on
 * SQLite, as before).
 */
export function createAttentionService(options: AttentionServiceOptions): LiveAttentionService {
  const { db, queries, now } = options;
  const source = options.engine ?? db;
  if (!source)
    throw new AttentionServiceError("ATTENTION_STORE_MISSING", "the attention service needs a store", {
      details: "pass `engine` (either engine) or `db` (SQLite)",
    });
  const params = options.params ?? DEFAULT_PARAMS;
  const candidates = options.candidates ?? 500;
  const model = new AttentionModel(params, { rebuildMs: options.rebuildMs });
  const store: DelegatedAttentionReads =
    options.store ??
    (queries ? createStoreAttentionService({ queries, db: source, params }) : unavailableReads());
  const reads = modelReads(createReader(source));
  // On PostgreSQL replicas share rankings through the store; on SQLite one process serves the file.
  const shared: StreamSnapshotStore | null =
    options.engine?.kind === "postgres" ? postgresSnapshotStore(options.engine, SNAPSHOT_SECONDS) : null;

  const ring = new RankingRing(options.snapshotSlots ?? 4 * 2 ** 20);
  // In insertion order, which is the order they were made in (ids from the store on PostgreSQL).
  const snapshots = new Map<number, StreamSnapshot>();
  const sharedSnapshots = new Map<number, SharedRanking>();
  let lastSnapshot = 0;
  const usable = (s: StreamSnapshot | undefined, t: number): s is StreamSnapshot =>
    s !== undefined && t - s.at <= SNAPSHOT_SECONDS && ring.holds(s.kept);
  let communityStamp = "";
  let chainHead = "";
  // Campaign rows change only with chain batches (each moves the checkpoint) and the clock:
  // requests at the same second and chain head share one read.
  interface CampaignCache {
    key: string;
    campaigns: CampaignInfo[];
    rows: CampaignRow[];
  }
  let campaignCache: CampaignCache | null = null;
  const activeCampaigns = async (t: number): Promise<CampaignCache> => {
    const key = `${t}@${chainHead}`;
    if (campaignCache?.key !== key) {
      const rows = await reads.activeCampaigns(t);
      if (campaignCache?.key !== key) campaignCache = { key, rows, campaigns: rows.map(toCampaign) };
    }
    return campaignCache as CampaignCache;
  };

  // Served impressions, replayed from the log as it is read (the same ledger settlement replays).
  const ledger = new ImpressionLedger(params);
  const campaignFacts = new Map<bigint, { postId: bigint; promoter: string }>();
  const ledgerContext = {
    social: model.social,
    post: (id: bigint) => model.posts.get(Number(id)),
    // Read before the entries naming them are observed (`campaignsOf`).
    campaign: (id: bigint) => campaignFacts.get(id),
  };
  /** Loads the campaigns the batch's impressions name that are not known yet, in one read. */
  async function campaignsOf(rows: readonly ModelEntryRow[]): Promise<void> {
    const missing = new Set<number>();
    for (const r of rows) {
      if (r.kind !== "Impression") continue;
      const named = (JSON.parse(r.json) as { campaignId?: unknown }).campaignId;
      // A malformed entry is reported when it is applied (`toLogEntry`).
      if (typeof named !== "string" || !/^\d+$/.test(named)) continue;
      if (!campaignFacts.has(BigInt(named))) missing.add(Number(named));
    }
    if (missing.size === 0) return;
    for (const row of await reads.campaignsByIds([...missing]))
      campaignFacts.set(BigInt(row.id), { postId: BigInt(row.postId), promoter: row.promoter.toLowerCase() });
  }
  /** Organic impressions per campaign: pages whose organic cut (without amplification) held the post. */
  const organicImpressions = new OrganicImpressions(source);
  const issuer = options.impressions ?? null;
  // Impressions are decided and reserved on the request, signed and logged right after it.
  const queue = issuer
    ? new ImpressionQueue({ issuer, onLogged: () => void refresh().catch(() => undefined) })
    : null;
  let closed = false;
  const slotCount = (first: number) => slotPositions(params.delivery, first).length;

  // One catch-up at a time (two would apply the same entries twice); a request arriving while one
  // runs waits for the next, which starts after it and so sees what the request's caller wrote.
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  function refresh(): Promise<void> {
    if (!running) {
      running = catchUp().finally(() => {
        running = null;
      });
      return running;
    }
    if (!queued) {
      const next = () => {
        queued = null;
        return refresh();
      };
      queued = running.then(next, next);
    }
    return queued;
  }

  async function catchUp(): Promise<void> {
    const stamp = await reads.stamp();
    chainHead = stamp.head;
    if (stamp.communities !== communityStamp) {
      const mods = new Map<number, Address[]>();
      const appointed = new Map<number, Record<string, number>>();
      const [moderators, communities] = await Promise.all([reads.moderators(), reads.communities()]);
      for (const r of moderators) {
        const a = r.account.toLowerCase() as Address;
        mods.set(r.communityId, [...(mods.get(r.communityId) ?? []), a]);
        const times = appointed.get(r.communityId) ?? {};
        times[a] = Math.max(times[a] ?? 0, r.appointedAt ?? 0);
        appointed.set(r.communityId, times);
      }
      model.setCommunities(
        communities.map((c) => ({
          id: BigInt(c.id),
          founder: c.founder.toLowerCase() as Address,
          moderators: mods.get(c.id) ?? [],
          appointedAt: appointed.get(c.id) ?? {},
        })),
      );
      communityStamp = stamp.communities;
    }
    if (stamp.maxPost > model.lastPostId) {
      for (const r of await reads.postsAfter(model.lastPostId)) {
        model.addPost({
          id: BigInt(r.id),
          communityId: BigInt(r.communityId),
          author: r.author.toLowerCase() as Address,
          createdAt: r.createdAt,
          topics: JSON.parse(r.topics) as string[],
        });
      }
      model.flushPending();
    }
    while (stamp.maxSeq > model.lastSeq) {
      const rows: ModelEntryRow[] = await reads.entriesAfter(model.lastSeq);
      if (rows.length === 0) break;
      await campaignsOf(rows);
      // Applied without a pause: the model never answers from half a batch. Each entry is parsed as
      // it is applied, so a batch is never held twice (rows and entries) in memory.
      for (const r of rows) {
        const entry = toLogEntry(r.seq, r.kind, JSON.parse(r.json));
        if (entry) {
          model.addEntry(entry);
          ledger.observe(entry, ledgerContext);
        } else model.lastSeq = Math.max(model.lastSeq, r.seq);
      }
    }
  }

  // Catch up with the store now rather than on the first request (a failure there is the first request's to report).
  const initial = refresh();
  initial.catch(() => undefined);

  type FixedCampaign = Omit<AllocatorCampaign, "committed">;
  // What the allocator needs of the active campaigns but their commitments changes only with the
  // campaign rows (the chain head and the clock): parsed once per key and scope, not per request.
  let fixedCache: { key: string; scopes: Map<string, ScopeCampaigns> } | null = null;
  interface ScopeCampaigns {
    /** The active campaigns in scope as the allocator reads them; `committed` is set afresh for each request. */
    offered: AllocatorCampaign[];
    /** Campaign ids per post. */
    byPost: Map<bigint, bigint[]>;
  }
  function scopeCampaigns(active: CampaignCache, communityId: bigint | null | undefined): ScopeCampaigns {
    const { rows, key } = active;
    if (fixedCache?.key !== key) fixedCache = { key, scopes: new Map() };
    const scope = communityId == null ? "" : communityId.toString();
    let found = fixedCache.scopes.get(scope);
    if (found) return found;
    const fixed: FixedCampaign[] = [];
    const byPost = new Map<bigint, bigint[]>();
    for (const r of rows) {
      const post = model.posts.get(r.postId);
      if (!post || (communityId != null && post.communityId !== communityId)) continue;
      const id = BigInt(r.id);
      fixed.push({
        id,
        post,
        promoter: r.promoter.toLowerCase(),
        budget: BigInt(r.budget),
        remaining: r.refundedBlock === null ? BigInt(r.budget) - BigInt(r.spent) : 0n,
        createdAt: r.createdAt,
        expiresAt: r.expiresAt,
        refunded: r.refundedBlock !== null,
      });
      const list = byPost.get(post.id);
      if (list) list.push(id);
      else byPost.set(post.id, [id]);
    }
    found = { offered: fixed.map((c) => ({ ...c, committed: 0n })), byPost };
    fixedCache.scopes.set(scope, found);
    return found;
  }

  /**
   * The active campaigns in scope with what they have committed now. The objects are the scope's
   * own, updated in place (the allocator runs synchronously and keeps no reference to them): a
   * page does not copy every active campaign.
   */
  function allocatorCampaigns(t: number, offered: AllocatorCampaign[]): AllocatorCampaign[] {
    for (const c of offered) c.committed = ledger.committed(c.id, t) + (queue?.committed(c.id) ?? 0n);
    return offered;
  }

  /**
   * The allocator's forecast for a campaign started now: the eligible audience (above the
   * reputation floor, policy admitting the promoter in the community, not the promoter), the
   * budget spent at the audience's bid-weighted mean bid (`forecastDelivery`), each viewer paid at most once.
   */
  function forecast(promoter: string, communityId: bigint, budget: bigint, life: number, t: number) {
    const rep = model.reputation(communityId, t);
    const size = model.communitySize(communityId, t);
    const promoterRep = model.relativeReputation(promoter, communityId, t);
    const p = promoter.toLowerCase();
    const bids: bigint[] = [];
    for (const account of rep.nodes) {
      if (account === p) continue;
      const r = model.relativeReputation(account, communityId, t);
      if (!(r >= params.reputationFloor) || r <= 0) continue;
      if (!model.social.allows(account, p, communityId, [])) continue;
      bids.push(viewPrice(params, size, r, promoterRep));
    }
    const { views, spend } = forecastDelivery(bids, budget);
    const days = Math.max(1, life) / 86_400;
    return {
      audience: bids.length,
      views,
      reach: views,
      spendPerDay: (spend * 1_000_000n) / BigInt(Math.max(1, Math.round(days * 1_000_000))),
    };
  }

  /** Another replica's snapshot for this viewer and scope, while it is usable. */
  async function sharedRanking(
    id: number,
    viewer: string,
    scope: string,
    t: number,
  ): Promise<SharedRanking | undefined> {
    let found = sharedSnapshots.get(id);
    if (!found) {
      found = await (shared as StreamSnapshotStore).load(id);
      if (!found) return undefined;
      sharedSnapshots.set(id, found);
      if (sharedSnapshots.size > SHARED_KEPT)
        sharedSnapshots.delete(sharedSnapshots.keys().next().value as number);
    }
    return found.viewer === viewer && found.scope === scope && t - found.at <= SNAPSHOT_SECONDS
      ? found
      : undefined;
  }

  return {
    async stream({ viewer, communityId, first, after }) {
      // Closing: impressions reserved now could no longer be logged.
      if (closed) throw new AttentionUnavailableError("stream");
      await refresh();
      const t = now();
      const v = viewer.toLowerCase();
      const scope = communityId == null ? "" : communityId.toString();
      let { snapshot: id, offset } = after ? streamCursor(after) : { snapshot: 0, offset: 0 };
      const active = await activeCampaigns(t);
      const count = first + slotCount(first);
      const found = snapshots.get(id);
      const mine = usable(found, t) && found.viewer === v && found.scope === scope ? found : null;
      const other = after && shared && !mine ? await sharedRanking(id, v, scope, t) : undefined;
      let ranking: StreamRanking;
      let organic: RankedItem[];
      let total: number;
      if (mine) {
        ranking = mine.kept.ranking;
        organic = model.page(ranking, offset, count);
        total = ranking.total;
      } else if (other) {
        // Ranked by another replica: its order, read back from the store.
        organic = sharedItems(other, offset, count, (p) => model.posts.get(p));
        total = other.ids.length;
      } else {
        // A first page, or a snapshot gone (expired, overwritten, restarted): rank afresh.
        // The ranker writes straight into the ring's slots: nothing to copy, nothing to collect.
        let start = -1;
        ranking = model.rank(
          { viewer, communityId, now: t, campaigns: active.campaigns, candidates },
          (n) => {
            const slots = ring.reserve(n);
            if (slots) start = slots.start;
            return slots;
          },
        );
        organic = model.page(ranking, offset, count);
        total = ranking.total;
        const kept: KeptRanking | null = start < 0 ? null : { start, ranking };
        // The order is taken before the write: the ring may be written over while it runs.
        id = shared ? await shared.save(orderOf(ranking, v, scope, t)) : ++lastSnapshot;
        if (kept) snapshots.set(id, { viewer: v, scope, at: t, kept });
        // Oldest first: forget snapshots while they are of no more use.
        for (const [k, s] of snapshots) {
          if (k === id || usable(s, t)) break;
          snapshots.delete(k);
        }
      }
      const scoreOf = new Map(organic.map((item) => [item.post.id, item.score]));
      const { offered, byPost } = scopeCampaigns(active, communityId);
      for (const item of organic.slice(0, first)) {
        for (const c of byPost.get(item.post.id) ?? []) organicImpressions.add(c);
      }
      const allows = model.social.allowsFor(v);
      // The viewer's reputation per community, looked up once per page (campaigns share communities).
      const reputations = new Map<bigint, number>();
      const reputationIn = (c: bigint) => {
        let r = reputations.get(c);
        if (r === undefined) {
          r = model.relativeReputation(v, c, t);
          reputations.set(c, r);
        }
        return r;
      };
      const allocation = allocate({
        params,
        now: t,
        pageSize: first,
        organic: organic.map((item) => item.post),
        campaigns: issuer ? allocatorCampaigns(t, offered) : [],
        viewer: {
          viewer: v,
          allows,
          reputationIn,
          impressionsOf: (c) => ledger.impressionsOf(v, c) + (queue?.impressionsOf(v, c) ?? 0),
          viewed: (c) => ledger.viewed(v, c),
          servedInHour: ledger.servedInHour(v, t) + (queue?.servedInHour(v, t) ?? 0),
        },
        bidOf: (c, rep) =>
          viewPrice(
            params,
            model.communitySize(c.post.communityId, t),
            rep,
            model.relativeReputation(c.promoter, c.post.communityId, t),
          ),
      });
      if (queue) {
        const policySeq = BigInt(ledger.policySeq(v));
        for (const item of allocation.items) {
          if (item.campaignId === null) continue;
          queue.reserve(
            {
              viewer: v as Address,
              campaignId: item.campaignId,
              postId: item.post.id,
              price: item.bid,
              policySeq,
              expiresAt: BigInt(t + params.delivery.impressionTtlSeconds),
              timestamp: BigInt(t),
            },
            t,
          );
        }
      }
      return {
        hasNextPage: offset + allocation.organicUsed < total,
        items: allocation.items.map((item) => ({
          postId: item.post.id,
          score: scoreOf.get(item.post.id) ?? 0,
          amplified: item.campaignId !== null,
          campaignId: item.campaignId,
          cursor: encodeCursor([id, offset + item.organicAfter]),
        })),
      };
    },
    async reputation(account, communityId) {
      await refresh();
      return model.relativeReputation(account, communityId, now());
    },
    async reputationRank(account, communityId) {
      await refresh();
      const t = now();
      return {
        score: model.relativeReputation(account, communityId, t),
        ...model.reputationRank(account, communityId, t),
      };
    },
    async leaderboard(communityId, first) {
      await refresh();
      return model
        .leaderboard(communityId, first, now())
        .map((e) => ({ ...e, account: e.account as Address }));
    },
    earnings: (account) => store.earnings(account),
    async quote({ promoter, communityId, budget, durationSeconds }) {
      await refresh();
      const t = now();
      const promoterReputation = model.relativeReputation(promoter, communityId, t);
      const size = model.communitySize(communityId, t);
      const { views, pricePerView } = quoteViews(params, size, promoterReputation, budget);
      return {
        views: Number(views),
        pricePerView,
        promoterReputation,
        forecast: forecast(promoter, communityId, budget, durationSeconds ?? 7 * 86_400, t),
      };
    },
    async campaignStats(campaignId) {
      await refresh();
      const row = await reads.campaign(Number(campaignId));
      if (!row) return { viewsBought: 0, averagePrice: null, estimatedRemainingReach: 0 };
      const post = model.posts.get(row.postId);
      const author = post?.author.toLowerCase() ?? "";
      const viewsBought = await reads.paidViews(Number(campaignId), author);
      const organic = await organicImpressions.count(campaignId);
      const spent = BigInt(row.spent);
      const campaign = toCampaign(row);
      const price = model.campaignPrice(campaign, now());
      const delivered = ledger.delivery(campaignId);
      return {
        viewsBought,
        averagePrice: viewsBought > 0 ? spent / BigInt(viewsBought) : null,
        estimatedRemainingReach: price > 0n ? Number(campaign.remaining / price) : 0,
        delivery: {
          impressions: delivered.impressions,
          paidViews: delivered.views,
          reach: delivered.reach,
          spend: delivered.viewedWei,
          organicImpressions: organic,
          lift: delivered.impressions / Math.max(1, organic),
        },
      };
    },
    epochPayouts: (epoch, page) => store.epochPayouts(epoch, page),
    claim: (account) => store.claim(account),
    viewPayouts: (campaignId, account) => store.viewPayouts(campaignId, account),
    seeds: (communityId) => store.seeds(communityId),
    ready: () => initial,
    impressionsSettled: async () => {
      await queue?.settled();
    },
    async close() {
      closed = true;
      // Every impression a page was answered with is signed and logged before the store closes.
      await queue?.settled();
      await organicImpressions.flush();
    },
  };
}
