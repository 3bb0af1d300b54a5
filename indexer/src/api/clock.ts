/** The API's notion of "now": wall clock, but never before the latest indexed block (local chains jump ahead). */
import type { Queries } from "../store/queries.ts";

export function createChainClock(queries: Queries, wall: () => number = () => Math.floor(Date.now() / 1000)) {
  return (): number => Math.max(wall(), queries.latestBlockTime() ?? 0);
}
