/** Indexing progress: checkpoint, latest block time, log size. */
import { type Reader, sql } from "./sql-reader.ts";

export function statusQueries(r: Reader) {
  return {
    checkpoint: async () =>
      (await r.get<{ blockNumber: number; finalizedBlock: number; headBlock: number }>(
        sql`SELECT block_number AS "blockNumber", finalized_block AS "finalizedBlock", head_block AS "headBlock" FROM checkpoint WHERE id = 1`,
      )) ?? null,
    latestBlockTime: async () =>
      (await r.get<{ t: number }>(sql`SELECT timestamp AS t FROM blocks ORDER BY number DESC LIMIT 1`))?.t ??
      null,
    /** The log is append-only and never deleted from, so its size is its last seq. */
    logSize: async () =>
      (await r.get<{ n: number }>(sql`SELECT COALESCE(MAX(seq), 0) AS n FROM engagement_log`))?.n ?? 0,
  };
}
