/**
 * The attention model behind the API: an `AttentionService` that keeps an
 * `AttentionModel` in step with the store (new posts, communities and log
 * entries are read incrementally before each answer) and delegates epoch,
 * payout and claim reads to the store-backed service.
 */
import type { Address } from "viem";
import type { ImpressionIssuer } from "../engagement/impressions.ts";
import { CursorError, decodeCursor, encodeCursor } from "../store/cursor.ts";
import type { Db } from "../store/db.ts";
import type { Queries } from "../store/queries.ts";
import { type AllocatorCampaign, allocate, forecastDelivery, slotPositions } from "./allocator.ts";
import { ImpressionLedger } from "./impression-ledger.ts";
import { ImpressionQueue } from "./impression-queue.ts";
import { type AttentionService, AttentionUnavailableError } from "./interface.ts";
import { toLogEntry } from "./load.ts";
import type { CampaignInfo } from "./log.ts";
import { AttentionModel, type StreamRanking } from "./model.ts";
import { OrganicImpressions } from "./organic-impressions.ts";
import { type AttentionParams, DEFAULT_PARAMS } from "./params.ts";
import { quoteViews, viewPrice } from "./pricing.ts";
import { type KeptRanking, RankingRing } from "./ranking-ring.ts";
import { createStoreAttentionService } from "./store-service.ts";

export interface AttentionServiceOptions {
  db: Db;
  queries: Queries;
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
  impressions?: ImpressionIssuer | null;
}

interface CampaignRow {
  id: number;
  postId: number;
  promoter: string;
  budget: string;
  spent: string;
  refundedBlock: number | null;
  expiresAt: number;
  createdAt: number;
}

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

/** A stream cursor names a ranking snapshot and the position after the item it points at. */
function streamCursor(cursor: string): { snapshot: number; offset: number } {
  const [snapshot, offset] = decodeCursor(cursor, 2) as [number, number];
  if (snapshot < 0 || offset < 0) throw new CursorError(cursor);
  return { snapshot, offset };
}

/** The attention service; `impressionsSettled` resolves once every impression served so far is in the log. */
export type LiveAttentionService = AttentionService & { impressionsSettled(): Promise<void> };

export function createAttentionService(options: AttentionServiceOptions): LiveAttentionService {
  const { db, queries, now } = options;
  const params = options.params ?? DEFAULT_PARAMS;
  const candidates = options.candidates ?? 500;
  const model = new AttentionModel(params, { rebuildMs: options.rebuildMs });
  const store = createStoreAttentionService({ queries, db, params });

  const q = {
    posts: db.prepare(
      "SELECT id, community_id AS communityId, author, created_at AS createdAt, topics FROM posts WHERE id > ? ORDER BY id",
    ),
    entries: db.prepare("SELECT seq, kind, json FROM engagement_log WHERE seq > ? ORDER BY seq LIMIT 50000"),
    communities: db.prepare("SELECT id, founder FROM communities"),
    moderators: db.prepare(
      `SELECT m.community_id AS communityId, m.account, b.timestamp AS appointedAt
        FROM moderators m LEFT JOIN blocks b ON b.number = m.block_number WHERE m.removed_block IS NULL`,
    ),
    activeCampaigns: db.prepare(
      "SELECT id, post_id AS postId, promoter, budget, spent, refunded_block AS refundedBlock, expires_at AS expiresAt, created_at AS createdAt FROM campaigns WHERE refunded_block IS NULL AND expires_at > ?",
    ),
    // What changed since the last answer, in one read: communities, moderators, posts, log, chain head.
    stamp: db.prepare(
      `SELECT (SELECT COUNT(*) FROM communities) || ':' || (SELECT COUNT(*) FROM moderators) || ':' ||
          (SELECT COUNT(*) FROM moderators WHERE removed_block IS NULL) AS communities,
        (SELECT COALESCE(MAX(id), 0) FROM posts) AS maxPost,
        (SELECT COALESCE(MAX(seq), 0) FROM engagement_log) AS maxSeq,
        COALESCE((SELECT block_number || ':' || COALESCE(block_hash, '') FROM checkpoint WHERE id = 1), '') AS head`,
    ),
    campaignById: db.prepare(
      "SELECT id, post_id AS postId, promoter, budget, spent, refunded_block AS refundedBlock, expires_at AS expiresAt, created_at AS createdAt FROM campaigns WHERE id = ?",
    ),
    paidViews: db.prepare(
      "SELECT COUNT(*) AS n FROM epoch_campaign_payouts WHERE campaign_id = ? AND account <> ?",
    ),
  };
  const ring = new RankingRing(options.snapshotSlots ?? 4 * 2 ** 20);
  const snapshots = new Map<number, StreamSnapshot>();
  let lastSnapshot = 0;
  let oldestSnapshot = 1;
  const usable = (s: StreamSnapshot | undefined, t: number): s is StreamSnapshot =>
    s !== undefined && t - s.at <= SNAPSHOT_SECONDS && ring.holds(s.kept);
  let communityStamp = "";
  let chainHead = "";
  // Campaign rows change only with chain batches (each moves the checkpoint) and the clock:
  // requests at the same second and chain head share one read.
  let campaignCache: { key: string; campaigns: CampaignInfo[]; rows: CampaignRow[] } | null = null;
  const activeCampaigns = (t: number): CampaignInfo[] => {
    const key = `${t}@${chainHead}`;
    if (campaignCache?.key !== key) {
      const rows = q.activeCampaigns.all(t) as CampaignRow[];
      campaignCache = { key, rows, campaigns: rows.map(toCampaign) };
    }
    return campaignCache.campaigns;
  };
  const activeRows = (t: number): CampaignRow[] => {
    activeCampaigns(t);
    return (campaignCache as { rows: CampaignRow[] }).rows;
  };

  // Served impressions, replayed from the log as it is read (the same ledger settlement replays).
  const ledger = new ImpressionLedger(params);
  const campaignFacts = new Map<bigint, { postId: bigint; promoter: string }>();
  const ledgerContext = {
    social: model.social,
    post: (id: bigint) => model.posts.get(Number(id)),
    campaign: (id: bigint) => {
      let facts = campaignFacts.get(id);
      if (!facts) {
        const row = q.campaignById.get(Number(id)) as CampaignRow | undefined;
        if (!row) return undefined;
        facts = { postId: BigInt(row.postId), promoter: row.promoter.toLowerCase() };
        campaignFacts.set(id, facts);
      }
      return facts;
    },
  };
  /** Organic impressions per campaign: pages whose organic cut (without amplification) held the post. */
  const organicImpressions = new OrganicImpressions(db);
  const issuer = options.impressions ?? null;
  // Impressions are decided and reserved on the request, signed and logged right after it.
  const queue = issuer ? new ImpressionQueue({ issuer, onLogged: () => refresh() }) : null;
  let closed = false;
  const slotCount = (first: number) => slotPositions(params.delivery, first).length;

  function refresh(): void {
    const stamp = q.stamp.get() as { communities: string; maxPost: number; maxSeq: number; head: string };
    chainHead = stamp.head;
    if (stamp.communities !== communityStamp) {
      const mods = new Map<number, Address[]>();
      const appointed = new Map<number, Record<string, number>>();
      for (const r of q.moderators.all() as {
        communityId: number;
        account: string;
        appointedAt: number | null;
      }[]) {
        const a = r.account.toLowerCase() as Address;
        mods.set(r.communityId, [...(mods.get(r.communityId) ?? []), a]);
        const times = appointed.get(r.communityId) ?? {};
        times[a] = Math.max(times[a] ?? 0, r.appointedAt ?? 0);
        appointed.set(r.communityId, times);
      }
      model.setCommunities(
        (q.communities.all() as { id: number; founder: string }[]).map((c) => ({
          id: BigInt(c.id),
          founder: c.founder.toLowerCase() as Address,
          moderators: mods.get(c.id) ?? [],
          appointedAt: appointed.get(c.id) ?? {},
        })),
      );
      communityStamp = stamp.communities;
    }
    if (stamp.maxPost > model.lastPostId) {
      for (const r of q.posts.all(model.lastPostId) as {
        id: number;
        communityId: number;
        author: string;
        createdAt: number;
        topics: string;
      }[]) {
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
      const rows = q.entries.all(model.lastSeq) as { seq: number; kind: string; json: string }[];
      if (rows.length === 0) break;
      for (const r of rows) {
        const entry = toLogEntry(r.seq, r.kind, JSON.parse(r.json));
        if (entry) {
          model.addEntry(entry);
          ledger.observe(entry, ledgerContext);
        } else model.lastSeq = Math.max(model.lastSeq, r.seq);
      }
    }
  }

  // Catch up with the store now rather than on the first request.
  refresh();

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
  function scopeCampaigns(t: number, communityId: bigint | null | undefined): ScopeCampaigns {
    const rows = activeRows(t);
    const key = (campaignCache as { key: string }).key;
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

  return {
    async stream({ viewer, communityId, first, after }) {
      // Closing: impressions reserved now could no longer be logged.
      if (closed) throw new AttentionUnavailableError("stream");
      refresh();
      const t = now();
      const v = viewer.toLowerCase();
      const scope = communityId == null ? "" : communityId.toString();
      let { snapshot: id, offset } = after ? streamCursor(after) : { snapshot: 0, offset: 0 };
      const found = snapshots.get(id);
      let ranking: StreamRanking;
      if (usable(found, t) && found.viewer === v && found.scope === scope) ranking = found.kept.ranking;
      else {
        // A first page, or a snapshot gone (expired, overwritten, restarted): rank afresh.
        // The ranker writes straight into the ring's slots: nothing to copy, nothing to collect.
        let start = -1;
        ranking = model.rank(
          { viewer, communityId, now: t, campaigns: activeCampaigns(t), candidates },
          (n) => {
            const slots = ring.reserve(n);
            if (slots) start = slots.start;
            return slots;
          },
        );
        const kept: KeptRanking | null = start < 0 ? null : { start, ranking };
        id = ++lastSnapshot;
        if (kept) snapshots.set(id, { viewer: v, scope, at: t, kept });
        // Ids are sequential: forget snapshots from the oldest while they are of no more use.
        while (oldestSnapshot < id && !usable(snapshots.get(oldestSnapshot), t)) {
          snapshots.delete(oldestSnapshot++);
        }
      }
      const organic = model.page(ranking, offset, first + slotCount(first));
      const scoreOf = new Map(organic.map((item) => [item.post.id, item.score]));
      const { offered, byPost } = scopeCampaigns(t, communityId);
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
        hasNextPage: offset + allocation.organicUsed < ranking.total,
        items: allocation.items.map((item) => ({
          postId: item.post.id,
          score: scoreOf.get(item.post.id) ?? 0,
          amplified: item.campaignId !== null,
          campaignId: item.campaignId,
          cursor: encodeCursor([id, offset + item.organicAfter]),
        })),
      };
    },
    reputation(account, communityId) {
      refresh();
      return model.relativeReputation(account, communityId, now());
    },
    reputationRank(account, communityId) {
      refresh();
      const t = now();
      return {
        score: model.relativeReputation(account, communityId, t),
        ...model.reputationRank(account, communityId, t),
      };
    },
    leaderboard(communityId, first) {
      refresh();
      return model
        .leaderboard(communityId, first, now())
        .map((e) => ({ ...e, account: e.account as Address }));
    },
    earnings: (account) => store.earnings(account),
    quote({ promoter, communityId, budget, durationSeconds }) {
      refresh();
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
      refresh();
      const row = await queries.campaign(Number(campaignId));
      if (!row) return { viewsBought: 0, averagePrice: null, estimatedRemainingReach: 0 };
      const post = model.posts.get(row.postId);
      const author = post?.author.toLowerCase() ?? "";
      const viewsBought = (q.paidViews.get(Number(campaignId), author) as { n: number }).n;
      const spent = BigInt(row.spent);
      const campaign = toCampaign(row);
      const price = model.campaignPrice(campaign, now());
      const delivered = ledger.delivery(campaignId);
      const organic = organicImpressions.count(campaignId);
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
    impressionsSettled: async () => {
      await queue?.settled();
    },
    async close() {
      closed = true;
      // Every impression a page was answered with is signed and logged before the store closes.
      await queue?.settled();
      organicImpressions.flush();
    },
  };
}
