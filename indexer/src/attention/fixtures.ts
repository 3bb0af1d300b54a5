/**
 * Small builders of log entries and chain facts, shared by the attention and
 * settlement tests and benchmarks.
 */
import type { Address } from "viem";
import { PolicyMode } from "#protocol";
import type { CampaignInfo, CommunityInfo, EngagementKind, LogEntry, PostInfo } from "./log.ts";

/** A deterministic address for account number i. */
export function account(i: number): Address {
  return `0x${(i + 1).toString(16).padStart(40, "0")}`;
}

/** The issuer address of the impressions `LogBuilder` writes. */
export const IMPRESSION_ISSUER: Address = "0x00000000000000000000000000000000000a11ce";

export class LogBuilder {
  seq = 0;
  readonly entries: LogEntry[] = [];
  #nonce = 0n;
  readonly #policySeq = new Map<string, number>();

  engage(
    kind: EngagementKind,
    who: Address,
    postId: bigint,
    timestamp: number,
    view: { dwellMs?: number; campaignId?: bigint } = {},
  ): LogEntry {
    const base = { account: who, postId, timestamp: BigInt(timestamp), nonce: this.#nonce++ };
    const seq = ++this.seq;
    let entry: LogEntry;
    if (kind === "View") {
      entry = {
        seq,
        kind,
        message: { ...base, dwellMs: view.dwellMs ?? 5000, campaignId: view.campaignId ?? 0n },
      };
    } else if (kind === "Comment") entry = { seq, kind, message: { ...base, text: "nice" } };
    else entry = { seq, kind, message: base };
    this.entries.push(entry);
    return entry;
  }

  follow(who: Address, target: Address, timestamp: number, follow = true): LogEntry {
    const entry: LogEntry = {
      seq: ++this.seq,
      kind: "Follow",
      message: { account: who, target, follow, timestamp: BigInt(timestamp), nonce: this.#nonce++ },
    };
    this.entries.push(entry);
    return entry;
  }

  policy(
    who: Address,
    mode: PolicyMode,
    timestamp: number,
    extra: { communities?: bigint[]; topics?: string[]; blockedPromoters?: Address[] } = {},
  ): LogEntry {
    const entry: LogEntry = {
      seq: ++this.seq,
      kind: "Policy",
      message: {
        account: who,
        mode,
        communities: extra.communities ?? [],
        topics: extra.topics ?? [],
        blockedPromoters: extra.blockedPromoters ?? [],
        timestamp: BigInt(timestamp),
        nonce: this.#nonce++,
      },
    };
    this.#policySeq.set(who.toLowerCase(), entry.seq);
    this.entries.push(entry);
    return entry;
  }

  /** An impression served to `viewer` (policy recorded: the viewer's latest policy entry so far). */
  impression(
    viewer: Address,
    campaignId: bigint,
    postId: bigint,
    timestamp: number,
    extra: { ttl?: number; price?: bigint; policySeq?: number } = {},
  ): LogEntry {
    const entry: LogEntry = {
      seq: ++this.seq,
      kind: "Impression",
      message: {
        account: IMPRESSION_ISSUER,
        viewer,
        campaignId,
        postId,
        price: extra.price ?? 10n ** 17n,
        policySeq: BigInt(extra.policySeq ?? this.#policySeq.get(viewer.toLowerCase()) ?? 0),
        expiresAt: BigInt(timestamp + (extra.ttl ?? 3600)),
        timestamp: BigInt(timestamp),
        nonce: this.#nonce++,
      },
    };
    this.entries.push(entry);
    return entry;
  }

  everyone(who: Address, timestamp: number): LogEntry {
    return this.policy(who, PolicyMode.Everyone, timestamp);
  }
}

export function post(
  id: bigint,
  author: Address,
  communityId = 1n,
  createdAt = 0,
  topics: string[] = [],
): PostInfo {
  return { id, author, communityId, topics, createdAt };
}

export function community(id: bigint, founder: Address, moderators: Address[] = []): CommunityInfo {
  return { id, founder, moderators };
}

export function campaign(
  id: bigint,
  postId: bigint,
  promoter: Address,
  remaining: bigint,
  expiresAt = 2 ** 40,
  createdAt = 0,
): CampaignInfo {
  return { id, postId, promoter, remaining, expiresAt, createdAt, refunded: false };
}

/** Deterministic pseudo-random generator (mulberry32) for reproducible fixtures. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random weighted directed edge list with skewed in-degrees (a few popular
 * authors, a long tail), as attention graphs have. Self-edges are possible and
 * dropped by the CSR builder.
 */
export function randomEdges(
  n: number,
  m: number,
  seed: number,
): { src: Uint32Array; dst: Uint32Array; w: Float64Array } {
  const r = rng(seed);
  const src = new Uint32Array(m);
  const dst = new Uint32Array(m);
  const w = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    src[k] = Math.floor(r() * n);
    const x = r();
    dst[k] = Math.floor(x * x * n);
    w[k] = Math.log1p(0.2 + r() * 5);
  }
  return { src, dst, w };
}
