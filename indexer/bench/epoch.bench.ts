/**
 * A whole settlement epoch at scale, where money moves (issue 15): 100,000
 * accounts, 1,000,000 engagement messages (60 days of history, then a day in
 * which 200 campaigns are served through the impression allocator: signed
 * Impressions and the View receipts that match them; `epoch-world.ts`),
 * loaded from its NDJSON export, then graph, reputation, impression matching,
 * payouts, cumulative Merkle tree and every proof. Baseline: the same epoch
 * computed from the already-parsed entries (load excluded) and the log parse
 * alone. `EPOCH_BENCH_RUNS` sets the runs (median reported).
 */
import { percentile, reportBench, timeIt } from "#test-kit/bench.ts";
import { loadLogExport } from "../src/attention/load.ts";
import { DEFAULT_PARAMS } from "../src/attention/params.ts";
import { computeEpoch, type EpochResult } from "../src/settlement/epoch.ts";
import { buildEpochWorld } from "./epoch-world.ts";

const ACCOUNTS = Number(process.env.EPOCH_BENCH_ACCOUNTS ?? 100_000);
const t = performance.now();
const world = await buildEpochWorld(DEFAULT_PARAMS, {
  accounts: ACCOUNTS,
  messages: ACCOUNTS * 10,
  epochOrganic: ACCOUNTS,
  communities: 10,
  campaigns: 200,
  pool: ACCOUNTS / 10,
});
const { ndjson, base } = world;
console.log(
  `world: ${world.lines} log lines (${base.endSeq - base.startSeq} in the epoch: ${world.impressions} impressions ` +
    `from ${world.requests} stream requests, ${world.paidViewClaims} paid-view claims) built in ` +
    `${((performance.now() - t) / 1000).toFixed(1)} s`,
);

let last: EpochResult | undefined;
const RUNS = Number(process.env.EPOCH_BENCH_RUNS ?? 3);
/** CPU time (user + system, every thread) per run of `fn`: on a loaded machine wall time is not ours. */
const cpuOf = async (fn: () => Promise<number[]>): Promise<[number[], number]> => {
  const cpu = process.cpuUsage();
  const times = await fn();
  const used = process.cpuUsage(cpu);
  return [times, (used.user + used.system) / 1000 / RUNS];
};
const [whole, wholeCpu] = await cpuOf(() =>
  timeIt(RUNS, () => {
    const entries = loadLogExport(ndjson);
    last = computeEpoch({ ...base, entries });
  }),
);
const entries = loadLogExport(ndjson);
const [computeOnly, cpuPerRun] = await cpuOf(() => timeIt(RUNS, () => computeEpoch({ ...base, entries })));
const [loadOnly, loadCpu] = await cpuOf(() => timeIt(RUNS, () => loadLogExport(ndjson)));
if (!last) throw new Error("no result");

const median = percentile(whole, 50);
const matched = last.decisions.filter((d) => d.reason === "paid").length;
console.log(
  `epoch: ${entries.length} log entries, whole ${median.toFixed(0)} ms ` +
    `(${wholeCpu.toFixed(0)} ms of CPU; load ${percentile(loadOnly, 50).toFixed(0)} ms, ${loadCpu.toFixed(0)} ms of CPU; ` +
    `compute ${percentile(computeOnly, 50).toFixed(0)} ms, ${cpuPerRun.toFixed(0)} ms of CPU); ${last.spends.length} campaigns spent ${last.totalSpent} wei ` +
    `on ${matched} paid views to ${last.payouts.size} accounts; ${last.cumulative.size} leaves, root ${last.root}`,
);
reportBench("epoch", import.meta.filename, {
  "whole epoch 100k accounts / 1M messages ms": { value: median, unit: "ms", target: "<= 10000" },
  "load NDJSON ms": { value: percentile(loadOnly, 50), unit: "ms", baseline: median },
  "compute (graph, reputation, pay, tree, proofs) ms": {
    value: percentile(computeOnly, 50),
    unit: "ms",
    baseline: median,
  },
  "whole epoch CPU time ms": { value: Math.round(wholeCpu), unit: "ms" },
  "load CPU time ms": { value: Math.round(loadCpu), unit: "ms" },
  "compute CPU time ms": { value: Math.round(cpuPerRun), unit: "ms" },
  "campaigns that spent this epoch": { value: last.spends.length, unit: "campaigns" },
  "paid views this epoch": { value: matched, unit: "views" },
  "accounts paid this epoch": { value: last.payouts.size, unit: "accounts" },
  "impressions in the epoch": { value: world.impressions, unit: "impressions" },
  "paid-view claims in the epoch": { value: world.paidViewClaims, unit: "views" },
  "log entries": { value: world.lines, unit: "messages" },
  "Merkle leaves": { value: last.cumulative.size, unit: "leaves" },
});
