/**
 * Community reputation (seeded PageRank on CSR) at 100,000 accounts and
 * 1,000,000 edges, beside graphology-metrics' pagerank (graph build plus run)
 * at the same convergence criterion, then at 10,000,000 edges.
 */
import Graph from "graphology";
import pagerank from "graphology-metrics/centrality/pagerank.js";
import { percentile, reportBench, timeIt } from "#test-kit/bench.ts";
import { csrFromEdges } from "../src/attention/csr.ts";
import { randomEdges } from "../src/attention/fixtures.ts";
import { DEFAULT_PARAMS } from "../src/attention/params.ts";
import { reputation } from "../src/attention/reputation.ts";

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (bytes: number) => bytes / 2 ** 20;
const memory = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const N = 100_000;
const M = 1_000_000;
const seeds = [0, 1, 2];
const options = {
  teleport: DEFAULT_PARAMS.teleport,
  tolerance: DEFAULT_PARAMS.pagerankTolerance,
  maxIterations: 200,
  seeds,
};

function ours(n: number, edges: ReturnType<typeof randomEdges>) {
  const graph = csrFromEdges(n, edges.src, edges.dst, edges.w);
  return { graph, result: reputation(graph, options) };
}

const edges = randomEdges(N, M, 1);
ours(N, edges); // warm-up
gc();
const before = memory();
let peak = before;
const t0 = performance.now();
const { graph, result } = ours(N, edges);
const oursMs = performance.now() - t0;
peak = Math.max(peak, memory());
const oursMb = mb(peak - before);
const runs = await timeIt(5, () => ours(N, edges));
const oursMedian = percentile(runs, 50);

// Warm start after a small change (1% of edges reweighted).
for (let k = 0; k < M; k += 100) edges.w[k] = (edges.w[k] as number) * 1.5;
const changed = csrFromEdges(N, edges.src, edges.dst, edges.w);
const tw = performance.now();
const warm = reputation(changed, { ...options, warmStart: result.scores });
const warmMs = performance.now() - tw;
const cold = reputation(changed, options);

// Baseline: graphology build + pagerank, same L1 stopping rule (graphology stops at error < N * tolerance).
function graphologyBaseline(): { ms: number; mb: number; nodes: number } {
  gc();
  const before = memory();
  const start = performance.now();
  const g = new Graph({ type: "directed", allowSelfLoops: false, multi: false });
  for (let i = 0; i < N; i++) g.addNode(i);
  for (let k = 0; k < M; k++) {
    const s = edges.src[k] as number;
    const d = edges.dst[k] as number;
    if (s !== d) g.mergeEdge(s, d, { weight: edges.w[k] });
  }
  const ranks = pagerank(g, {
    getEdgeWeight: "weight",
    alpha: 1 - DEFAULT_PARAMS.teleport,
    tolerance: DEFAULT_PARAMS.pagerankTolerance / N,
    maxIterations: 200,
  });
  const ms = performance.now() - start;
  return { ms, mb: mb(memory() - before), nodes: Object.keys(ranks).length };
}
const baseline = graphologyBaseline();
const graphologyMs = baseline.ms;
const graphologyMb = baseline.mb;
const baselineNodes = baseline.nodes;

// 10,000,000 edges.
const big = randomEdges(N, 10 * M, 2);
gc();
const tc = performance.now();
let bigRun = ours(N, big);
const bigColdMs = performance.now() - tc; // first run: includes faulting in fresh memory
const bigRuns: number[] = [];
for (let i = 0; i < 3; i++) {
  gc();
  const tb = performance.now();
  bigRun = ours(N, big);
  bigRuns.push(performance.now() - tb);
}
const bigMs = percentile(
  bigRuns.sort((a, b) => a - b),
  50,
);

console.log(
  `reputation 100k/1M: ${oursMs.toFixed(1)} ms (median of 5 ${oursMedian.toFixed(1)} ms, ${result.iterations} iterations, ` +
    `${graph.targets.length} edges), ${oursMb.toFixed(1)} MB; graphology ${graphologyMs.toFixed(0)} ms, ` +
    `${graphologyMb.toFixed(0)} MB (${baselineNodes} nodes); warm start ${warmMs.toFixed(1)} ms ` +
    `(${warm.iterations} vs ${cold.iterations} iterations); 10M edges ${bigMs.toFixed(0)} ms median of 3 warm runs, first run ${bigColdMs.toFixed(0)} ms (${bigRun.result.iterations} iterations)`,
);

reportBench("reputation", import.meta.filename, {
  "100k/1M build+run ms": { value: oursMedian, unit: "ms", target: "<= 150", baseline: graphologyMs },
  "100k/1M memory MB": { value: oursMb, unit: "MB", target: "<= 150", baseline: graphologyMb },
  "graphology build+run ms": { value: graphologyMs, unit: "ms" },
  "speedup vs graphology": { value: graphologyMs / oursMedian, unit: "x" },
  "warm start ms": { value: warmMs, unit: "ms", baseline: oursMedian },
  "warm start iterations": { value: warm.iterations, unit: "iterations", baseline: cold.iterations },
  "100k/10M build+run ms": { value: bigMs, unit: "ms", target: "<= 5000" },
  "100k/10M first run ms": { value: bigColdMs, unit: "ms", target: "<= 5000" },
});
