import { describe, expect, it } from "vitest";
import { csrFromEdges } from "./csr.ts";
import { randomEdges } from "./fixtures.ts";
import { reputation } from "./reputation.ts";
import { StandingCache, StandingEngine } from "./standing.ts";

function graph(n: number, m: number, seed: number) {
  const { src, dst, w } = randomEdges(n, m, seed);
  return csrFromEdges(n, src, dst, w);
}

describe("personalized standing (push method)", () => {
  it("approximates exact personalized PageRank from the viewer", () => {
    const g = graph(300, 2000, 5);
    const exact = reputation(g, { teleport: 0.15, tolerance: 1e-13, maxIterations: 2000, seeds: [7] });
    const eps = 1e-7;
    const approx = new StandingEngine(g).compute(7, { teleport: 0.15, epsilon: eps });
    let l1 = 0;
    for (let v = 0; v < g.n; v++) {
      const e = exact.scores[v] as number;
      const a = approx.get(v);
      expect(a).toBeLessThanOrEqual(e + 1e-12); // push estimates are lower bounds
      l1 += Math.abs(e - a);
    }
    expect(l1).toBeLessThan(1e-3);
    // Reusing the engine leaves no residue from the previous query.
    const again = new StandingEngine(g).compute(7, { teleport: 0.15, epsilon: eps });
    const engine = new StandingEngine(g);
    engine.compute(11, { teleport: 0.15, epsilon: eps });
    const reused = engine.compute(7, { teleport: 0.15, epsilon: eps });
    for (let v = 0; v < g.n; v++) expect(reused.get(v)).toBe(again.get(v));
  });

  it("caches per viewer and drops the cache when the graph version changes", () => {
    const g = { ...graph(100, 500, 6), version: 1 };
    const cache = new StandingCache(2, { teleport: 0.15, epsilon: 1e-5 });
    const a = cache.get(g, 1);
    expect(cache.get(g, 1)).toBe(a);
    cache.get(g, 2);
    cache.get(g, 3); // evicts 1 (least recently used)
    expect(cache.size).toBe(2);
    expect(cache.get(g, 1)).not.toBe(a);
    const g2 = { ...g, version: 2 };
    const b = cache.get(g2, 1);
    expect(cache.size).toBe(1);
    expect(b.get(1)).toBeCloseTo(a.get(1), 12);
    expect(cache.hits).toBe(1);
  });
});
