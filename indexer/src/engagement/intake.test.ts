import { request, type Server } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MessageByKind, MessageKind } from "#protocol";
import { storeApi } from "#test-kit/api.ts";
import { SOCIAL, seedChain, sign, tempDir, wallets } from "#test-kit/helpers.ts";
import { serve } from "#test-kit/hostile.ts";
import { ENGINES, type IntakeEngine, lazyPostgres, openIntakeEngine } from "#test-kit/intake-engine.ts";
import { chainStore } from "#test-kit/stores.ts";
import type { EngagementError } from "./errors.ts";
import { createEngagementService, type IntakeLimits } from "./submit.ts";

type W = ReturnType<typeof wallets>[number];
const [alice, bob, carol, session, dave] = wallets() as [W, W, W, W, W];
// seedChain publishes its posts at 1_700_000_001.
const NOW = 1_700_100_000;
const MUTATION = `mutation($kind: MessageKind!, $message: String!, $signature: String!) {
  submitMessage(kind: $kind, message: $message, signature: $signature) { seq } }`;

/** POSTs from a chosen loopback address, so tests can play several clients. */
function postFrom(url: string, body: string, localAddress: string) {
  return new Promise<{
    status: number;
    body: { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> };
  }>((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", localAddress, headers: { "content-type": "application/json" } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const postgres = lazyPostgres();

describe.each(ENGINES)("message intake: quotas, counted once, timestamps bounded below (%s)", (kind) => {
  let e: IntakeEngine;
  let tmp: ReturnType<typeof tempDir>;
  let nonce = 1n;
  let server: Server | null = null;

  beforeEach(async () => {
    tmp = tempDir();
    e = await openIntakeEngine(kind, {
      path: `${tmp.dir}/db.sqlite`,
      seed: (db) => seedChain(chainStore(db), alice.address, 3),
      postgres,
    });
    server = null;
  }, 60_000);
  afterEach(async () => {
    if (server) {
      const s = server;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
    await e.close();
    tmp.cleanup();
  });

  const service = (intake: IntakeLimits = {}) =>
    createEngagementService({
      store: e.store,
      append: e.writer.append,
      chainId: 31337,
      verifyingContract: SOCIAL,
      now: () => NOW,
      intake,
    });
  const signed = <K extends MessageKind>(
    w: W,
    kind: K,
    fields: Omit<MessageByKind[K], "nonce" | "timestamp">,
    timestamp = NOW,
  ) => sign(w, kind, { ...fields, timestamp: BigInt(timestamp), nonce: nonce++ } as MessageByKind[K]);
  const code = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as EngagementError).code;
  const stat = (column: string, post = 1) =>
    e.scalar(`SELECT ${column} FROM post_stats WHERE post_id = ?`, post);

  async function api(intake: IntakeLimits) {
    const yoga = storeApi(e.sqlite, {
      exportLog: () => ({ ndjson: "", hash: "0x", count: 0 }),
      engagement: service(intake),
      now: () => NOW,
    });
    const served = await serve(yoga);
    server = served.server;
    return served.url;
  }
  // Views: the log takes any number of them (a like or share repeats only after an unlike or not at all).
  const like = async (w: W, postId: bigint) => {
    const m = await signed(w, "View", { account: w.address, postId, dwellMs: 3000, campaignId: 0n });
    return JSON.stringify({
      query: MUTATION,
      variables: { kind: "View", message: m.json, signature: m.signature },
    });
  };

  it("refuses a spam loop from one account with RATE_LIMITED and a retry-after, another account unaffected", async () => {
    const url = await api({
      perAccount: { ratePerSec: 1, burst: 20 },
      perClient: { ratePerSec: 1000, burst: 1000 },
    });
    const answers = [];
    for (let i = 0; i < 40; i++)
      answers.push(await postFrom(url, await like(bob, BigInt((i % 3) + 1)), "127.0.0.1"));
    const limited = answers.filter((a) => a.body.errors?.[0]?.extensions?.code === "RATE_LIMITED");
    expect(answers.filter((a) => a.body.data).length).toBeGreaterThanOrEqual(20);
    expect(answers.filter((a) => a.body.data).length).toBeLessThan(25);
    expect(limited.length).toBeGreaterThanOrEqual(15);
    expect(limited[0]?.body.errors?.[0]?.extensions?.retryAfter).toBeGreaterThanOrEqual(1);
    // Carol, from the same client, is not held back by Bob's loop.
    for (let i = 0; i < 10; i++) {
      const r = await postFrom(url, await like(carol, BigInt((i % 3) + 1)), "127.0.0.1");
      expect(r.body.errors).toBeUndefined();
    }
  });

  it("refuses a flood from one client address across many accounts, another client unaffected", async () => {
    const url = await api({
      perAccount: { ratePerSec: 1000, burst: 1000 },
      perClient: { ratePerSec: 1, burst: 10 },
    });
    const from = async (address: string, n: number) => {
      const codes: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const w = [bob, carol, dave][i % 3] as W;
        const r = await postFrom(url, await like(w, BigInt((i % 3) + 1)), address);
        codes.push(r.body.errors?.[0]?.extensions?.code ?? "ok");
      }
      return codes;
    };
    const flood = await from("127.0.0.2", 30);
    expect(flood.filter((c) => c === "ok").length).toBeLessThanOrEqual(11);
    expect(flood.filter((c) => c === "RATE_LIMITED").length).toBeGreaterThanOrEqual(19);
    expect(await from("127.0.0.3", 5)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
  });

  it("does not let forged messages spend another account's quota", async () => {
    const s = service({ perAccount: { ratePerSec: 0.001, burst: 2 } });
    for (let i = 0; i < 10; i++) {
      // Signed by carol in bob's name: refused before bob's bucket is touched.
      const forged = await signed(carol, "Like", { account: bob.address, postId: 1n });
      expect(await code(s.submit(forged.kind, forged.json, forged.signature))).toBe("UNKNOWN_DELEGATION");
    }
    const own = await signed(bob, "Like", { account: bob.address, postId: 1n });
    await s.submit(own.kind, own.json, own.signature);
  });

  it("counts one account's views of a post once a day and its shares once", async () => {
    const s = service({ perAccount: { ratePerSec: 1000, burst: 1000 } });
    for (let i = 0; i < 100; i++) {
      const v = await signed(
        bob,
        "View",
        { account: bob.address, postId: 1n, dwellMs: 3000, campaignId: 0n },
        NOW - i,
      );
      await s.submit(v.kind, v.json, v.signature);
      const sh = await signed(bob, "Share", { account: bob.address, postId: 1n }, NOW - i);
      if (i === 0) await s.submit(sh.kind, sh.json, sh.signature);
      else expect(await code(s.submit(sh.kind, sh.json, sh.signature))).toBe("ALREADY_SHARED");
    }
    expect(await stat("views")).toBe(1);
    expect(await stat("shares")).toBe(1);
    // Every view is still in the log (a repeated share is refused); the next day's view and another account's count.
    expect(await e.scalar("SELECT COUNT(*) FROM engagement_log")).toBe(101);
    const yesterday = await signed(
      bob,
      "View",
      { account: bob.address, postId: 1n, dwellMs: 3000, campaignId: 0n },
      NOW - 86_400,
    );
    await s.submit(yesterday.kind, yesterday.json, yesterday.signature);
    const other = await signed(carol, "View", {
      account: carol.address,
      postId: 1n,
      dwellMs: 3000,
      campaignId: 0n,
    });
    await s.submit(other.kind, other.json, other.signature);
    expect(await stat("views")).toBe(3);
  });

  it("refuses timestamps at 0, before the post, before the delegation and older than the window", async () => {
    const s = service({ maxAgeSeconds: 86_400 });
    const view = (w: W, account: string, t: number) =>
      signed(w, "View", { account: account as `0x${string}`, postId: 1n, dwellMs: 3000, campaignId: 0n }, t);
    const submit = async (m: Promise<{ kind: string; json: string; signature: string }>) => {
      const x = await m;
      return s.submit(x.kind, x.json, x.signature);
    };
    expect(await code(submit(view(bob, bob.address, 0)))).toBe("STALE_TIMESTAMP");
    expect(await code(submit(view(bob, bob.address, NOW - 86_401)))).toBe("STALE_TIMESTAMP");
    // A post published later than the view says.
    await e.exec("UPDATE posts SET created_at = ? WHERE id = 1", NOW - 100);
    expect(await code(submit(view(bob, bob.address, NOW - 1000)))).toBe("STALE_TIMESTAMP");
    await submit(view(bob, bob.address, NOW - 50));
    // A session key delegated at NOW - 10 cannot sign for earlier.
    const d = await signed(
      bob,
      "Delegation",
      { account: bob.address, sessionKey: session.address, expiresAt: BigInt(NOW + 3600) },
      NOW - 10,
    );
    await s.submit(d.kind, d.json, d.signature);
    expect(await code(submit(view(session, bob.address, NOW - 20)))).toBe("STALE_TIMESTAMP");
    await submit(view(session, bob.address, NOW - 5));
    expect(await e.scalar("SELECT COUNT(*) FROM engagement_log")).toBe(3);
  });

  it("accepts a simulated history before its posts when backdating is allowed", async () => {
    const s = service({ allowBackdating: true });
    const v = await signed(
      bob,
      "View",
      { account: bob.address, postId: 1n, dwellMs: 3000, campaignId: 0n },
      1_600_000_000,
    );
    await s.submit(v.kind, v.json, v.signature);
    expect(await stat("views")).toBe(1);
  });
});
