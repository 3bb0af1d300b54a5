/**
 * Per-community attention graph: edge v -> u weighs v's organic engagement
 * with u's posts. Raw weights are kept as integer units per (pair, UTC day), so
 * accumulation is exact and independent of arrival order; decay, the daily
 * cap and log damping are applied when the graph is materialised into CSR,
 * with the deterministic exp and log of det-math.ts.
 */
import { type CsrGraph, csrFromEdges } from "./csr.ts";
import { detExp, detLog1p } from "./det-math.ts";
import { addr, type EngagementEntry, type PostInfo } from "./log.ts";
import { NumberMap } from "./number-map.ts";
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
  /** Global account id -> local id + 1 (0 = absent). */
  localOf: Int32Array;
  /** Local id -> global account id. */
  globalOf: number[];
  /** pair key -> first slot of the pair's day list. */
  pairs: NumberMap;
  /** Slots: one (day, units) cell per pair and day, linked per pair through `next` (-1 ends). */
  day: Int32Array;
  units: Float64Array;
  next: Int32Array;
  slots: number;
}

function newAcc(): CommunityAcc {
  return {
    localOf: new Int32Array(1024),
    globalOf: [],
    pairs: new NumberMap(),
    day: new Int32Array(1024),
    units: new Float64Array(1024),
    next: new Int32Array(1024),
    slots: 0,
  };
}

function newSlot(acc: CommunityAcc, day: number, units: number, next: number): number {
  if (acc.slots === acc.day.length) {
    const size = acc.day.length * 2;
    const d = new Int32Array(size);
    d.set(acc.day);
    const u = new Float64Array(size);
    u.set(acc.units);
    const n = new Int32Array(size);
    n.set(acc.next);
    acc.day = d;
    acc.units = u;
    acc.next = n;
  }
  const slot = acc.slots++;
  acc.day[slot] = day;
  acc.units[slot] = units;
  acc.next[slot] = next;
  return slot;
}

/** Interns account addresses (lower-cased) as dense integer ids shared by all communities. */
export class AccountIndex {
  readonly ids = new Map<string, number>();
  readonly names: string[] = [];

  idOf(account: string): number {
    let id = this.ids.get(account);
    if (id === undefined) {
      const lower = addr(account);
      id = this.ids.get(lower);
      if (id === undefined) {
        id = this.names.length;
        this.ids.set(lower, id);
        this.names.push(lower);
      }
      if (lower !== account) this.ids.set(account, id);
    }
    return id;
  }
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
  readonly #acc = new Map<number, CommunityAcc>();
  readonly accounts: AccountIndex;
  #version = 0;

  /** With `global`, every entry also feeds the all-communities graph (id 0). */
  constructor(params: AttentionParams, options: { global?: boolean; accounts?: AccountIndex } = {}) {
    this.#params = params;
    this.#global = options.global ?? false;
    this.accounts = options.accounts ?? new AccountIndex();
  }

  get version(): number {
    return this.#version;
  }

  communities(): bigint[] {
    return [...this.#acc.keys()].sort((a, b) => a - b).map(BigInt);
  }

  /**
   * Adds one engagement entry. Returns false when it does not feed the organic
   * graph: bought views, self-engagement, unknown posts.
   */
  add(entry: EngagementEntry, post: PostInfo | undefined): boolean {
    if (!post) return false;
    if (entry.kind === "View" && entry.message.campaignId !== 0n) return false;
    const from = this.accounts.idOf(entry.message.account);
    const to = this.accounts.idOf(post.author);
    return this.addEdge(
      from,
      to,
      Number(post.communityId),
      Number(entry.message.timestamp),
      kindUnits(this.#params, entry),
    );
  }

  /** Low-level add by interned account ids, for callers that resolved posts themselves. */
  addEdge(from: number, to: number, communityId: number, timestamp: number, units: number): boolean {
    if (from === to || units <= 0) return false;
    const day = Math.floor(timestamp / DAY);
    this.#addTo(communityId, from, to, day, units);
    if (this.#global) this.#addTo(0, from, to, day, units);
    this.#version++;
    return true;
  }

  /**
   * Takes back units an earlier `addEdge` added at this timestamp (paid attention found later).
   * Exact: raw units are integers per (pair, day) and the cap is applied when the graph is built.
   */
  takeBack(from: number, to: number, communityId: number, timestamp: number, units: number): boolean {
    if (from === to || units <= 0) return false;
    const day = Math.floor(timestamp / DAY);
    this.#addTo(communityId, from, to, day, -units);
    if (this.#global) this.#addTo(0, from, to, day, -units);
    this.#version++;
    return true;
  }

  #rankCache: { count: number; rankOf: Int32Array; byRank: Int32Array } | undefined;

  /** Every interned account's rank in address order (recomputed when accounts were added). */
  #ranks(): { rankOf: Int32Array; byRank: Int32Array } {
    const names = this.accounts.names;
    if (this.#rankCache?.count === names.length) return this.#rankCache;
    const byRank = Int32Array.from(names.keys()).sort((a, b) => {
      const x = names[a] as string;
      const y = names[b] as string;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    const rankOf = new Int32Array(names.length);
    for (let k = 0; k < byRank.length; k++) rankOf[byRank[k] as number] = k;
    this.#rankCache = { count: names.length, rankOf, byRank };
    return this.#rankCache;
  }

  /** Integer units of an entry's kind (for `addEdge`). */
  unitsOf(entry: EngagementEntry): number {
    return kindUnits(this.#params, entry);
  }

  #addTo(communityId: number, from: number, to: number, day: number, units: number): void {
    let acc = this.#acc.get(communityId);
    if (!acc) {
      acc = newAcc();
      this.#acc.set(communityId, acc);
    }
    const key = localId(acc, from) * PAIR + localId(acc, to);
    const first = acc.pairs.get(key);
    if (first < 0) {
      acc.pairs.set(key, newSlot(acc, day, units, -1));
      return;
    }
    for (let slot = first; slot >= 0; slot = acc.next[slot] as number) {
      if (acc.day[slot] === day) {
        acc.units[slot] = (acc.units[slot] as number) + units;
        return;
      }
    }
    acc.pairs.set(key, newSlot(acc, day, units, first));
  }

  /**
   * The graph of one community as of `asOf` (unix seconds). `extraNodes` (e.g.
   * the community's seeds) are present even without edges.
   */
  build(communityId: bigint, asOf: number, extraNodes: readonly string[] = []): AttentionGraph {
    const acc = this.#acc.get(Number(communityId)) ?? newAcc();
    // Nodes in address order (never arrival order): ranks of all accounts are sorted once and reused.
    const present = new Set<number>(acc.globalOf);
    for (const x of extraNodes) present.add(this.accounts.idOf(x));
    const { rankOf, byRank } = this.#ranks();
    const ranks = new Int32Array(present.size);
    let r = 0;
    for (const g of present) ranks[r++] = rankOf[g] as number;
    ranks.sort();
    const names = this.accounts.names;
    const nodes = new Array<string>(ranks.length);
    const localOfGlobal = new Map<number, number>();
    const index = new Map<string, number>();
    for (let k = 0; k < ranks.length; k++) {
      const g = byRank[ranks[k] as number] as number;
      nodes[k] = names[g] as string;
      localOfGlobal.set(g, k);
      index.set(nodes[k] as string, k);
    }
    const remap = new Uint32Array(acc.globalOf.length);
    acc.globalOf.forEach((g, i) => {
      remap[i] = localOfGlobal.get(g) as number;
    });

    const m = acc.pairs.size;
    const keys = new Float64Array(m);
    const values = new Float64Array(m);
    const cap = Math.round(this.#params.pairDailyCap * UNIT);
    const lambda = Math.LN2 / this.#params.halfLifeSeconds;
    let i = 0;
    acc.pairs.forEach((first, key) => {
      const s = remap[Math.floor(key / PAIR)] as number;
      const d = remap[key % PAIR] as number;
      keys[i] = s * PAIR + d;
      values[i] = detLog1p(decayedSum(acc, first, cap, lambda, asOf) / UNIT);
      i++;
    });
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

function localId(acc: CommunityAcc, global: number): number {
  if (global >= acc.localOf.length) {
    const grown = new Int32Array(Math.max(global + 1, acc.localOf.length * 2));
    grown.set(acc.localOf);
    acc.localOf = grown;
  }
  const known = acc.localOf[global] as number;
  if (known > 0) return known - 1;
  const id = acc.globalOf.length;
  acc.globalOf.push(global);
  acc.localOf[global] = id + 1;
  return id;
}

/** Sum over the pair's days (ascending) of min(cap, units) decayed from the end of that day to `asOf`. */
function decayedSum(acc: CommunityAcc, first: number, cap: number, lambda: number, asOf: number): number {
  if ((acc.next[first] as number) < 0) {
    return Math.min(cap, acc.units[first] as number) * decay(acc.day[first] as number, lambda, asOf);
  }
  const cells: [number, number][] = [];
  for (let slot = first; slot >= 0; slot = acc.next[slot] as number) {
    cells.push([acc.day[slot] as number, acc.units[slot] as number]);
  }
  cells.sort((a, b) => a[0] - b[0]);
  let sum = 0;
  for (const [day, units] of cells) sum += Math.min(cap, units) * decay(day, lambda, asOf);
  return sum;
}

function decay(day: number, lambda: number, asOf: number): number {
  const age = asOf - (day + 1) * DAY;
  return age <= 0 ? 1 : detExp(-(lambda * age));
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
