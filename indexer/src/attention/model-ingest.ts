/**
 * Ingestion side of the live attention model: posts, communities and log
 * entries as they arrive, folded into the social state (follows, policies,
 * delegations), the attention graph builder and each post's per-account
 * attention. Entries that arrive before their post wait in `pending`.
 */
import { AttentionGraphBuilder } from "./graph.ts";
import { type CommunityInfo, isEngagement, type LogEntry, type PostInfo } from "./log.ts";
import { isPaidView, PaidAttentionLedger, paidUnits } from "./paid-attention.ts";
import type { AttentionParams } from "./params.ts";
import { SocialState } from "./policy.ts";

export class ModelIngest {
  readonly params: AttentionParams;
  readonly builder: AttentionGraphBuilder;
  readonly social = new SocialState();
  readonly posts = new Map<number, PostInfo>();
  /** Posts in id order (the newest last), for the stream's recency window. */
  readonly postList: PostInfo[] = [];
  readonly communities = new Map<bigint, CommunityInfo>();
  /** Organic attention units per post, per interned account. */
  readonly postAttention = new Map<number, Map<number, number>>();
  /** Interned author id per post. */
  readonly #authorId = new Map<number, number>();
  /** Paid-view claims, so that paid attention adds no organic weight (attention/paid-attention.ts). */
  readonly #paid = new PaidAttentionLedger();
  #pending: LogEntry[] = [];
  lastSeq = 0;
  lastPostId = 0;

  constructor(params: AttentionParams) {
    this.params = params;
    this.builder = new AttentionGraphBuilder(params, { global: true });
  }

  addPost(post: PostInfo): void {
    const id = Number(post.id);
    if (this.posts.has(id)) return;
    this.posts.set(id, post);
    const list = this.postList;
    if (list.length === 0 || Number((list[list.length - 1] as PostInfo).id) < id) list.push(post);
    else {
      const at = list.findIndex((p) => Number(p.id) > id);
      list.splice(at < 0 ? list.length : at, 0, post);
    }
    this.lastPostId = Math.max(this.lastPostId, id);
  }

  setCommunities(list: readonly CommunityInfo[]): void {
    for (const c of list) this.communities.set(c.id, c);
  }

  community(id: bigint): CommunityInfo | undefined {
    return this.communities.get(id);
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
      author = this.builder.accounts.idOf(post.author);
      this.#authorId.set(key, author);
    }
    const account = this.builder.accounts.idOf(entry.message.account);
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
    const full = this.builder.unitsOf(entry);
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
        ? this.builder.takeBack(account, author, Number(post.communityId), t, -units)
        : this.builder.addEdge(account, author, Number(post.communityId), t, units);
    if (!added) return false;
    let perAccount = this.postAttention.get(key);
    if (!perAccount) {
      perAccount = new Map();
      this.postAttention.set(key, perAccount);
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

  /** Interned ids of the accounts the viewer follows. */
  followingIds(viewer: string): number[] {
    const ids: number[] = [];
    for (const f of this.social.following(viewer)) {
      const id = this.builder.accounts.ids.get(f);
      if (id !== undefined) ids.push(id);
    }
    return ids;
  }
}
