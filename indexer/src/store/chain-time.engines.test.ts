/**
 * The API's chain time on both engines: the latest block is read from the store (asynchronously on
 * PostgreSQL), kept for the synchronous clocks, and read again when a request refreshes it, at
 * most every `maxAgeMs`; a reader that does not write the chain (an API replica) sees the
 * writer's new blocks after a refresh, and the projection keeps its rules.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { BLOCKS, blockTime, hash, seedChainRows } from "#test-kit/chain-rows.ts";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import { createChainClock } from "../api/clock.ts";
import { createChainTimeSource, createProjectedChainTime } from "./chain-time.ts";
import type { Reader } from "./queries/sql-reader.ts";
import { statusQueries } from "./queries/status.ts";

describe("chain time on SQLite and PostgreSQL", () => {
  const pair = enginePairForSuite(seedChainRows);

  it("follows the writer's blocks after a refresh, at most every maxAgeMs, never before the block", async () => {
    const addBlock = async (n: number, timestamp: number) => {
      pair
        .db()
        .prepare("INSERT INTO blocks (number, hash, parent_hash, timestamp) VALUES (?, ?, ?, ?)")
        .run(n, hash(n), hash(n - 1), timestamp);
      await sql`INSERT INTO blocks (number, hash, parent_hash, timestamp) VALUES (${n}, ${hash(n)}, ${hash(n - 1)}, ${timestamp})`.execute(
        pair.engine().db,
      );
    };
    let wall = 5_000_000;
    const clocks = (r: Reader) => {
      const source = createChainTimeSource(statusQueries(r), { maxAgeMs: 200, wallMs: () => wall });
      return {
        source,
        projected: createProjectedChainTime(source, () => wall),
        now: createChainClock(source, () => 0),
      };
    };
    const [a, b] = [clocks(pair.sqlite()), clocks(pair.postgres())];
    const both = async () => {
      await Promise.all([a.source.refresh(), b.source.refresh()]);
      const answers = [a, b].map((c) => [c.source.latestBlockTime(), c.projected(), c.now()]);
      expect(answers[1]).toEqual(answers[0]);
      return answers[0] as number[];
    };
    // Before any refresh: no block seen yet.
    expect(a.source.latestBlockTime()).toBeNull();
    expect(await both()).toEqual([blockTime(BLOCKS), blockTime(BLOCKS), blockTime(BLOCKS)]);
    wall += 1500;
    expect(await both()).toEqual([blockTime(BLOCKS), blockTime(BLOCKS) + 1, blockTime(BLOCKS)]);
    // The writer adds a block: within maxAgeMs of the last read it is not read yet (the projection
    // still grows only with the wall clock), after it it is.
    await addBlock(BLOCKS + 1, blockTime(BLOCKS) + 7);
    wall += 100;
    expect((await both())[0]).toBe(blockTime(BLOCKS));
    wall += 150;
    expect(await both()).toEqual([blockTime(BLOCKS) + 7, blockTime(BLOCKS) + 7, blockTime(BLOCKS) + 7]);
    // A chain clock that jumped ahead (evm_increaseTime): the new block's stamp at once.
    await addBlock(BLOCKS + 2, blockTime(BLOCKS) + 86_400);
    wall += 250;
    expect((await both())[1]).toBe(blockTime(BLOCKS) + 86_400);
  });

  it("shares one read among concurrent refreshes and recovers from a failed one", async () => {
    let reads = 0;
    let fail = false;
    let wall = 0;
    const queries = statusQueries(pair.postgres());
    const source = createChainTimeSource(
      {
        latestBlockTime: async () => {
          reads++;
          if (fail) throw new Error("store unreachable");
          return queries.latestBlockTime();
        },
      },
      { maxAgeMs: 200, wallMs: () => wall },
    );
    const [x, y] = await Promise.all([source.refresh(), source.refresh()]);
    expect(x).toBe(y);
    expect(reads).toBe(1);
    await source.refresh();
    expect(reads).toBe(1);
    wall += 200;
    fail = true;
    await expect(source.refresh()).rejects.toThrow("store unreachable");
    // The value read before stays; reading it starts a refresh, which the next awaited one shares.
    fail = false;
    expect(source.latestBlockTime()).toBe(x);
    expect(await source.refresh()).toBe(x);
    expect(reads).toBe(3);
  });
});
