/**
 * Community reputation: seeded PageRank (EigenTrust) over the row-normalised
 * attention graph. With probability `teleport` (and from nodes without
 * out-edges) the walk restarts at the trusted seeds, so a cluster with few
 * edges from the seeded part of the graph can only collect what flows in.
 */
import type { CsrGraph } from "./csr.ts";

export interface ReputationOptions {
  teleport: number;
  /** Stop when the L1 change of the vector is below this. */
  tolerance: number;
  maxIterations: number;
  /** Restart nodes (weighted equally unless `seedWeights`); empty or absent means every node (classic PageRank). */
  seeds?: readonly number[];
  /** Weight of each seed (same order as `seeds`, >= 0); a seed with weight 0 restarts nothing. */
  seedWeights?: readonly number[];
  /**
   * Largest share of the restart mass any seed but the first takes (default 1); what a capped
   * seed cannot take restarts at the first seed (the community's founder, the root of its trust).
   */
  seedShareCap?: number;
  /** A previous result to start from (same node numbering); speeds up convergence after small changes. */
  warmStart?: Float64Array;
}

export interface ReputationResult {
  /** Probability mass per node; sums to 1. */
  scores: Float64Array;
  iterations: number;
  /** L1 change of the last iteration. */
  error: number;
}

export function reputation(graph: CsrGraph, options: ReputationOptions): ReputationResult {
  const { n, offsets, targets, weights, outWeight } = graph;
  if (n === 0) return { scores: new Float64Array(0), iterations: 0, error: 0 };
  const follow = 1 - options.teleport;

  const restart = new Float64Array(n);
  const seeds = (options.seeds ?? []).filter((s) => s >= 0 && s < n);
  if (seeds.length === 0) restart.fill(1 / n);
  else {
    const weightOf = new Map<number, number>();
    (options.seeds ?? []).forEach((s, k) => {
      if (s < 0 || s >= n) return;
      const w = options.seedWeights ? Math.max(0, options.seedWeights[k] ?? 0) : 1;
      weightOf.set(s, Math.max(weightOf.get(s) ?? 0, w));
    });
    let totalWeight = 0;
    for (const w of weightOf.values()) totalWeight += w;
    if (!(totalWeight > 0)) {
      for (const s of weightOf.keys()) weightOf.set(s, 1);
      totalWeight = weightOf.size;
    }
    const root = seeds[0] as number;
    const cap = Math.min(1, Math.max(0, options.seedShareCap ?? 1));
    let rest = 1;
    for (const [s, w] of weightOf) {
      if (s === root) continue;
      const share = Math.min(cap, w / totalWeight);
      restart[s] = share;
      rest -= share;
    }
    restart[root] = (restart[root] as number) + rest;
  }

  // Normalised weights pre-multiplied by the follow probability: one multiply-add per edge per iteration.
  const m = targets.length;
  const norm = new Float64Array(m);
  const dangling: number[] = [];
  for (let u = 0; u < n; u++) {
    const ow = outWeight[u] as number;
    const end = offsets[u + 1] as number;
    if (!(ow > 0)) dangling.push(u);
    else for (let j = offsets[u] as number; j < end; j++) norm[j] = (follow * (weights[j] as number)) / ow;
  }

  let x = new Float64Array(n);
  if (options.warmStart && options.warmStart.length === n) {
    let total = 0;
    for (let i = 0; i < n; i++) total += options.warmStart[i] as number;
    if (total > 0) for (let i = 0; i < n; i++) x[i] = (options.warmStart[i] as number) / total;
    else x.set(restart);
  } else x.set(restart);
  let next = new Float64Array(n);

  let iterations = 0;
  let error = Number.POSITIVE_INFINITY;
  while (iterations < options.maxIterations) {
    let danglingMass = 0;
    for (let k = 0; k < dangling.length; k++) danglingMass += x[dangling[k] as number] as number;
    const base = options.teleport + follow * danglingMass;
    for (let i = 0; i < n; i++) next[i] = base * (restart[i] as number);
    for (let u = 0; u < n; u++) {
      const xu = x[u] as number;
      if (xu === 0) continue;
      const end = offsets[u + 1] as number;
      for (let j = offsets[u] as number; j < end; j++) {
        const v = targets[j] as number;
        next[v] = (next[v] as number) + xu * (norm[j] as number);
      }
    }
    error = 0;
    for (let i = 0; i < n; i++) error += Math.abs((next[i] as number) - (x[i] as number));
    const swap = x;
    x = next;
    next = swap;
    iterations++;
    if (error < options.tolerance) break;
  }
  return { scores: x, iterations, error };
}

/** Scores relative to the community average (score * n): 1 means average, 0 means unreached. */
export function relativeScores(scores: Float64Array): Float64Array {
  const out = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = (scores[i] as number) * scores.length;
  return out;
}
