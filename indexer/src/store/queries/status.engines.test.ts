/** The indexing-progress queries on both engines: a seeded store and an empty one. */
import { describe, expect, it } from "vitest";
import { BLOCKS, blockTime, seedChainRows } from "#test-kit/chain-rows.ts";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import { statusQueries } from "./status.ts";

describe("status queries on SQLite and PostgreSQL", () => {
  const pair = enginePairForSuite(seedChainRows);

  it("reads the checkpoint, the latest block's time and the log size", async () => {
    expect(await pair.same((r) => statusQueries(r).checkpoint())).toEqual({
      blockNumber: BLOCKS,
      finalizedBlock: 20,
      headBlock: BLOCKS + 2,
    });
    expect(await pair.same((r) => statusQueries(r).latestBlockTime())).toBe(blockTime(BLOCKS));
    expect(await pair.same((r) => statusQueries(r).logSize())).toBe(9);
  });
});

describe("status queries on an empty store", () => {
  const pair = enginePairForSuite(() => undefined);

  it("answers no checkpoint, no block and an empty log", async () => {
    expect(await pair.same((r) => statusQueries(r).checkpoint())).toBeNull();
    expect(await pair.same((r) => statusQueries(r).latestBlockTime())).toBeNull();
    expect(await pair.same((r) => statusQueries(r).logSize())).toBe(0);
  });
});
