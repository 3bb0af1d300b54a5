/** The escrow queries on both engines over the same rows: disputes, refunds, pause, roles, the dispute pool. */
import { describe, expect, it } from "vitest";
import { addr, blockTime, ESCROW, hash, seedChainRows } from "#test-kit/chain-rows.ts";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import { escrowQueries } from "./escrow.ts";
import type { Reader } from "./sql-reader.ts";

describe("escrow queries on SQLite and PostgreSQL", () => {
  const pair = enginePairForSuite(seedChainRows);
  const q = (r: Reader) => escrowQueries(r);

  it("reads a settlement's latest dispute and the lowest open one", async () => {
    expect(await pair.same((r) => q(r).disputeOf(19, 1))).toEqual({
      epoch: 9,
      disputer: addr(8),
      bond: "2000",
      deadline: 1_700_006_000,
      status: 1,
      paid: null,
      blockNumber: 22,
      resolvedBlock: null,
    });
    expect(await pair.same((r) => q(r).disputeOf(14, 1))).toMatchObject({ status: 2, paid: "1600" });
    expect(await pair.same((r) => q(r).disputeOf(1, 1))).toBeNull();
    // The open dispute of a revoked settlement (epoch 3's first) does not count.
    expect(await pair.same((r) => q(r).lowestOpenDispute())).toBe(9);
  });

  it("sums refund withdrawals and the dispute pool exactly, beyond 2^53 and 2^64", async () => {
    expect(await pair.same((r) => q(r).refundWithdrawn(3))).toBe(2n ** 255n);
    expect(await pair.same((r) => q(r).refundWithdrawn(7))).toBe(5n);
    expect(await pair.same((r) => q(r).refundWithdrawn(999))).toBe(0n);
    // Funding 10^30 + 7, plus a rejected bond of 1000, less an upheld reward of 1600 - 500.
    expect(await pair.same((r) => q(r).disputePool())).toBe(10n ** 30n + 7n + 1000n - 1100n);
  });

  it("reads the pause state, role holders and pending role changes alike", async () => {
    expect(await pair.same((r) => q(r).pauseState())).toEqual({
      paused: 1,
      timestamp: blockTime(23),
      blockNumber: 23,
    });
    expect(await pair.same((r) => q(r).roleHolders(ESCROW))).toEqual([
      { role: hash(0xa), account: addr(3) },
      { role: hash(0xb), account: addr(4) },
    ]);
    expect(await pair.same((r) => q(r).roleHolders(addr(0xfff)))).toEqual([
      { role: hash(0xa), account: addr(9) },
    ]);
    expect(await pair.same((r) => q(r).roleHolders(addr(999)))).toEqual([]);
    expect(await pair.same((r) => q(r).pendingRoleChanges())).toEqual([
      { role: hash(0xa), account: addr(5), grant: 1, readyAt: 1_700_009_000, blockNumber: 7 },
      { role: hash(0xb), account: addr(4), grant: 0, readyAt: 1_700_009_100, blockNumber: 7 },
    ]);
  });
});
