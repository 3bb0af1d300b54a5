import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeMessage, type MessageByKind, type MessageKind } from "#protocol";
import { DEV_KEYS, SOCIAL, seedChain, sign, tempDir, wallets } from "#test-kit/helpers.ts";
import { ENGINES, type IntakeEngine, lazyPostgres, openIntakeEngine } from "#test-kit/intake-engine.ts";
import { chainStore } from "#test-kit/stores.ts";
import { type Db, openDb } from "../store/db.ts";
import { EngagementError } from "./errors.ts";
import { exportLog, parseLogExport } from "./export.ts";
import { createEngagementService, type EngagementService } from "./submit.ts";

const NOW = 1_800_000_000;
const [alice, bob, session, stranger] = wallets() as [
  ReturnType<typeof wallets>[number],
  ReturnType<typeof wallets>[number],
  ReturnType<typeof wallets>[number],
  ReturnType<typeof wallets>[number],
];

const postgres = lazyPostgres();

describe.each(ENGINES)("engagement log (%s)", (kind) => {
  let e: IntakeEngine;
  let service: EngagementService;
  let tmp: ReturnType<typeof tempDir>;
  let clock = NOW;

  beforeEach(async () => {
    tmp = tempDir();
    e = await openIntakeEngine(kind, {
      path: `${tmp.dir}/db.sqlite`,
      seed: (db) => seedChain(chainStore(db), alice.address),
      postgres,
    });
    clock = NOW;
    service = createEngagementService({
      store: e.store,
      chainId: 31337,
      verifyingContract: SOCIAL,
      now: () => clock,
      append: e.writer.append,
    });
  }, 60_000);
  afterEach(async () => {
    await e.close();
    tmp.cleanup();
  });

  const like = (nonce: bigint, postId = 1n, account = bob.address, timestamp = BigInt(NOW)) => ({
    account,
    postId,
    timestamp,
    nonce,
  });
  const byBob = <K extends MessageKind>(
    _kind: K,
    fields: Omit<MessageByKind[K], "account" | "timestamp" | "nonce">,
    nonce: bigint,
    timestamp = BigInt(NOW),
  ) => ({ account: bob.address, ...fields, timestamp, nonce }) as MessageByKind[K];
  const count = () => e.scalar("SELECT COUNT(*) FROM engagement_log");
  const rejects = async (p: Promise<unknown>, code: string) => {
    const error = await p.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngagementError);
    expect((error as EngagementError).code).toBe(code);
  };

  it("stores a valid message signed by the account, in arrival order", async () => {
    const a = await sign(bob, "Like", like(1n));
    const b = await sign(
      bob,
      "View",
      byBob("View", { postId: 2n, dwellMs: 4000, campaignId: 0n }, 2n, BigInt(NOW - 86400)),
    );
    const r1 = await service.submit(a.kind, a.json, a.signature);
    const r2 = await service.submit(b.kind, b.json, b.signature);
    expect([r1.seq, r2.seq]).toEqual([1, 2]);
    expect(r1.signer).toBe(bob.address.toLowerCase());
    expect(await e.scalar("SELECT likes FROM post_stats WHERE post_id = 1")).toBe(1);
    expect(await e.scalar("SELECT views FROM post_stats WHERE post_id = 2")).toBe(1);
  });

  it("rejects a bad signature, a wrong signer and a replayed nonce, storing nothing", async () => {
    const a = await sign(bob, "Like", like(1n));
    const broken = `${a.signature.slice(0, 10)}${"00".repeat(60)}${a.signature.slice(130)}`;
    await rejects(service.submit("Like", a.json, broken), "BAD_SIGNATURE");
    await rejects(service.submit("Like", a.json, "0x1234"), "BAD_SIGNATURE");
    const forged = await sign(stranger, "Like", like(1n));
    await rejects(service.submit("Like", forged.json, forged.signature), "UNKNOWN_DELEGATION");
    expect(await count()).toBe(0);
    await service.submit("Like", a.json, a.signature);
    await rejects(service.submit("Like", a.json, a.signature), "DUPLICATE");
    const again = await sign(bob, "Like", like(1n, 2n));
    await rejects(service.submit("Like", again.json, again.signature), "REPLAY");
    expect(await count()).toBe(1);
  });

  it("rejects malformed fields, oversize payloads, future timestamps, unknown posts and campaigns", async () => {
    const a = await sign(bob, "Like", like(1n));
    await rejects(
      service.submit("Like", a.json.replace('"postId":"1"', '"postId":"-1"'), a.signature),
      "BAD_USER_INPUT",
    );
    await rejects(service.submit("Like", "{not json", a.signature), "BAD_USER_INPUT");
    await rejects(service.submit("Like", a.json.replace("}", ',"extra":1}'), a.signature), "BAD_USER_INPUT");
    await rejects(service.submit("Poke", a.json, a.signature), "BAD_USER_INPUT");
    const big = encodeMessage({ ...like(1n), text: "x".repeat(9000) });
    await rejects(service.submit("Comment", big, a.signature), "PAYLOAD_TOO_LARGE");
    const future = await sign(bob, "Like", like(2n, 1n, bob.address, BigInt(NOW + 3600)));
    await rejects(service.submit("Like", future.json, future.signature), "FUTURE_TIMESTAMP");
    const unknown = await sign(bob, "Like", like(3n, 99n));
    await rejects(service.submit("Like", unknown.json, unknown.signature), "UNKNOWN_POST");
    const view = await sign(bob, "View", byBob("View", { postId: 2n, dwellMs: 1, campaignId: 1n }, 4n));
    await rejects(service.submit("View", view.json, view.signature), "UNKNOWN_CAMPAIGN");
    expect(await count()).toBe(0);
  });

  it("accepts session keys with a live delegation and refuses expired or revoked ones", async () => {
    const viaKey = await sign(session, "Like", like(10n));
    await rejects(service.submit("Like", viaKey.json, viaKey.signature), "UNKNOWN_DELEGATION");
    const d = await sign(
      bob,
      "Delegation",
      byBob("Delegation", { sessionKey: session.address, expiresAt: BigInt(NOW + 3600) }, 1n),
    );
    await service.submit("Delegation", d.json, d.signature);
    // a session key cannot delegate on the account's behalf
    const chained = await sign(
      session,
      "Delegation",
      byBob("Delegation", { sessionKey: stranger.address, expiresAt: BigInt(NOW + 60) }, 2n),
    );
    await rejects(service.submit("Delegation", chained.json, chained.signature), "BAD_SIGNATURE");
    const ok = await service.submit("Like", viaKey.json, viaKey.signature);
    expect(ok.signer).toBe(session.address.toLowerCase());
    expect(ok.account).toBe(bob.address.toLowerCase());

    clock = NOW + 7200;
    const late = await sign(session, "Share", byBob("Share", { postId: 1n }, 11n, BigInt(NOW + 7000)));
    await rejects(service.submit("Share", late.json, late.signature), "DELEGATION_EXPIRED");

    clock = NOW;
    const revoke = await sign(
      bob,
      "RevokeDelegation",
      byBob("RevokeDelegation", { sessionKey: session.address }, 3n),
    );
    await service.submit("RevokeDelegation", revoke.json, revoke.signature);
    const after = await sign(session, "Share", byBob("Share", { postId: 1n }, 12n));
    await rejects(service.submit("Share", after.json, after.signature), "DELEGATION_REVOKED");
    expect(await count()).toBe(3);
  });

  it("exports a seq range as deterministic NDJSON with its keccak256 hash", async () => {
    const f = await sign(bob, "Follow", byBob("Follow", { target: alice.address, follow: true }, 1n));
    const p = await sign(
      bob,
      "Policy",
      byBob("Policy", { mode: 4, communities: [1n], topics: ["news"], blockedPromoters: [] }, 2n),
    );
    const c = await sign(alice, "Comment", {
      account: alice.address,
      postId: 3n,
      text: "héllo",
      timestamp: BigInt(NOW),
      nonce: 1n,
    });
    for (const m of [f, p, c]) await service.submit(m.kind, m.json, m.signature);
    // The export reads the SQLite file; on PostgreSQL the log's rows are copied into one first.
    const source = kind === "sqlite" ? e.sqlite : await copyLog(e);
    const all = exportLog(source, 1, 3);
    expect(all.count).toBe(3);
    expect(exportLog(source, 1, 3)).toEqual(all);
    expect(exportLog(source, 2, 3).hash).not.toBe(all.hash);
    const lines = parseLogExport(all.ndjson);
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3]);
    expect(lines[0]).toEqual({
      seq: 1,
      kind: "Follow",
      signer: bob.address.toLowerCase(),
      message: {
        account: bob.address.toLowerCase(),
        target: alice.address.toLowerCase(),
        follow: true,
        timestamp: String(NOW),
        nonce: "1",
      },
      signature: f.signature,
    });
    expect(await e.scalar("SELECT COUNT(*) FROM follows")).toBe(1);
    expect(DEV_KEYS.length).toBeGreaterThan(3);
  });
});

/** A SQLite store holding the engine's log rows as stored (for the SQLite export). */
async function copyLog(e: IntakeEngine): Promise<Db> {
  const db = openDb(":memory:");
  const rows = await e.store.entries(1, 1_000_000);
  const insert = db.prepare(
    "INSERT INTO engagement_log (seq, kind, account, signer, nonce, json, signature, timestamp, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  for (const r of rows)
    insert.run(r.seq, r.kind, r.account, r.signer, r.nonce, r.json, r.signature, r.timestamp, r.receivedAt);
  return db;
}
