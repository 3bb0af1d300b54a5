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
import { exportLogFrom } from "../engagement/export.ts";
import { computeEpoch } from "./epoch.ts";
import { epochInput } from "./epoch-input.ts";
import type { ViewDecision } from "./payouts.ts";
import { createSettlementStore, type StoreSource } from "./store.ts";

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
  /** The store on either engine (a better-sqlite3 handle is the SQLite engine). */
  db: StoreSource;
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
  const store = createSettlementStore(db);
  /** What a computation depends on: the last settled epoch, the log's end and the indexed head. */
  const inputs = async () => {
    const [last, toSeq, head] = await Promise.all([store.lastSettled(), store.lastSeq(), store.head()]);
    return { last, toSeq, head };
  };

  let cached: { key: string; at: number; value: Promise<EpochPreview>; done: boolean } | null = null;

  async function compute(seen: Awaited<ReturnType<typeof inputs>>): Promise<EpochPreview> {
    const { last, toSeq, head } = seen;
    const epoch = (last?.epoch ?? 0) + 1;
    const fromSeq = last?.toSeq ?? 0;
    const blockNumber = options.blockNumber
      ? await options.blockNumber()
      : BigInt(Math.max(head, Number(options.startBlock)));
    const history = fromSeq > 0 ? (await exportLogFrom(db, 1, fromSeq)).ndjson : "";
    const current = await exportLogFrom(db, fromSeq + 1, toSeq);
    const previousCumulative = await store.cumulativeAfter(epoch - 1);
    const previouslyPaid = await store.paidBefore(epoch);
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

  /** The cached computation when it still serves inputs `key` at time `t`. */
  const serving = (key: string | null, t: number) =>
    cached && (!cached.done || cached.key === key || t - cached.at < minIntervalMs) ? cached.value : null;

  return {
    async current() {
      // One computation at a time; a finished one serves until the inputs move and the interval passed.
      const running = serving(null, Date.now());
      if (running) return running;
      const seen = await inputs();
      const key = `${seen.last?.epoch ?? 0}:${seen.toSeq}:${seen.head}`;
      const t = Date.now();
      // Another request may have started a computation while the inputs were read.
      const fresh = serving(key, t);
      if (fresh) return fresh;
      const value = compute(seen);
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
