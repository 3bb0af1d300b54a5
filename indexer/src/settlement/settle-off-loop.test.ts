import type { PublicClient } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SettleLoad, type SettleMeasure, settleLoad } from "#test-kit/settle-load.ts";
import { loadLogExport } from "../attention/load.ts";
import { DEFAULT_PARAMS } from "../attention/params.ts";
import { exportLog } from "../engagement/export.ts";
import { computeEpoch } from "./epoch.ts";
import { epochInput } from "./epoch-input.ts";
import { paidKey } from "./payouts.ts";

/** The root of an epoch computed the way the verifier does: from the plain log export. */
async function rootFromExport(load: SettleLoad, epoch: number): Promise<string> {
  const run = load.db
    .prepare(
      "SELECT from_seq AS fromSeq, to_seq AS toSeq, block_number AS blockNumber FROM settlement_runs WHERE epoch = ?",
    )
    .get(epoch) as { fromSeq: number; toSeq: number; blockNumber: number };
  const previousCumulative = new Map(
    (
      load.db.prepare("SELECT account, cumulative FROM epoch_payouts WHERE epoch = ?").all(epoch - 1) as {
        account: string;
        cumulative: string;
      }[]
    ).map((r) => [r.account, BigInt(r.cumulative)]),
  );
  const previouslyPaid = new Set(
    (
      load.db
        .prepare("SELECT campaign_id AS c, account FROM epoch_campaign_payouts WHERE epoch < ?")
        .all(epoch) as { c: number; account: string }[]
    ).map((r) => paidKey(BigInt(r.c), r.account)),
  );
  const history = exportLog(load.db, 1, run.fromSeq);
  const current = exportLog(load.db, run.fromSeq + 1, run.toSeq);
  const d = load.deployment;
  const input = await epochInput(load.node.publicClient as PublicClient, {
    epoch,
    entries: [...loadLogExport(history.ndjson), ...loadLogExport(current.ndjson)],
    fromSeq: run.fromSeq,
    toSeq: run.toSeq,
    exportHash: current.hash,
    previousCumulative,
    previouslyPaid,
    params: DEFAULT_PARAMS,
    chain: {
      social: d.contracts.AMPSocial,
      escrow: d.contracts.AMPEscrow,
      startBlock: BigInt(d.startBlock),
      blockNumber: BigInt(run.blockNumber),
    },
  });
  return computeEpoch(input).root;
}

/**
 * The API kept answering: its event loop was never held for 50 ms of its thread's CPU, and the
 * probe queries sent every 10 ms over HTTP were answered, typically within 50 ms. The worst
 * wall-clock answer is not asserted: on a machine shared with other busy processes it measures
 * their load (the benchmark reports it next to the same figure with nothing settling).
 */
function expectAnswering(m: SettleMeasure): void {
  expect(m.maxBusyCpuMs).toBeLessThan(50);
  expect(m.probes).toBeGreaterThan(10);
  expect(m.medianProbeMs).toBeLessThan(50);
}

describe("settlement off the API's event loop", () => {
  let load: SettleLoad;

  beforeAll(async () => {
    load = await settleLoad({ entries: 100_000 });
  }, 600_000);
  afterAll(async () => {
    await load?.close();
  });

  it("answers API queries over HTTP within 50 ms while an epoch settles over a 100k-entry log, and again for the next epoch", async () => {
    expect(load.entries()).toBeGreaterThanOrEqual(100_000);
    const first = await load.settle();
    expect(first.outcome.status).toBe("settled");
    expectAnswering(first);

    // The worker kept the log: the next epoch reads only what arrived since.
    await load.append(2_000);
    const second = await load.settle();
    expect(second.outcome.status).toBe("settled");
    expectAnswering(second);
    expect(second.seconds).toBeLessThan(first.seconds);
  }, 900_000);

  it("settles the roots the plain log export gives (what the verifier recomputes)", async () => {
    const roots = load.db.prepare("SELECT epoch, root FROM settlement_runs ORDER BY epoch").all() as {
      epoch: number;
      root: string;
    }[];
    expect(roots.map((r) => r.epoch)).toEqual([1, 2]);
    for (const { epoch, root } of roots) expect(await rootFromExport(load, epoch)).toBe(root);
    const paid = load.db
      .prepare("SELECT COUNT(*) FROM epoch_payouts WHERE epoch = 1")
      .pluck()
      .get() as number;
    expect(paid).toBeGreaterThan(0);
  }, 120_000);
});
