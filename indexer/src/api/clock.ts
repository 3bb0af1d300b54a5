/** The API's notion of "now": wall clock, but never before the latest indexed block (local chains jump ahead). */
import { chainTimeSource, type LatestBlock } from "../store/chain-time.ts";
import type { Queries } from "../store/queries.ts";

/** Reads the latest block from the store's `chainTimeSource` (refreshed before each API request). */
export function createChainClock(
  source: Queries | LatestBlock,
  wall: () => number = () => Math.floor(Date.now() / 1000),
) {
  const latest: LatestBlock = "engineKind" in source ? chainTimeSource(source) : source;
  return (): number => Math.max(wall(), latest.latestBlockTime() ?? 0);
}
