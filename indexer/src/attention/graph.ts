/**
 * Per-community attention graph: edge v -> u weighs v's organic engagement
 * with u's posts. Raw weights are kept as integer units per (pair, UTC day), so
 * accumulation is exact and independent of arrival order; decay, the daily
 * cap and log damping are applied when the graph is materialised into CSR.
 */
import { type CsrGraph, csrFromEdges } from "./csr.ts";
import { addr, type EngagementEntry, type PostInfo } from "./log.ts";
import type { AttentionParams } from "./params.ts";

/** Community id 0 (ids start at 1 on-chain) denotes the union of all communities. */
export const ALL_COMMUNITIES = 0n;

const DAY = 86_400;
/** Weights are accumulated in thousandths so that sums of default weights are exact integers. */
const UNIT = 1000;
/** Node ids are packed as src * 2^21 + dst into one safe integer pair key. */
const PAIR = 2 ** 21;

export interface AttentionGraph extends CsrGraph {
  communityId: bigint;
  /** Accounts by node id, sorted (lower-case addresses). */
  nodes: string[];
  index: Map<string, number>;
  /** Bumped by every change to the builder the graph came from; caches key on it. */
  version: number;
  /** Decay reference time (unix seconds). */
  asOf: number;
}

interface CommunityAcc {
  ids: Map<string, number>;
  names: string[];
  /** pair key -> [day, units, day, units, ...] */
  pairs: Map<number, number[]>;
}

function kindUnits(params: AttentionParams, entry: EngagementEntry): number {
  const w = params.weights;
  switch (entry.kind) {
    case "View":
      return Math.round(w.view * UNIT);
    case "Like":
      return Math.round(w.like * UNIT);
    case "Comment":
      return Math.round(w.comment * UNIT);
    case "Share":
      return Math.round(w.share * UNIT);
  }
}

/**
 * Accumulates engagement incrementally; `build` materialises one community's
 * graph. Adding entries in any order, in any number of steps, gives the same
 * graph as adding them all at once.
 */
export class AttentionGraphBuilder {
  readonly #params: AttentionParams;
  readonly #global: boolean;
  readonly #acc = new Map<bigint, CommunityAcc>();
  #version = 0;

  /** With `global`, every entry also feeds the all-communities graph (id 0). */
  constructor(params: AttentionParams, options: { global?: boolean } = {}) {
    this.#params = params;
    this.#global = options.global ?? false;
  }

  get version(): number {
    return this.#version;
  }

  communities(): bigint[] {
    return [...this.#acc.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * Adds one engagement entry. Returns false when it does not feed the organic
   * graph: bought views, self-engagement, unknown posts.
   */
  add(entry: EngagementEntry, post: PostInfo | undefined): boolean {
    if (!post) return false;
    if (entry.kind === "View" && entry.message.campaignId !== 0n) return false;
    const from = addr(entry.message.account);
    const to = addr(post.author);
    if (from === to) return false;
    const units = kindUnits(this.#params, entry);
    if (units <= 0) return false;
    const day = Math.floor(Number(entry.message.timestamp) / DAY);
    this.#addTo(post.communityId, from, to, day, units);
    if (this.#global) this.#addTo(ALL_COMMUNITIES, from, to, day, units);
    this.#version++;
    return true;
  }

  #addTo(communityId: bigint, from: string, to: string, day: number, units: number): void {
    let acc = this.#acc.get(communityId);
    if (!acc) {
      acc = { ids: new Map(), names: [], pairs: new Map() };
      this.#acc.set(communityId, acc);
    }
    const s = idOf(acc, from);
    const d = idOf(acc, to);
    const key = s * PAIR + d;
    const days = acc.pairs.get(key);
    if (!days) {
      acc.pairs.set(key, [day, units]);
      return;
    }
    for (let i = 0; i < days.length; i += 2) {
      if (days[i] === day) {
        days[i + 1] = (days[i + 1] as number) + units;
        return;
      }
    }
    days.push(day, units);
  }

  /**
   * The graph of one community as of `asOf` (unix seconds). `extraNodes` (e.g.
   * the community's seeds) are present even without edges.
   */
  build(communityId: bigint, asOf: number, extraNodes: readonly string[] = []): AttentionGraph {
    const acc = this.#acc.get(communityId) ?? { ids: new Map(), names: [], pairs: new Map() };
    const nameSet = new Set(acc.names);
    for (const x of extraNodes) nameSet.add(addr(x));
    const nodes = [...nameSet].sort();
    const index = new Map<string, number>();
    nodes.forEach((a, i) => {
      index.set(a, i);
    });
    const remap = new Uint32Array(acc.names.length);
    acc.names.forEach((a, i) => {
      remap[i] = index.get(a) as number;
    });

    const m = acc.pairs.size;
    const keys = new Float64Array(m);
    const values = new Float64Array(m);
    const cap = Math.round(this.#params.pairDailyCap * UNIT);
    const lambda = Math.LN2 / this.#params.halfLifeSeconds;
    let i = 0;
    for (const [key, days] of acc.pairs) {
      const s = remap[Math.floor(key / PAIR)] as number;
      const d = remap[key % PAIR] as number;
      keys[i] = s * PAIR + d;
      values[i] = Math.log1p(decayedSum(days, cap, lambda, asOf) / UNIT);
      i++;
    }
    // Sort edges by (src, dst) so the CSR and its float sums do not depend on insertion order.
    const order = new Uint32Array(m);
    for (let k = 0; k < m; k++) order[k] = k;
    order.sort((a, b) => (keys[a] as number) - (keys[b] as number));
    const src = new Uint32Array(m);
    const dst = new Uint32Array(m);
    const w = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      const o = order[k] as number;
      const key = keys[o] as number;
      src[k] = Math.floor(key / PAIR);
      dst[k] = key % PAIR;
      w[k] = values[o] as number;
    }
    const csr = csrFromEdges(nodes.length, src, dst, w);
    return { ...csr, communityId, nodes, index, version: this.#version, asOf };
  }
}

function idOf(acc: CommunityAcc, account: string): number {
  let id = acc.ids.get(account);
  if (id === undefined) {
    id = acc.names.length;
    acc.ids.set(account, id);
    acc.names.push(account);
  }
  return id;
}

/** Sum over days (ascending) of min(cap, units) decayed from the end of that day to `asOf`. */
function decayedSum(days: number[], cap: number, lambda: number, asOf: number): number {
  if (days.length > 2) {
    const pairs: [number, number][] = [];
    for (let i = 0; i < days.length; i += 2) pairs.push([days[i] as number, days[i + 1] as number]);
    pairs.sort((a, b) => a[0] - b[0]);
    let sum = 0;
    for (const [day, units] of pairs) sum += Math.min(cap, units) * decay(day, lambda, asOf);
    return sum;
  }
  return Math.min(cap, days[1] as number) * decay(days[0] as number, lambda, asOf);
}

function decay(day: number, lambda: number, asOf: number): number {
  const age = asOf - (day + 1) * DAY;
  return age <= 0 ? 1 : Math.exp(-lambda * age);
}

/** Builds a community graph from scratch (the reference the incremental path must equal). */
export function buildGraph(
  params: AttentionParams,
  entries: Iterable<EngagementEntry>,
  posts: ReadonlyMap<bigint, PostInfo>,
  communityId: bigint,
  asOf: number,
  extraNodes: readonly string[] = [],
): AttentionGraph {
  const builder = new AttentionGraphBuilder(params, { global: communityId === ALL_COMMUNITIES });
  for (const e of entries) builder.add(e, posts.get(e.message.postId));
  return builder.build(communityId, asOf, extraNodes);
}
