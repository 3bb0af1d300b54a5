/** Indexing progress: checkpoint, latest block time, log size. */
import type { Reader } from "./reader.ts";

export function statusQueries({ get }: Reader) {
  return {
    checkpoint: () =>
      get<{ blockNumber: number; finalizedBlock: number; headBlock: number }>(
        "SELECT block_number AS blockNumber, finalized_block AS finalizedBlock, head_block AS headBlock FROM checkpoint WHERE id = 1",
      ) ?? null,
    latestBlockTime: () =>
      get<{ t: number }>("SELECT timestamp AS t FROM blocks ORDER BY number DESC LIMIT 1")?.t ?? null,
    /** The log is append-only and never deleted from, so its size is its last seq. */
    logSize: () => get<{ n: number }>("SELECT COALESCE(MAX(seq), 0) AS n FROM engagement_log")?.n ?? 0,
  };
}
