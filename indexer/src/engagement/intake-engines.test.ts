/**
 * Intake's guarantees on both engines, through the indexer's intake writer (group commit):
 * many messages per transaction, one acceptance per (account, nonce) even when the same nonce
 * arrives twice in one batch or at two writers on one PostgreSQL database, nothing counted
 * twice, and a writer killed in the middle of a burst loses no acknowledged message and leaves
 * no entry without its derived rows.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MessageByKind } from "#protocol";
import { SOCIAL, seedChain, sign, tempDir, wallets } from "#test-kit/helpers.ts";
import { ENGINES, type IntakeEngine, lazyPostgres, openIntakeEngine } from "#test-kit/intake-engine.ts";
import { chainStore } from "#test-kit/stores.ts";
import { openDb } from "../store/db.ts";
import type { NewLogEntry } from "../store/engine/engagement-store.ts";
import { openPostgres } from "../store/engine/engine.ts";
import type { EngagementError } from "./errors.ts";
import { createIntakeWriter } from "./group-commit.ts";
import { createEngagementService, type EngagementService } from "./submit.ts";

type W = ReturnType<typeof wallets>[number];
const [alice, bob, carol, dave] = wallets() as [W, W, W, W];
const NOW = 1_700_100_000;
const OPEN = { perAccount: { ratePerSec: 1e6, burst: 1e6 }, perClient: { ratePerSec: 1e6, burst: 1e6 } };

const postgres = lazyPostgres();

const serviceOver = (store: IntakeEngine["store"], append: (e: NewLogEntry) => Promise<number>) =>
  createEngagementService({
    store,
    append,
    chainId: 31337,
    verifyingContract: SOCIAL,
    now: () => NOW,
    intake: OPEN,
  });

const outcome = async (p: Promise<{ seq: number }>) =>
  p.then(
    (r) => ({ seq: r.seq }),
    (e: EngagementError) => ({ code: e.code }),
  );

const follow = (w: W, target: string, nonce: bigint, follow = true) =>
  sign(w, "Follow", {
    account: w.address,
    target: target as `0x${string}`,
    follow,
    timestamp: BigInt(NOW),
    nonce,
  } as MessageByKind["Follow"]);

describe.each(ENGINES)("intake group commit (%s)", (kind) => {
  let e: IntakeEngine;
  let tmp: ReturnType<typeof tempDir>;
  let service: EngagementService;

  beforeEach(async () => {
    tmp = tempDir();
    e = await openIntakeEngine(kind, {
      path: `${tmp.dir}/db.sqlite`,
      seed: (db) => seedChain(chainStore(db), alice.address, 3),
      postgres,
    });
    service = serviceOver(e.store, e.writer.append);
  }, 60_000);
  afterEach(async () => {
    await e.close();
    tmp.cleanup();
  });

  it("commits a burst in few transactions, one acceptance per nonce, counted once", async () => {
    const targets = [...Array(40)].map((_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}`);
    const follows = await Promise.all(
      [bob, carol, dave].flatMap((w) => targets.map((t, i) => follow(w, t, BigInt(i + 1)))),
    );
    // The same message again, and the same nonce under another message, in the same burst.
    const replay = await follow(bob, `0x${"ee".repeat(20)}`, 1n);
    const like = (w: W, nonce: bigint) =>
      sign(w, "Like", { account: w.address, postId: 1n, timestamp: BigInt(NOW), nonce });
    const likes = await Promise.all([like(bob, 1000n), like(carol, 1001n)]);
    // Bob's second like of the post under a fresh nonce: refused, or logged without counting.
    const secondLike = await like(bob, 2000n);
    const all = [...follows, follows[0], replay, ...likes, secondLike] as Array<{
      kind: string;
      json: string;
      signature: string;
    }>;
    // The transactions the group commit makes, and their sizes.
    const batches: number[] = [];
    const store = e.store;
    const appendBatch = store.appendBatch.bind(store);
    store.appendBatch = (entries) => {
      batches.push(entries.length);
      return appendBatch(entries);
    };
    const results = await Promise.all(all.map((m) => outcome(service.submit(m.kind, m.json, m.signature))));

    expect(results.slice(0, follows.length).every((r) => "seq" in r)).toBe(true);
    expect(results[follows.length]).toEqual({ code: "DUPLICATE" });
    expect(results[follows.length + 1]).toEqual({ code: "REPLAY" });
    expect(results.slice(follows.length + 2, -1).every((r) => "seq" in r)).toBe(true);
    const last = results.at(-1) as { seq?: number; code?: string };
    if (last.seq === undefined) expect(last.code).toBe("ALREADY_LIKED");
    const accepted = results.flatMap((r) => ("seq" in r ? [r.seq] : []));
    expect(accepted).toHaveLength(follows.length + likes.length + (last.seq === undefined ? 0 : 1));
    const seqs = [...accepted].sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(seqs.length);
    // SQLite's rowids are dense; PostgreSQL's identity may skip the value a refused insert drew.
    if (kind === "sqlite") expect(seqs.at(-1)).toBe(seqs.length);
    expect(await e.scalar("SELECT COUNT(*) FROM engagement_log")).toBe(accepted.length);
    expect(await e.scalar("SELECT COUNT(*) FROM follows")).toBe(follows.length);
    expect(await e.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'FOLLOW'")).toBe(follows.length);
    expect(await e.scalar("SELECT likes FROM post_stats WHERE post_id = 1")).toBe(2);
    expect(await e.scalar("SELECT COUNT(*) FROM likes WHERE post_id = 1")).toBe(2);
    // Group commit: the burst took a handful of transactions, not one per message.
    expect(batches.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(accepted.length);
    expect(batches.length).toBeLessThan(all.length / 4);
  });
});

describe("two intake writers on one PostgreSQL database", () => {
  it("never both accept the same (account, nonce)", async () => {
    const tmp = tempDir();
    const seeded = openDb(`${tmp.dir}/seed.sqlite`);
    await seedChain(chainStore(seeded), alice.address, 3);
    const server = await postgres();
    const url = await server.createDatabase();
    const { mirrorToPostgres } = await import("#test-kit/mirror.ts");
    const first = await openPostgres(url);
    await mirrorToPostgres(seeded, first);
    const second = await openPostgres(url);
    const writers = [createIntakeWriter(first), createIntakeWriter(second)];
    const services = writers.map((w) => serviceOver(w.store, w.append));
    try {
      // Each (account, nonce) sent to both writers: the same message, or two different messages.
      const keys = [bob, carol, dave].flatMap((w) =>
        [...Array(30)].map((_, i) => [w, BigInt(i + 1)] as const),
      );
      const pairs = await Promise.all(
        keys.map(async ([w, nonce], i) => {
          const a = await follow(w, `0x${(i + 1).toString(16).padStart(40, "0")}`, nonce);
          const b =
            i % 2 === 0 ? a : await follow(w, `0x${(i + 1001).toString(16).padStart(40, "0")}`, nonce);
          return [a, b] as const;
        }),
      );
      const results = await Promise.all(
        pairs.map(([a, b]) =>
          Promise.all([
            outcome((services[0] as EngagementService).submit(a.kind, a.json, a.signature)),
            outcome((services[1] as EngagementService).submit(b.kind, b.json, b.signature)),
          ]),
        ),
      );
      results.forEach(([x, y], i) => {
        const won = [x, y].filter((r) => "seq" in r);
        expect(won, `key ${i}`).toHaveLength(1);
        const lost = [x, y].find((r) => !("seq" in r)) as { code: string };
        expect(lost.code).toBe(i % 2 === 0 ? "DUPLICATE" : "REPLAY");
      });
      const pool = first.pool as NonNullable<typeof first.pool>;
      const count = async (q: string) => Number((await pool.query(q)).rows[0].n);
      expect(await count("SELECT COUNT(*) AS n FROM engagement_log")).toBe(keys.length);
      expect(await count("SELECT COUNT(*) AS n FROM follows")).toBe(keys.length);
      expect(await count("SELECT COUNT(*) AS n FROM notifications WHERE kind = 'FOLLOW'")).toBe(keys.length);
      expect(
        await count("SELECT COUNT(*) AS n FROM (SELECT account, nonce FROM engagement_log GROUP BY 1, 2) k"),
      ).toBe(keys.length);
    } finally {
      for (const w of writers) w.close();
      await first.close();
      await second.close();
      seeded.close();
      tmp.cleanup();
    }
  }, 120_000);
});

describe.each(ENGINES)("a writer killed in the middle of a burst (%s)", (kind) => {
  let child: ChildProcess | null = null;
  afterEach(() => {
    child?.kill("SIGKILL");
  });

  it("loses no acknowledged message and leaves no partial one", async () => {
    const tmp = tempDir();
    const path = `${tmp.dir}/writer.sqlite`;
    const target = kind === "sqlite" ? path : await (await postgres()).createDatabase();
    if (kind === "sqlite") openDb(path).close();
    else await (await openPostgres(target)).close();
    const acked = new Map<string, number>();
    const proc = spawn(process.execPath, ["--import", "tsx", "test/kit/intake-burst.ts"], {
      env: { ...process.env, AMP_BURST_STORE: target },
      stdio: ["ignore", "pipe", "inherit"],
    });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
      lines.on("line", (line) => {
        const [word, account, nonce, seq] = line.split(" ");
        if (word !== "ack") return;
        acked.set(`${account}:${nonce}`, Number(seq));
        if (acked.size === 400) {
          proc.kill("SIGKILL");
          resolve();
        }
      });
      proc.once("exit", (code, signal) => {
        if (signal !== "SIGKILL") reject(new Error(`writer exited early (${code})`));
      });
    });
    await new Promise((resolve) => proc.once("exit", resolve).exitCode !== null && resolve(null));
    child = null;

    type Row = { account: string; nonce: string; seq: number; followed: number; notified: number };
    const query = `SELECT l.account, l.nonce, l.seq,
        (SELECT COUNT(*) FROM follows f WHERE f.follower = l.account AND f.seq = l.seq) AS followed,
        (SELECT COUNT(*) FROM notifications n WHERE n.actor = l.account AND n.seq = l.seq AND n.kind = 'FOLLOW') AS notified
      FROM engagement_log l ORDER BY l.seq`;
    let rows: Row[];
    if (kind === "sqlite") {
      // Reopening runs SQLite's recovery of the WAL the killed process left.
      const db = openDb(path);
      rows = db.prepare(query).all() as Row[];
      db.close();
    } else {
      const engine = await openPostgres(target);
      rows = (await (engine.pool as NonNullable<typeof engine.pool>).query<Row>(query)).rows.map((r) => ({
        ...r,
        followed: Number(r.followed),
        notified: Number(r.notified),
      }));
      await engine.close();
    }
    tmp.cleanup();
    const stored = new Map(rows.map((r) => [`${r.account}:${r.nonce}`, r.seq]));
    for (const [key, seq] of acked) expect(stored.get(key), key).toBe(seq);
    expect(rows.length).toBeGreaterThanOrEqual(acked.size);
    // Every stored entry is whole: its follow and its notification were committed with it.
    expect(rows.filter((r) => r.followed !== 1 || r.notified !== 1)).toEqual([]);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
  }, 180_000);
});
