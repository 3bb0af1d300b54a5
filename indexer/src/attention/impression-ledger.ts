/**
 * Served impressions replayed from the log, in log order: which impressions
 * are valid (the viewer's policy at that moment admitted the promoter,
 * community and topics; the recorded policy is the one in effect; frequency
 * and hourly caps hold), which View receipts match one, and what each
 * campaign has delivered and committed. The indexer's allocator and the
 * settlement read the same ledger, so the verifier replays both.
 */
import { type ImpressionMessage, MESSAGE_LIMITS } from "#protocol";
import { addr, type LogEntry, type PostInfo } from "./log.ts";
import type { AttentionParams } from "./params.ts";
import type { SocialState } from "./policy.ts";

const HOUR = 3600;

/** What the ledger needs to judge an impression, as of the entry being observed. */
export interface LedgerContext {
  social: SocialState;
  post(postId: bigint): PostInfo | undefined;
  campaign(campaignId: bigint): { postId: bigint; promoter: string } | undefined;
}

interface Pending {
  price: bigint;
  expiresAt: number;
}

/** A campaign's delivery so far. */
export interface CampaignDelivery {
  impressions: number;
  /** Distinct viewers served at least one impression. */
  reach: number;
  /** View receipts that matched an impression (one per viewer). */
  views: number;
  /** Bid of every matched view (the spend they commit, before any budget shortfall). */
  viewedWei: bigint;
}

class CampaignBook implements CampaignDelivery {
  impressions = 0;
  views = 0;
  viewedWei = 0n;
  readonly viewers = new Set<string>();
  readonly pending = new Map<string, Pending>();
  pendingWei = 0n;
  /** Pending impressions in issue order (same TTL: expiry order), expired lazily. */
  readonly queue: { viewer: string; record: Pending }[] = [];
  head = 0;
  get reach(): number {
    return this.viewers.size;
  }
}

export class ImpressionLedger {
  readonly #params: AttentionParams;
  readonly #policySeq = new Map<string, { seq: number; timestamp: bigint; nonce: bigint }>();
  /** `${viewer}|${campaignId}` -> valid impressions (timestamp, expiresAt). */
  readonly #served = new Map<string, { timestamp: number; expiresAt: number; price: bigint }[]>();
  readonly #viewed = new Set<string>();
  /** Per viewer: timestamps of valid impressions (ascending), for the hourly ration. */
  readonly #hourly = new Map<string, number[]>();
  readonly #campaigns = new Map<bigint, CampaignBook>();
  /** Seqs of View receipts that matched an impression. */
  readonly matchedViews = new Set<number>();
  /** `${viewer}|${campaignId}` of impressions refused because the viewer's policy excluded them. */
  readonly #refusedByPolicy = new Set<string>();
  lastSeq = 0;

  constructor(params: AttentionParams) {
    this.#params = params;
  }

  /** The seq of the viewer's Policy entry in effect (0 for the default policy). */
  policySeq(viewer: string): number {
    return this.#policySeq.get(addr(viewer))?.seq ?? 0;
  }

  /** Applies one entry; entries must come in log order. */
  observe(entry: LogEntry, ctx: LedgerContext): void {
    if (entry.seq <= this.lastSeq) return;
    this.lastSeq = entry.seq;
    if (entry.kind === "Policy") {
      const m = entry.message;
      const account = addr(m.account);
      const prev = this.#policySeq.get(account);
      const newer =
        !prev || (m.timestamp !== prev.timestamp ? m.timestamp > prev.timestamp : m.nonce > prev.nonce);
      if (newer) this.#policySeq.set(account, { seq: entry.seq, timestamp: m.timestamp, nonce: m.nonce });
    } else if (entry.kind === "Impression") {
      if (this.#valid(entry.message, ctx)) this.#serve(entry.message);
    } else if (entry.kind === "View" && entry.message.campaignId !== 0n) {
      const m = entry.message;
      if (m.dwellMs < this.#params.minDwellMs) return;
      const viewer = addr(m.account);
      const key = `${viewer}|${m.campaignId}`;
      if (this.#viewed.has(key)) return;
      const t = Number(m.timestamp);
      const match = this.#served
        .get(key)
        ?.find((s) => t >= s.timestamp - MESSAGE_LIMITS.maxClockSkewSeconds && t < s.expiresAt);
      if (!match) return;
      this.#viewed.add(key);
      this.matchedViews.add(entry.seq);
      const book = this.#book(m.campaignId);
      const pending = book.pending.get(viewer);
      if (pending) {
        book.pending.delete(viewer);
        book.pendingWei -= pending.price;
      }
      book.viewedWei += match.price;
      book.views++;
    }
  }

  #valid(m: ImpressionMessage, ctx: LedgerContext): boolean {
    const d = this.#params.delivery;
    const viewer = addr(m.viewer);
    const campaign = ctx.campaign(m.campaignId);
    const post = ctx.post(m.postId);
    if (!campaign || !post || campaign.postId !== m.postId) return false;
    const promoter = addr(campaign.promoter);
    if (viewer === promoter || viewer === addr(post.author)) return false;
    const t = Number(m.timestamp);
    const ttl = Number(m.expiresAt) - t;
    if (ttl <= 0 || ttl > d.impressionTtlSeconds) return false;
    if (Number(m.policySeq) !== this.policySeq(viewer)) return false;
    const key = `${viewer}|${m.campaignId}`;
    if (!ctx.social.allows(viewer, promoter, post.communityId, post.topics)) {
      this.#refusedByPolicy.add(key);
      return false;
    }
    if (this.#viewed.has(key)) return false;
    if ((this.#served.get(key)?.length ?? 0) >= d.impressionsPerCampaign) return false;
    if (this.servedInHour(viewer, t) >= d.impressionsPerHourMax) return false;
    return true;
  }

  #serve(m: ImpressionMessage): void {
    const viewer = addr(m.viewer);
    const key = `${viewer}|${m.campaignId}`;
    const t = Number(m.timestamp);
    const expiresAt = Number(m.expiresAt);
    const list = this.#served.get(key);
    const served = { timestamp: t, expiresAt, price: m.price };
    if (list) list.push(served);
    else this.#served.set(key, [served]);
    const hourly = this.#hourly.get(viewer);
    if (hourly) hourly.push(t);
    else this.#hourly.set(viewer, [t]);
    const book = this.#book(m.campaignId);
    book.impressions++;
    book.viewers.add(viewer);
    const previous = book.pending.get(viewer);
    if (previous) book.pendingWei -= previous.price;
    const record = { price: m.price, expiresAt };
    book.pending.set(viewer, record);
    book.pendingWei += m.price;
    book.queue.push({ viewer, record });
  }

  #book(campaignId: bigint): CampaignBook {
    let book = this.#campaigns.get(campaignId);
    if (!book) {
      book = new CampaignBook();
      this.#campaigns.set(campaignId, book);
    }
    return book;
  }

  /** Valid impressions the viewer received in the hour before `now`. */
  servedInHour(viewer: string, now: number): number {
    const list = this.#hourly.get(addr(viewer));
    if (!list) return 0;
    let n = 0;
    for (let i = list.length - 1; i >= 0 && (list[i] as number) > now - HOUR; i--) n++;
    return n;
  }

  /** Valid impressions of this campaign the viewer received. */
  impressionsOf(viewer: string, campaignId: bigint): number {
    return this.#served.get(`${addr(viewer)}|${campaignId}`)?.length ?? 0;
  }

  /** Whether an impression of the campaign to the viewer was refused because the viewer's policy excluded it. */
  refusedByPolicy(viewer: string, campaignId: bigint): boolean {
    return this.#refusedByPolicy.has(`${addr(viewer)}|${campaignId}`);
  }

  /** Whether the viewer sent a View receipt matching one of the campaign's impressions. */
  viewed(viewer: string, campaignId: bigint): boolean {
    return this.#viewed.has(`${addr(viewer)}|${campaignId}`);
  }

  delivery(campaignId: bigint): CampaignDelivery {
    return this.#campaigns.get(campaignId) ?? { impressions: 0, reach: 0, views: 0, viewedWei: 0n };
  }

  /** Wei the campaign has committed at `now`: its matched views plus its unexpired, unviewed impressions. */
  committed(campaignId: bigint, now: number): bigint {
    const book = this.#campaigns.get(campaignId);
    if (!book) return 0n;
    while (book.head < book.queue.length) {
      const { viewer, record } = book.queue[book.head] as { viewer: string; record: Pending };
      if (record.expiresAt > now) break;
      if (book.pending.get(viewer) === record) {
        book.pending.delete(viewer);
        book.pendingWei -= record.price;
      }
      book.head++;
    }
    if (book.head > 1024 && book.head * 2 > book.queue.length) {
      book.queue.splice(0, book.head);
      book.head = 0;
    }
    return book.viewedWei + book.pendingWei;
  }
}
