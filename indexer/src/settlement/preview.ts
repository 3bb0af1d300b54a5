/**
 * The epoch that has not settled yet, computed as the settler would compute it
 * now: the same log ranges, chain facts and `computeEpoch`, without storing or
 * sending anything. It tells a viewer what is pending for them and, for every
 * amplified view that will not pay, why. One computation is shared by every
 * request until the log or the indexed chain moves (and at most every
 * `minIntervalMs`), so a burst of requests costs one epoch computation.
 */
import type { Address, PublicClient } from "viem";
import { loadLogExport } from "../attention/load.ts";
import { type AttentionParams, DEFAULT_PARAMS } from "../attention/params.ts";
import { exportLog } from "../engagement/export.ts";
import type { Db } from "../store/db.ts";
import { computeEpoch } from "./epoch.ts";
import { epochInput } from "./epoch-input.ts";
import { paidKey, type ViewDecision } from "./payouts.ts";

export interface EpochPreview {
  /** The epoch number the pending entries will settle in. */
  epoch: number;
  /** Chain time (unix seconds) of the block the facts were read at. */
  asOf: number;
  /** Log entries fromSeq < seq <= toSeq are pending. */
  fromSeq: number;
  toSeq: number;
  /** Unix seconds of the last settlement (its block), or null before the first. */
  lastSettledAt: number | null;
  /** This epoch's amount per account, were it settled now. */
  payouts: ReadonlyMap<string, bigint>;
  decisions: readonly ViewDecision[];
}

export interface EpochPreviewOptions {
  db: Db;
  publicClient: PublicClient;
  social: Address;
  escrow: Address;
  startBlock: bigint;
  params?: AttentionParams;
  /** A computation is reused for at least this long (ms, default 5000). */
  minIntervalMs?: number;
  /** The block the chain facts are read at; default: the latest indexed block. */
  blockNumber?: () => Promise<bigint>;
}

export interface EpochPreviewer {
  current(): Promise<EpochPreview>;
}

export function createEpochPreview(options: EpochPreviewOptions): EpochPreviewer {
  const { db, publicClient } = options;
  const params = options.params ?? DEFAULT_PARAMS;
  const minIntervalMs = options.minIntervalMs ?? 5000;
  const q = {
    lastSettled: db.prepare(
      `SELECT r.epoch, r.to_seq AS toSeq, b.timestamp AS settledAt FROM settlement_runs r
        JOIN epochs e ON e.epoch = r.epoch AND e.revoked_block IS NULL
        LEFT JOIN blocks b ON b.number = e.block_number
        WHERE r.status = 'settled' ORDER BY r.epoch DESC LIMIT 1`,
    ),
    lastSeq: db.prepare("SELECT COALESCE(MAX(seq), 0) AS n FROM engagement_log"),
    head: db.prepare("SELECT COALESCE((SELECT block_number FROM checkpoint WHERE id = 1), -1) AS n"),
    cumulative: db.prepare("SELECT account, cumulative FROM epoch_payouts WHERE epoch = ?"),
    paid: db.prepare("SELECT campaign_id AS campaignId, account FROM epoch_campaign_payouts WHERE epoch < ?"),
  };

  let cached: { key: string; at: number; value: Promise<EpochPreview>; done: boolean } | null = null;

  async function compute(): Promise<EpochPreview> {
    const last = q.lastSettled.get() as
      | { epoch: number; toSeq: number; settledAt: number | null }
      | undefined;
    const epoch = (last?.epoch ?? 0) + 1;
    const fromSeq = last?.toSeq ?? 0;
    const toSeq = (q.lastSeq.get() as { n: number }).n;
    const head = (q.head.get() as { n: number }).n;
    const blockNumber = options.blockNumber
      ? await options.blockNumber()
      : BigInt(Math.max(head, Number(options.startBlock)));
    const history = fromSeq > 0 ? exportLog(db, 1, fromSeq).ndjson : "";
    const current = exportLog(db, fromSeq + 1, toSeq);
    const previousCumulative = new Map<string, bigint>();
    for (const row of q.cumulative.all(epoch - 1) as { account: string; cumulative: string }[])
      previousCumulative.set(row.account, BigInt(row.cumulative));
    const previouslyPaid = new Set(
      (q.paid.all(epoch) as { campaignId: number; account: string }[]).map((r) =>
        paidKey(BigInt(r.campaignId), r.account),
      ),
    );
    const input = await epochInput(publicClient, {
      epoch,
      entries: [...loadLogExport(history), ...loadLogExport(current.ndjson)],
      fromSeq,
      toSeq,
      exportHash: current.hash,
      previousCumulative,
      previouslyPaid,
      params,
      chain: { social: options.social, escrow: options.escrow, startBlock: options.startBlock, blockNumber },
    });
    const result = computeEpoch(input);
    return {
      epoch,
      asOf: input.asOf,
      fromSeq,
      toSeq,
      lastSettledAt: last?.settledAt ?? null,
      payouts: result.payouts,
      decisions: result.decisions,
    };
  }

  return {
    current() {
      const last = q.lastSettled.get() as { epoch: number } | undefined;
      const key = `${last?.epoch ?? 0}:${(q.lastSeq.get() as { n: number }).n}:${(q.head.get() as { n: number }).n}`;
      const t = Date.now();
      // One computation at a time; a finished one serves until the inputs move and the interval passed.
      if (cached && (!cached.done || cached.key === key || t - cached.at < minIntervalMs))
        return cached.value;
      const value = compute();
      const entry = { key, at: t, value, done: false };
      cached = entry;
      value.then(
        () => {
          entry.done = true;
        },
        () => {
          // A failed computation is not kept: the next request tries again.
          if (cached === entry) cached = null;
        },
      );
      return value;
    },
  };
}
