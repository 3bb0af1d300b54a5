import { describe, expect, it } from "vitest";
import { RankingRing } from "./ranking-ring.ts";
import type { StreamRanking } from "./stream-ranker.ts";

/** A ranking of n candidates whose numbers all derive from a tag, to tell copies apart. */
function ranking(n: number, tag: number): StreamRanking {
  const of = (k: number) => Float64Array.from({ length: n }, (_, i) => tag * 1000 + k * 100 + i);
  return { set: {} as StreamRanking["set"], total: n, scores: of(1), organic: of(2), choice: of(3) };
}

const copy = (r: StreamRanking) => ({
  total: r.total,
  scores: [...r.scores],
  organic: [...r.organic],
  choice: [...r.choice],
});

describe("ranking ring", () => {
  it("keeps copies until later rankings are written over them", () => {
    const ring = new RankingRing(30); // room for 10 slots of 3 arrays
    const a = ranking(4, 1);
    const keptA = ring.keep(a);
    expect(keptA && copy(keptA.ranking)).toEqual(copy(a));
    // The source can change afterwards: the copy does not.
    a.scores.fill(0);
    expect(keptA?.ranking.scores[0]).toBe(1100);

    const keptB = ring.keep(ranking(5, 2)); // 12 + 15 = 27 slots used
    expect(keptA && ring.holds(keptA)).toBe(true);
    // 9 more slots do not fit before the end: the ring wraps and overwrites A, not B.
    const keptC = ring.keep(ranking(3, 3));
    expect(keptA && ring.holds(keptA)).toBe(false);
    expect(keptB && ring.holds(keptB)).toBe(true);
    expect(keptB && copy(keptB.ranking)).toEqual(copy(ranking(5, 2)));
    expect(keptC && copy(keptC.ranking)).toEqual(copy(ranking(3, 3)));
    // C ends at slot 9; D takes slots 9..20, over the start of B.
    ring.keep(ranking(4, 4));
    expect(keptB && ring.holds(keptB)).toBe(false);
    expect(keptC && ring.holds(keptC)).toBe(true);
  });

  it("refuses a ranking larger than the ring", () => {
    const ring = new RankingRing(30);
    expect(ring.keep(ranking(11, 1))).toBeNull();
    expect(ring.keep(ranking(10, 1))).not.toBeNull();
  });
});
