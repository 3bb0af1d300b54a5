/** Chain time as the next transaction will see it, projected from the latest indexed block. */
import type { Queries } from "./queries.ts";

/**
 * Chain time as the next transaction will see it, in unix seconds: the latest indexed block's
 * timestamp plus the wall time elapsed since this clock first saw that block (0 before any block).
 *
 * On a chain whose clock runs with the wall clock (Hardhat: max(previous, wall clock + offset),
 * and previous + 1 without `allowBlocksWithSameTimestamp`; Ethereum and rollups: the slot time),
 * the next block is stamped at least this: the block was stamped before it was seen, so the time
 * since it was seen never exceeds the time since it was stamped. So the projection is never behind
 * the chain (it starts at the latest block and only grows until the next one replaces it), and
 * never ahead of the earliest timestamp the next block can carry: whatever it calls active (an
 * epoch's `activeAt` reached) the contract treats as active in the next block, on an idle chain
 * too, where no block is mined until someone sends a transaction. It adds no second for the next
 * block (chains that allow blocks with the same timestamp, as the local network does, may not).
 */
export function createProjectedChainTime(
  queries: Pick<Queries, "latestBlockTime">,
  wallMs: () => number = () => Date.now(),
): () => number {
  let seen: { timestamp: number; atMs: number } | null = null;
  return () => {
    const latest = queries.latestBlockTime();
    if (latest === null) {
      seen = null;
      return 0;
    }
    const now = wallMs();
    // A new block (or a reorg to another timestamp) starts the projection again from its stamp.
    if (seen === null || seen.timestamp !== latest) seen = { timestamp: latest, atMs: now };
    return latest + Math.max(0, Math.floor((now - seen.atMs) / 1000));
  };
}

const shared = new WeakMap<object, () => number>();

/**
 * The projected chain time of `queries`' store, one clock per store: the API's status fields and
 * the claim proof read the same projection, so they never disagree.
 */
export function projectedChainTime(queries: Pick<Queries, "latestBlockTime">): () => number {
  let clock = shared.get(queries);
  if (!clock) {
    clock = createProjectedChainTime(queries);
    shared.set(queries, clock);
  }
  return clock;
}
