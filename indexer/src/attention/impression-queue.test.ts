/**
 * The impression queue over a synchronous log (SQLite) and one whose append is
 * a promise settled after the commit (PostgreSQL's group commit): the ledger
 * reads a batch back only once its appends are in; a failed append is logged
 * and counted once, and its reservation dropped with the others.
 */
import type { Address } from "viem";
import { describe, expect, it } from "vitest";
import { captureLogs } from "#test-kit/logs.ts";
import {
  createImpressionIssuer,
  DEV_IMPRESSION_KEY,
  type ImpressionFields,
} from "../engagement/impressions.ts";
import type { NewLogEntry } from "../store/engine/engagement-store.ts";
import { account } from "./fixtures.ts";
import { ImpressionQueue } from "./impression-queue.ts";

const SOCIAL = "0x00000000000000000000000000000000000050c1" as Address;
const T = 1_700_000_000;
const viewer = account(2);

const fields = (campaignId: bigint, i: number): ImpressionFields => ({
  viewer,
  campaignId,
  postId: BigInt(i + 1),
  price: 10n,
  policySeq: 0n,
  expiresAt: BigInt(T + 3600),
  timestamp: BigInt(T + i),
});

function issuerOver<Seq extends number | Promise<number>>(append: (entry: NewLogEntry) => Seq) {
  return createImpressionIssuer({
    store: { append },
    key: DEV_IMPRESSION_KEY,
    chainId: 31337,
    verifyingContract: SOCIAL,
  });
}

describe("impression queue", () => {
  it("over a synchronous log: appended, read back and released in the same turn", async () => {
    const log: NewLogEntry[] = [];
    const seen: { logged: number; reserved: number }[] = [];
    const queue: ImpressionQueue = new ImpressionQueue({
      issuer: issuerOver((e) => log.push(e)),
      onLogged: () => seen.push({ logged: log.length, reserved: queue.impressionsOf(viewer, 1n) }),
    });
    for (let i = 0; i < 3; i++) queue.reserve(fields(1n, i), T);
    expect(queue.impressionsOf(viewer, 1n)).toBe(3);
    expect(queue.committed(1n)).toBe(30n);
    await queue.settled();
    expect(seen).toEqual([{ logged: 3, reserved: 3 }]);
    expect(queue.impressionsOf(viewer, 1n)).toBe(0);
    expect(queue.committed(1n)).toBe(0n);
    expect(queue.failed).toBe(0);
  });

  it("over a log whose append is a promise: the ledger reads the batch once every append is committed", async () => {
    const committed: NewLogEntry[] = [];
    const seen: { committed: number; reserved: number }[] = [];
    const queue: ImpressionQueue = new ImpressionQueue({
      // Committed a few turns later, in the order the appends came (a group commit).
      issuer: issuerOver(
        (e) =>
          new Promise<number>((resolve) =>
            setTimeout(() => resolve(committed.push(e)), 5 + 5 * committed.length),
          ),
      ),
      onLogged: () => seen.push({ committed: committed.length, reserved: queue.impressionsOf(viewer, 1n) }),
      chunk: 2,
    });
    for (let i = 0; i < 5; i++) queue.reserve(fields(1n, i), T);
    await queue.settled();
    // Three batches (2 + 2 + 1); each read back after its appends, before its reservations are dropped.
    expect(seen).toEqual([
      { committed: 2, reserved: 5 },
      { committed: 4, reserved: 3 },
      { committed: 5, reserved: 1 },
    ]);
    expect(committed.map((e) => e.kind)).toEqual(Array(5).fill("Impression"));
    expect(new Set(committed.map((e) => e.json)).size).toBe(5);
    expect(queue.impressionsOf(viewer, 1n)).toBe(0);
    expect(queue.servedInHour(viewer, T + 10)).toBe(0);
    expect(queue.pending).toBe(0);
  });

  it("a failed append is logged and counted once, its reservation dropped; the rest of the batch is logged", async () => {
    const logs = captureLogs();
    const committed: NewLogEntry[] = [];
    let onLogged = 0;
    const queue = new ImpressionQueue({
      issuer: issuerOver(async (e) => {
        await new Promise((r) => setTimeout(r, 2));
        if (e.message.campaignId === "7") throw new RangeError("connection lost");
        return committed.push(e);
      }),
      onLogged: () => onLogged++,
      logger: logs.logger,
    });
    queue.reserve(fields(1n, 0), T);
    queue.reserve(fields(7n, 1), T);
    queue.reserve(fields(1n, 2), T);
    await queue.settled();
    expect(committed).toHaveLength(2);
    expect(queue.failed).toBe(1);
    expect(onLogged).toBe(1);
    expect(queue.committed(7n)).toBe(0n);
    expect(queue.impressionsOf(viewer, 7n)).toBe(0);
    expect(queue.impressionsOf(viewer, 1n)).toBe(0);
    const errors = logs.lines().filter((l) => l.msg === "impression not logged");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ campaignId: "7" });
    // The queue keeps working after a failure.
    queue.reserve(fields(1n, 3), T);
    await queue.settled();
    expect(committed).toHaveLength(3);
    expect(queue.failed).toBe(1);
  });

  it("a synchronous append that throws is counted the same way", async () => {
    const logs = captureLogs();
    const queue = new ImpressionQueue({
      issuer: issuerOver((): number => {
        throw new RangeError("disk full");
      }),
      onLogged: () => undefined,
      logger: logs.logger,
    });
    queue.reserve(fields(1n, 0), T);
    await queue.settled();
    expect(queue.failed).toBe(1);
    expect(queue.committed(1n)).toBe(0n);
    expect(logs.lines().filter((l) => l.msg === "impression not logged")).toHaveLength(1);
  });
});
