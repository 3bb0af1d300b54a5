/**
 * Viewer-relative standing by the push method on a 100,000-account,
 * 1,000,000-edge graph: latency per viewer (cold, no cache) beside a full
 * personalized power iteration from the same viewer.
 */
import { percentile, reportBench, timeIt } from "#test-kit/bench.ts";
import { csrFromEdges } from "../src/attention/csr.ts";
import { randomEdges, rng } from "../src/attention/fixtures.ts";
import { DEFAULT_PARAMS } from "../src/attention/params.ts";
import { reputation } from "../src/attention/reputation.ts";
import { StandingEngine } from "../src/attention/standing.ts";

const N = 100_000;
const edges = randomEdges(N, 1_000_000, 3);
const graph = csrFromEdges(N, edges.src, edges.dst, edges.w);
const engine = new StandingEngine(graph);
const options = { teleport: DEFAULT_PARAMS.teleport, epsilon: DEFAULT_PARAMS.standingEpsilon };
const r = rng(7);
const viewers = Array.from({ length: 1000 }, () => Math.floor(r() * N));
for (const v of viewers.slice(0, 50)) engine.compute(v, options); // warm-up
let k = 0;
let touched = 0;
const push = await timeIt(viewers.length, () => {
  const s = engine.compute(viewers[k++ % viewers.length] as number, options);
  touched += s.nodes.length;
});

// Baseline: personalized PageRank by power iteration over the whole graph.
let b = 0;
const power = await timeIt(10, () =>
  reputation(graph, {
    teleport: DEFAULT_PARAMS.teleport,
    tolerance: 1e-6,
    maxIterations: 200,
    seeds: [viewers[b++] as number],
  }),
);

// Accuracy of the push estimate against the power iteration for one viewer.
const v0 = viewers[0] as number;
const exact = reputation(graph, {
  teleport: DEFAULT_PARAMS.teleport,
  tolerance: 1e-10,
  maxIterations: 500,
  seeds: [v0],
});
const approx = engine.compute(v0, options);
let l1 = 0;
let linf = 0;
for (let i = 0; i < N; i++) {
  const d = Math.abs((exact.scores[i] as number) - approx.get(i));
  l1 += d;
  linf = Math.max(linf, d);
}
// How many of the exact top 100 the estimate also ranks in its top 100 (what stream ranking uses).
const top = (score: (i: number) => number) =>
  new Set(
    Array.from({ length: N }, (_, i) => i)
      .sort((a, b) => score(b) - score(a))
      .slice(0, 100),
  );
const exactTop = top((i) => exact.scores[i] as number);
const approxTop = top((i) => approx.get(i));
const overlap = [...exactTop].filter((i) => approxTop.has(i)).length;

const p50 = percentile(push, 50);
const p99 = percentile(push, 99);
const powerP50 = percentile(power, 50);
console.log(
  `standing push: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, ${(touched / viewers.length).toFixed(0)} nodes per viewer, ` +
    `L1 error ${l1.toExponential(2)}, max error ${linf.toExponential(2)}, top-100 overlap ${overlap}%; power iteration p50 ${powerP50.toFixed(1)} ms`,
);
reportBench("ppr", import.meta.filename, {
  "standing p99 ms": { value: p99, unit: "ms", target: "<= 30", baseline: percentile(power, 99) },
  "standing p50 ms": { value: p50, unit: "ms", baseline: powerP50 },
  "speedup vs power iteration (p50)": { value: powerP50 / p50, unit: "x" },
  "L1 error vs exact": { value: l1, unit: "" },
  "max error vs exact": { value: linf, unit: "" },
  "top-100 overlap": { value: overlap, unit: "%" },
});
