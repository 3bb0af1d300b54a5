import { describe, expect, it } from "vitest";
import { captureLogs } from "#test-kit/logs.ts";
import { createBackfillProgress } from "./progress.ts";

const batch = (fromBlock: number, toBlock: number, headBlock: number) =>
  ({ type: "batch", fromBlock, toBlock, events: 3, headBlock }) as const;

describe("backfill progress", () => {
  it("logs blocks done / total and the rate while behind, then one line when caught up", () => {
    const logs = captureLogs();
    let now = 0;
    const progress = createBackfillProgress({
      logger: logs.logger,
      confirmations: 2,
      intervalMs: 1000,
      now: () => now,
    });
    // Head 1002 with 2 confirmations: the target is block 1000, from block 1.
    progress(batch(1, 100, 1002)); // first line at once
    now = 500;
    progress(batch(101, 200, 1002)); // within the interval: quiet
    now = 2000;
    progress(batch(201, 500, 1002));
    progress({ type: "finalized", blockNumber: 400 });
    now = 4000;
    progress(batch(501, 1000, 1002)); // caught up
    now = 5000;
    progress(batch(1001, 1001, 1003)); // at the head: debug only
    const lines = logs.lines();
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ["info", "backfill: 100/1000 blocks (0 blocks/s)"],
      ["info", "backfill: 500/1000 blocks (250 blocks/s)"],
      ["info", "backfill: caught up with the chain"],
      ["debug", "batch"],
    ]);
    expect(lines[1]).toMatchObject({ blocksDone: 500, blocksTotal: 1000, percent: 50, blocksPerSecond: 250 });
    expect(lines[2]).toMatchObject({ block: 1000, blocksDone: 1000, seconds: 4 });
  });
});
