/**
 * Backfill progress from the follower's batch events: while the follower is
 * behind the head it logs blocks done / total and the rate (at most once per
 * `intervalMs`), then one line when it has caught up; batches at the head are
 * logged at debug level only.
 */
import type { Logger } from "#protocol/logger.ts";
import type { FollowerEvent } from "./follower.ts";

export interface BackfillProgressOptions {
  logger: Logger;
  /** Confirmations the follower waits for: caught up means toBlock >= head - confirmations. */
  confirmations: number;
  /** Minimum time between two progress lines (default 5 s). */
  intervalMs?: number;
  now?: () => number;
}

export function createBackfillProgress(options: BackfillProgressOptions): (event: FollowerEvent) => void {
  const { logger, confirmations } = options;
  const intervalMs = options.intervalMs ?? 5_000;
  const now = options.now ?? (() => performance.now());
  let first: { block: number; at: number } | null = null;
  let lastLine = -Infinity;
  let caughtUp = false;
  return (event) => {
    if (event.type !== "batch") return;
    const target = event.headBlock - confirmations;
    const at = now();
    if (!first) first = { block: event.fromBlock - 1, at };
    const done = event.toBlock - first.block;
    const total = Math.max(done, target - first.block);
    const seconds = (at - first.at) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    if (event.toBlock >= target) {
      if (!caughtUp) {
        caughtUp = true;
        logger.info(
          { block: event.toBlock, headBlock: event.headBlock, blocksDone: done, seconds: round(seconds) },
          "backfill: caught up with the chain",
        );
      } else {
        logger.debug({ fromBlock: event.fromBlock, toBlock: event.toBlock, events: event.events }, "batch");
      }
      return;
    }
    caughtUp = false;
    if (at - lastLine < intervalMs) return;
    lastLine = at;
    logger.info(
      {
        blocksDone: done,
        blocksTotal: total,
        percent: round((100 * done) / total),
        blocksPerSecond: round(rate),
        block: event.toBlock,
        headBlock: event.headBlock,
      },
      `backfill: ${done}/${total} blocks (${round(rate)} blocks/s)`,
    );
  };
}

const round = (x: number) => Math.round(x * 10) / 10;
