/**
 * Viewer-relative standing: personalized PageRank from one viewer, computed
 * approximately by the push method (Andersen, Chung and Lang 2006). Work is
 * bounded by about 1 / (teleport * epsilon) edge visits, independent of graph size.
 */
import type { CsrGraph } from "./csr.ts";

export interface StandingOptions {
  teleport: number;
  /** A node is pushed while its residual exceeds epsilon times its out-degree. */
  epsilon: number;
}

/** Sparse result: nodes with non-zero estimate and their scores. */
export interface Standing {
  source: number;
  nodes: Uint32Array;
  scores: Float64Array;
  /** Node -> score lookup. */
  get(node: number): number;
}

/**
 * Reusable scratch space for one graph: dense residual/estimate arrays that
 * are cleared sparsely after each query, so a query costs only what it touches.
 */
export class StandingEngine {
  readonly #graph: CsrGraph;
  readonly #p: Float64Array;
  readonly #r: Float64Array;
  readonly #inQueue: Uint8Array;
  readonly #touched: Uint32Array;
  readonly #queue: Uint32Array;

  constructor(graph: CsrGraph) {
    this.#graph = graph;
    this.#p = new Float64Array(graph.n);
    this.#r = new Float64Array(graph.n);
    this.#inQueue = new Uint8Array(graph.n);
    this.#touched = new Uint32Array(graph.n);
    this.#queue = new Uint32Array(graph.n);
  }

  compute(source: number, options: StandingOptions): Standing {
    const { offsets, targets, weights, outWeight, n } = this.#graph;
    if (source < 0 || source >= n) return sparse(source, new Uint32Array(0), new Float64Array(0));
    const p = this.#p;
    const r = this.#r;
    const inQueue = this.#inQueue;
    const touched = this.#touched;
    const queue = this.#queue;
    const alpha = options.teleport;
    const eps = options.epsilon;
    // The hot loop is written out by hand (no closures, no division per edge, no modulo):
    // a cold viewer's standing is on the request path of every stream query.
    let touchedCount = 0;
    // Circular FIFO over at most n queued nodes (a node is queued at most once at a time).
    let head = 0;
    let tail = 0;
    let size = 0;
    touched[touchedCount++] = source;
    r[source] = 1;
    inQueue[source] = 1;
    queue[tail] = source;
    if (++tail === n) tail = 0;
    size++;
    while (size > 0) {
      const u = queue[head] as number;
      if (++head === n) head = 0;
      size--;
      inQueue[u] = 0;
      const ru = r[u] as number;
      const start = offsets[u] as number;
      const end = offsets[u + 1] as number;
      if (ru <= eps * Math.max(end - start, 1)) continue;
      p[u] = (p[u] as number) + alpha * ru;
      r[u] = 0;
      const spread = (1 - alpha) * ru;
      const ow = outWeight[u] as number;
      if (!(ow > 0)) {
        // A node without out-edges sends the walk back to the viewer.
        const rs: number = (r[source] as number) + spread;
        r[source] = rs;
        const ds = (offsets[source + 1] as number) - (offsets[source] as number);
        if (!inQueue[source] && rs > eps * Math.max(ds, 1)) {
          inQueue[source] = 1;
          queue[tail] = source;
          if (++tail === n) tail = 0;
          size++;
        }
        continue;
      }
      const share = spread / ow;
      for (let j = start; j < end; j++) {
        const v = targets[j] as number;
        const rv = r[v] as number;
        if (rv === 0 && p[v] === 0) touched[touchedCount++] = v;
        const next = rv + share * (weights[j] as number);
        r[v] = next;
        if (inQueue[v] === 0) {
          const dv = (offsets[v + 1] as number) - (offsets[v] as number);
          if (next > eps * Math.max(dv, 1)) {
            inQueue[v] = 1;
            queue[tail] = v;
            if (++tail === n) tail = 0;
            size++;
          }
        }
      }
    }
    let count = 0;
    for (let k = 0; k < touchedCount; k++) if ((p[touched[k] as number] as number) > 0) count++;
    const nodes = new Uint32Array(count);
    const scores = new Float64Array(count);
    let c = 0;
    for (let k = 0; k < touchedCount; k++) {
      const v = touched[k] as number;
      if ((p[v] as number) > 0) {
        nodes[c] = v;
        scores[c] = p[v] as number;
        c++;
      }
      p[v] = 0;
      r[v] = 0;
    }
    return sparse(source, nodes, scores);
  }
}

function sparse(source: number, nodes: Uint32Array, scores: Float64Array): Standing {
  let map: Map<number, number> | undefined;
  return {
    source,
    nodes,
    scores,
    get(node: number): number {
      if (!map) {
        map = new Map();
        for (let i = 0; i < nodes.length; i++) map.set(nodes[i] as number, scores[i] as number);
      }
      return map.get(node) ?? 0;
    },
  };
}

/**
 * LRU cache of standings for one evolving graph. A graph with a different
 * version than the cached results invalidates them all.
 */
export class StandingCache {
  readonly #capacity: number;
  readonly #options: StandingOptions;
  #version = -1;
  #engine: StandingEngine | undefined;
  readonly #entries = new Map<number, Standing>();
  hits = 0;
  misses = 0;

  constructor(capacity: number, options: StandingOptions) {
    this.#capacity = capacity;
    this.#options = options;
  }

  get(graph: CsrGraph & { version: number }, source: number): Standing {
    if (graph.version !== this.#version || !this.#engine) {
      this.#entries.clear();
      this.#engine = new StandingEngine(graph);
      this.#version = graph.version;
    }
    const cached = this.#entries.get(source);
    if (cached) {
      this.hits++;
      this.#entries.delete(source);
      this.#entries.set(source, cached);
      return cached;
    }
    this.misses++;
    const result = this.#engine.compute(source, this.#options);
    this.#entries.set(source, result);
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value as number;
      this.#entries.delete(oldest);
    }
    return result;
  }

  get size(): number {
    return this.#entries.size;
  }
}
