/**
 * The group commit behind intake, on a real SQLite file (and, where the engine does not matter,
 * on PostgreSQL too): an entry is answered only after its commit, the WAL file's sync (SQLite)
 * and the acknowledgement mark; appends arriving while a batch commits form the next batch;
 * answers follow commit order; one refused entry does not undo the others.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "#test-kit/helpers.ts";
import { ENGINES, type IntakeEngine, lazyPostgres, openIntakeEngine } from "#test-kit/intake-engine.ts";
import { gate } from "#test-kit/open-transaction.ts";
import { ackMarkPath, readAckMark } from "../store/ack-mark.ts";
import { openDb } from "../store/db.ts";
import { LogNonceTakenError, type NewLogEntry } from "../store/engine/engagement-store.ts";
import { sqliteEngine } from "../store/engine/engine.ts";
import { createIntakeWriter } from "./group-commit.ts";

const postgres = lazyPostgres();
const ACCOUNT = "0x00000000000000000000000000000000000000a1";

/** A Follow entry (the store takes entries as verified: no signature is checked here). */
function follow(nonce: number, target = `0x${nonce.toString(16).padStart(40, "0")}`): NewLogEntry {
  const message = { account: ACCOUNT, target, follow: true, timestamp: "1700000100", nonce: String(nonce) };
  return {
    kind: "Follow",
    signer: ACCOUNT,
    message,
    json: JSON.stringify(message),
    signature: "0x",
    receivedAt: 1_700_000_100,
  };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("the group commit on a SQLite file", () => {
  let tmp: ReturnType<typeof tempDir>;
  let path: string;
  beforeEach(() => {
    tmp = tempDir("amp-group-commit-");
    path = `${tmp.dir}/intake.sqlite`;
  });
  afterEach(() => tmp.cleanup());

  it("answers an entry only once the WAL file is synced and the mark records it", async () => {
    const engine = sqliteEngine(openDb(path));
    const ackMark = ackMarkPath(path);
    const writer = createIntakeWriter(engine, { walPath: `${path}-wal`, ackMark });
    try {
      const marked: Array<[number, number]> = [];
      const seqs = await Promise.all(
        [1, 2, 3].map((n) =>
          writer.append(follow(n)).then((seq) => {
            marked.push([seq, readAckMark(ackMark)]);
            return seq;
          }),
        ),
      );
      expect(seqs).toEqual([1, 2, 3]);
      // When each caller hears its seq, the mark already holds it (or a later one).
      for (const [seq, mark] of marked) expect(mark).toBeGreaterThanOrEqual(seq);
      expect(readAckMark(ackMark)).toBe(3);
    } finally {
      writer.close();
      await engine.close();
    }
  });

  it("acknowledges nothing when the WAL file cannot be synced: the callers hear why and the mark stays", async () => {
    const engine = sqliteEngine(openDb(path));
    const ackMark = ackMarkPath(path);
    // The WAL file named is not the database's (it does not exist): nothing can be made durable.
    const writer = createIntakeWriter(engine, { walPath: `${path}-missing-wal`, ackMark });
    try {
      const outcomes = await Promise.all(
        [1, 2].map((n) => writer.append(follow(n)).then(String, (e: { code?: string }) => e.code)),
      );
      expect(outcomes).toEqual(["LOG_WAL_MISSING", "LOG_WAL_MISSING"]);
      expect(readAckMark(ackMark)).toBe(0);
    } finally {
      writer.close();
      await engine.close();
    }
  });

  it("answers batches in commit order while the next batch commits during a sync", async () => {
    const engine = sqliteEngine(openDb(path));
    const ackMark = ackMarkPath(path);
    const writer = createIntakeWriter(engine, { walPath: `${path}-wal`, ackMark });
    try {
      const answered: number[] = [];
      const pending: Promise<number>[] = [];
      for (let n = 1; n <= 60; n++) {
        pending.push(
          writer.append(follow(n)).then((seq) => {
            answered.push(seq);
            return seq;
          }),
        );
        // A few appends per turn of the event loop: several batches, committed one after another.
        if (n % 7 === 0) await turn();
      }
      await Promise.all(pending);
      expect(answered).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      expect(readAckMark(ackMark)).toBe(60);
    } finally {
      writer.close();
      await engine.close();
    }
  });
});

describe.each(ENGINES)("the group commit's batches (%s)", (kind) => {
  let tmp: ReturnType<typeof tempDir>;
  let e: IntakeEngine;
  beforeEach(async () => {
    tmp = tempDir("amp-group-commit-");
    e = await openIntakeEngine(kind, { path: `${tmp.dir}/intake.sqlite`, postgres });
  });
  afterEach(async () => {
    await e.close();
    tmp.cleanup();
  });

  it("gathers the appends that arrive while a batch commits into the next batch", async () => {
    const batches: number[] = [];
    const held = gate();
    const appendBatch = e.store.appendBatch.bind(e.store);
    e.store.appendBatch = async (entries) => {
      batches.push(entries.length);
      if (batches.length === 1) await held.opened;
      return appendBatch(entries);
    };
    const first = e.writer.append(follow(1));
    await turn();
    await turn();
    // The first batch is committing (held); these five wait for it and then go together.
    const rest = [2, 3, 4, 5, 6].map((n) => e.writer.append(follow(n)));
    await turn();
    expect(batches).toEqual([1]);
    held.open();
    const seqs = await Promise.all([first, ...rest]);
    expect(batches).toEqual([1, 5]);
    expect(new Set(seqs).size).toBe(6);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(Number(await e.scalar("SELECT COUNT(*) FROM follows"))).toBe(6);
  });

  it("refuses a taken nonce and an entry the database rejects alone; the rest of the batch commits", async () => {
    const taken = await e.writer.append(follow(1));
    const broken = { ...follow(3), json: null as unknown as string };
    const outcomes = await Promise.all(
      [follow(2), follow(1, "0x00000000000000000000000000000000000000c3"), broken, follow(4)].map((entry) =>
        e.writer.append(entry).then(
          (seq) => ({ seq }),
          (error: unknown) => ({ error }),
        ),
      ),
    );
    expect("seq" in (outcomes[0] as object)).toBe(true);
    expect((outcomes[1] as { error: unknown }).error).toBeInstanceOf(LogNonceTakenError);
    expect((outcomes[2] as { error?: unknown }).error).toBeDefined();
    expect((outcomes[2] as { error: unknown }).error).not.toBeInstanceOf(LogNonceTakenError);
    expect("seq" in (outcomes[3] as object)).toBe(true);
    expect(Number(await e.scalar("SELECT COUNT(*) FROM engagement_log"))).toBe(3);
    expect(Number(await e.scalar("SELECT COUNT(*) FROM engagement_log WHERE nonce = '3'"))).toBe(0);
    expect(Number(await e.scalar("SELECT COUNT(*) FROM follows"))).toBe(3);
    expect(taken).toBeGreaterThan(0);
  });
});
