import Graph from "graphology";
import pagerank from "graphology-metrics/centrality/pagerank.js";
import { describe, expect, it } from "vitest";
import { csrFromEdges } from "./csr.ts";
import { rng } from "./fixtures.ts";
import { reputation } from "./reputation.ts";

function randomEdges(n: number, m: number, seed: number) {
  const r = rng(seed);
  const src = new Uint32Array(m);
  const dst = new Uint32Array(m);
  const w = new Float64Array(m);
  const seen = new Set<number>();
  let k = 0;
  while (k < m) {
    const s = Math.floor(r() * n);
    const d = Math.floor(r() * n);
    if (s === d || seen.has(s * n + d)) continue;
    seen.add(s * n + d);
    src[k] = s;
    dst[k] = d;
    w[k] = 0.1 + r() * 3;
    k++;
  }
  return { src, dst, w };
}

/**
 * Straightforward dense reference: x = t*s + (1-t)*(x P + dangling(x) s),
 * iterated until it no longer changes.
 */
function referencePagerank(
  n: number,
  edges: ReturnType<typeof randomEdges>,
  teleport: number,
  seeds: number[],
) {
  const P = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const out = new Array<number>(n).fill(0);
  edges.src.forEach((s, i) => {
    out[s] = (out[s] as number) + (edges.w[i] as number);
  });
  edges.src.forEach((s, i) => {
    const row = P[s] as number[];
    const d = edges.dst[i] as number;
    row[d] = (row[d] as number) + (edges.w[i] as number) / (out[s] as number);
  });
  const restart = new Array<number>(n).fill(0);
  if (seeds.length === 0) restart.fill(1 / n);
  else for (const s of seeds) restart[s] = 1 / seeds.length;
  let x = [...restart];
  for (let it = 0; it < 2000; it++) {
    const dangling = x.reduce((acc, v, i) => acc + (out[i] === 0 ? v : 0), 0);
    const next = restart.map((r) => r * (teleport + (1 - teleport) * dangling));
    for (let u = 0; u < n; u++) {
      for (let v = 0; v < n; v++)
        next[v] = (next[v] as number) + (1 - teleport) * (x[u] as number) * (P[u]?.[v] as number);
    }
    const err = next.reduce((acc, v, i) => acc + Math.abs(v - (x[i] as number)), 0);
    x = next;
    if (err < 1e-15) break;
  }
  return x;
}

describe("reputation (seeded PageRank)", () => {
  it("matches graphology-metrics pagerank within 1e-9 with uniform teleport (no seeds)", () => {
    for (const seed of [1, 2, 3]) {
      const n = 60;
      const edges = randomEdges(n, 300, seed);
      const csr = csrFromEdges(n, edges.src, edges.dst, edges.w);
      const g = new Graph({ type: "directed" });
      for (let i = 0; i < n; i++) g.addNode(String(i));
      edges.src.forEach((s, i) => {
        g.addEdge(String(s), String(edges.dst[i]), { weight: edges.w[i] });
      });
      const expected = pagerank(g, {
        getEdgeWeight: "weight",
        alpha: 0.85,
        tolerance: 1e-15,
        maxIterations: 1000,
      });
      const got = reputation(csr, { teleport: 0.15, tolerance: 1e-14, maxIterations: 1000 });
      for (let i = 0; i < n; i++)
        expect(Math.abs((got.scores[i] as number) - (expected[String(i)] as number))).toBeLessThan(1e-9);
    }
  });

  it("matches a dense reference power iteration within 1e-9 when seeded (with dangling nodes)", () => {
    const n = 40;
    const edges = randomEdges(n, 90, 9); // sparse: several nodes have no out-edges
    const csr = csrFromEdges(n, edges.src, edges.dst, edges.w);
    const seeds = [0, 3, 7];
    const expected = referencePagerank(n, edges, 0.15, seeds);
    const got = reputation(csr, { teleport: 0.15, tolerance: 1e-14, maxIterations: 1000, seeds });
    expect(csr.outWeight.some((w) => w === 0)).toBe(true);
    let total = 0;
    for (let i = 0; i < n; i++) {
      total += got.scores[i] as number;
      expect(Math.abs((got.scores[i] as number) - (expected[i] as number))).toBeLessThan(1e-9);
    }
    expect(total).toBeCloseTo(1, 12);
  });

  it("warm start reaches the same vector in fewer iterations", () => {
    const n = 2000;
    const edges = randomEdges(n, 20000, 4);
    const csr = csrFromEdges(n, edges.src, edges.dst, edges.w);
    const opts = { teleport: 0.15, tolerance: 1e-10, maxIterations: 500, seeds: [1, 2] };
    const cold = reputation(csr, opts);
    const warm = reputation(csr, { ...opts, warmStart: cold.scores });
    expect(warm.iterations).toBeLessThan(cold.iterations);
    for (let i = 0; i < n; i++)
      expect(Math.abs((warm.scores[i] as number) - (cold.scores[i] as number))).toBeLessThan(1e-9);
  });
});
