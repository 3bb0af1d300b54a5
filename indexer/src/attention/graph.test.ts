import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { account, LogBuilder, post } from "./fixtures.ts";
import { AttentionGraphBuilder, buildGraph } from "./graph.ts";
import type { EngagementEntry, PostInfo } from "./log.ts";
import { DEFAULT_PARAMS } from "./params.ts";

const DAY = 86_400;
const A = account(0);
const B = account(1);
const C = account(2);
const posts = new Map<bigint, PostInfo>([
  [1n, post(1n, B)],
  [2n, post(2n, C)],
  [3n, post(3n, A, 2n)],
]);

function edge(graph: ReturnType<typeof buildGraph>, from: string, to: string): number {
  const s = graph.index.get(from.toLowerCase());
  const d = graph.index.get(to.toLowerCase());
  if (s === undefined || d === undefined) return 0;
  for (let j = graph.offsets[s] as number; j < (graph.offsets[s + 1] as number); j++) {
    if (graph.targets[j] === d) return graph.weights[j] as number;
  }
  return 0;
}

const engagements = (log: LogBuilder) => log.entries as EngagementEntry[];

describe("attention graph", () => {
  it("weighs kinds, damps with log(1+x) and has no self-edges", () => {
    const log = new LogBuilder();
    const t = 100 * DAY;
    log.engage("Like", A, 1n, t);
    log.engage("View", A, 2n, t);
    log.engage("Share", C, 2n, t); // self-engagement
    const g = buildGraph(DEFAULT_PARAMS, engagements(log), posts, 1n, t);
    expect(edge(g, A, B)).toBeCloseTo(Math.log1p(1), 12);
    expect(edge(g, A, C)).toBeCloseTo(Math.log1p(0.2), 12);
    expect(edge(g, C, C)).toBe(0);
    expect(g.targets.length).toBe(2);
  });

  it("ignores bought views and other communities", () => {
    const log = new LogBuilder();
    log.engage("View", B, 3n, 0);
    log.engage("View", A, 1n, 0, { campaignId: 7n });
    const g = buildGraph(DEFAULT_PARAMS, engagements(log), posts, 1n, DAY);
    expect(g.targets.length).toBe(0);
    const g2 = buildGraph(DEFAULT_PARAMS, engagements(log), posts, 2n, DAY);
    expect(edge(g2, B, A)).toBeCloseTo(Math.log1p(0.2), 12);
  });

  it("caps a pair per day and halves weight every half-life", () => {
    const log = new LogBuilder();
    for (let i = 0; i < 10; i++) log.engage("Comment", A, 1n, 10 * DAY + i); // 20 raw, capped at 5
    const asOf = 11 * DAY;
    const g = buildGraph(DEFAULT_PARAMS, engagements(log), posts, 1n, asOf);
    expect(edge(g, A, B)).toBeCloseTo(Math.log1p(DEFAULT_PARAMS.pairDailyCap), 12);
    const later = buildGraph(
      DEFAULT_PARAMS,
      engagements(log),
      posts,
      1n,
      asOf + DEFAULT_PARAMS.halfLifeSeconds,
    );
    expect(edge(later, A, B)).toBeCloseTo(Math.log1p(DEFAULT_PARAMS.pairDailyCap / 2), 12);
  });

  it("incremental adds in any order and any steps equal a full rebuild", () => {
    const arb = fc.array(
      fc.record({
        kind: fc.constantFrom("View", "Like", "Comment", "Share" as const),
        who: fc.integer({ min: 0, max: 7 }),
        post: fc.integer({ min: 1, max: 6 }),
        day: fc.integer({ min: 0, max: 40 }),
        bought: fc.boolean(),
      }),
      { maxLength: 80 },
    );
    const ps = new Map<bigint, PostInfo>();
    for (let i = 1; i <= 6; i++) ps.set(BigInt(i), post(BigInt(i), account(i % 4), BigInt(1 + (i % 2))));
    fc.assert(
      fc.property(arb, fc.integer({ min: 1, max: 5 }), fc.integer(), (items, steps, seed) => {
        const log = new LogBuilder();
        for (const it of items) {
          log.engage(it.kind, account(it.who), BigInt(it.post), it.day * DAY + 5, {
            campaignId: it.bought ? 1n : 0n,
          });
        }
        const all = engagements(log);
        const asOf = 45 * DAY;
        const full = buildGraph(DEFAULT_PARAMS, all, ps, 1n, asOf);
        const shuffled = [...all].sort(
          (a, b) => ((Number(a.seq) * 7919 + seed) % 101) - ((Number(b.seq) * 7919 + seed) % 101),
        );
        const inc = new AttentionGraphBuilder(DEFAULT_PARAMS);
        const chunk = Math.ceil(shuffled.length / steps) || 1;
        for (let i = 0; i < shuffled.length; i += chunk) {
          for (const e of shuffled.slice(i, i + chunk)) inc.add(e, ps.get(e.message.postId));
          inc.build(1n, asOf); // intermediate builds must not disturb the state
        }
        const g = inc.build(1n, asOf);
        expect(g.nodes).toEqual(full.nodes);
        expect([...g.offsets]).toEqual([...full.offsets]);
        expect([...g.targets]).toEqual([...full.targets]);
        expect([...g.weights]).toEqual([...full.weights]);
        expect([...g.outWeight]).toEqual([...full.outWeight]);
      }),
      { numRuns: 100 },
    );
  });
});
