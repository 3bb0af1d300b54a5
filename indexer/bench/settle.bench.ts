/**
 * The API's event loop while an epoch settles over a 100,000-entry log: a
 * Hardhat chain, the settlement job (its computation in the worker thread)
 * and the GraphQL API on real HTTP in this process, a probe query every 10 ms
 * and a 1 ms timer measuring the worst gap of the loop (wall clock) and the
 * most CPU time the loop's thread spent between two ticks (the same without
 * the time a busy machine gives to other processes). Epoch 1 settles the
 * whole log (the worker starts cold), epoch 2 the 2,000 entries that arrived
 * after it (the worker keeps the log it read). Baselines in the same run: the
 * loop with nothing settling (the machine's own noise), and, last, the epoch
 * computed on the event loop as the job did before (export and re-parse the
 * whole log, then `computeEpoch`).
 */
import type { PublicClient } from "viem";
import { reportBench } from "#test-kit/bench.ts";
import { settleLoad } from "#test-kit/settle-load.ts";
import { loadLogExport } from "../src/attention/load.ts";
import { DEFAULT_PARAMS } from "../src/attention/params.ts";
import { exportLog } from "../src/engagement/export.ts";
import { computeEpoch } from "../src/settlement/epoch.ts";
import { epochInput } from "../src/settlement/epoch-input.ts";

const ENTRIES = 100_000;
/** A full collection before each window (the runner passes --expose-gc): the set-up's garbage is not the settlement's. */
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const LATER = 2_000;

const t0 = performance.now();
const load = await settleLoad({ entries: ENTRIES });
try {
  console.log(
    `${load.entries()} log entries and the chain ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  gc();
  const idle = await load.settle(
    () => new Promise((resolve) => setTimeout(() => resolve({ status: "idle", epoch: 0 }), 5000)),
  );
  console.log(
    `idle: worst gap ${idle.maxBlockMs.toFixed(1)} ms (${idle.maxBusyCpuMs.toFixed(1)} ms CPU), slowest probe ${idle.maxProbeMs.toFixed(1)} ms`,
  );

  const toSeqFirst = load.entries();
  gc();
  const first = await load.settle();
  if (first.outcome.status !== "settled") throw new Error(`epoch 1: ${first.outcome.status}`);
  console.log(
    `epoch 1 (${toSeqFirst} entries, worker cold): worst gap ${first.maxBlockMs.toFixed(1)} ms (${first.maxBusyCpuMs.toFixed(1)} ms CPU), slowest probe ${first.maxProbeMs.toFixed(1)} ms of ${first.probes}, ${first.seconds.toFixed(1)} s, ${first.outcome.accounts} accounts paid`,
  );
  await load.append(LATER);
  gc();
  const second = await load.settle();
  if (second.outcome.status !== "settled") throw new Error(`epoch 2: ${second.outcome.status}`);
  console.log(
    `epoch 2 (+${LATER} entries, worker warm): worst gap ${second.maxBlockMs.toFixed(1)} ms (${second.maxBusyCpuMs.toFixed(1)} ms CPU), slowest probe ${second.maxProbeMs.toFixed(1)} ms of ${second.probes}, ${second.seconds.toFixed(1)} s`,
  );
  // The computation as it ran on the event loop: the whole log exported, parsed and computed over.
  const { deployment: d, db } = load;
  const blockNumber = await load.node.publicClient.getBlockNumber();
  const toSeq = load.entries();
  gc();
  const inline = await load.settle(async () => {
    const current = exportLog(db, 1, toSeq);
    const input = await epochInput(load.node.publicClient as PublicClient, {
      epoch: 1,
      entries: loadLogExport(current.ndjson),
      fromSeq: 0,
      toSeq,
      exportHash: current.hash,
      previousCumulative: new Map(),
      previouslyPaid: new Set(),
      params: DEFAULT_PARAMS,
      chain: {
        social: d.contracts.AMPSocial,
        escrow: d.contracts.AMPEscrow,
        startBlock: BigInt(d.startBlock),
        blockNumber,
      },
    });
    const result = computeEpoch(input);
    return { status: "settled", epoch: 1, txHash: "0x", root: result.root, totalSpent: 0n, accounts: 0 };
  });
  console.log(
    `on the event loop: worst gap ${inline.maxBlockMs.toFixed(1)} ms (${inline.maxBusyCpuMs.toFixed(1)} ms CPU) in ${inline.seconds.toFixed(1)} s`,
  );

  const round = (n: number) => Math.round(n * 10) / 10;
  reportBench("settle", import.meta.filename, {
    eventLoopMaxBlockMsDuringSettle: {
      value: round(Math.max(first.maxBlockMs, second.maxBlockMs)),
      unit: "ms",
      target: "<= 50",
      baseline: round(inline.maxBlockMs),
    },
    eventLoopMaxBlockMsInlineCompute: { value: round(inline.maxBlockMs), unit: "ms" },
    eventLoopMaxBlockMsIdle: { value: round(idle.maxBlockMs), unit: "ms" },
    eventLoopMaxBusyCpuMsDuringSettle: {
      value: round(Math.max(first.maxBusyCpuMs, second.maxBusyCpuMs)),
      unit: "ms",
      target: "<= 50",
      baseline: round(inline.maxBusyCpuMs),
    },
    eventLoopMaxBusyCpuMsInlineCompute: { value: round(inline.maxBusyCpuMs), unit: "ms" },
    eventLoopMaxBusyCpuMsIdle: { value: round(idle.maxBusyCpuMs), unit: "ms" },
    settleProbeMaxMs: {
      value: round(Math.max(first.maxProbeMs, second.maxProbeMs)),
      unit: "ms",
      target: "<= 50",
    },
    settleProbeMedianMs: {
      value: round(Math.max(first.medianProbeMs, second.medianProbeMs)),
      unit: "ms",
      baseline: round(idle.medianProbeMs),
    },
    settleProbeMaxMsIdle: { value: round(idle.maxProbeMs), unit: "ms" },
    settleFirstEpochSeconds: { value: round(first.seconds), unit: "s" },
    settleNextEpochSeconds: { value: round(second.seconds), unit: "s" },
  });
} finally {
  await load.close();
}
