/**
 * The Kysely engagement log on both engines (SQLite through Kysely's dialect
 * and a real PostgreSQL server), checked row for row against the rows and
 * answers in `engagement-store.expected.json` (what the synchronous SQLite
 * store wrote and answered for the same messages when both existed): every
 * message kind, repeats that must count once, and the reads intake makes
 * before it accepts a message. Both engines matching the same rows is the
 * "PostgreSQL as SQLite" check.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "#test-kit/helpers.ts";
import { type PostgresServer, startPostgres } from "#test-kit/postgres.ts";
import { openDb } from "../db.ts";
import type { ChainEvent } from "../events.ts";
import { createKyselyChainStore } from "./chain-store.ts";
import { createKyselyEngagementStore, type LogEntry, type NewLogEntry } from "./engagement-store.ts";
import { type EngineKind, openPostgres, type StoreEngine, sqliteEngine } from "./engine.ts";
import type { StoreTables } from "./tables.ts";

const A = "0x00000000000000000000000000000000000000aa";
const B = "0x00000000000000000000000000000000000000bb";
const C = "0x00000000000000000000000000000000000000cc";
const K = "0x00000000000000000000000000000000000000dd";
const ZERO = "0x0000000000000000000000000000000000000000";
const h = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

/** Community 1 by A; posts 1 (by A) and 2 (by B); campaign 1 on post 1. */
const chainBatch = () => {
  let log = 0;
  const at = (kind: string, payload: Record<string, unknown>) =>
    ({
      blockNumber: 1,
      blockHash: h(1),
      txIndex: 0,
      logIndex: log++,
      txHash: h(1),
      address: ZERO,
      timestamp: 1001,
      kind,
      payload,
    }) as ChainEvent;
  const post = (id: number, author: string) =>
    at("PostPublished", {
      postId: String(id),
      communityId: "1",
      author,
      topics: [],
      text: `post ${id}`,
      contentHash: h(id),
      uri: "",
    });
  return {
    blocks: [{ number: 1, hash: h(1), parentHash: h(0), timestamp: 1001 }],
    events: [
      at("CommunityCreated", { communityId: "1", founder: A, name: "c", description: "d" }),
      post(1, A),
      post(2, B),
      at("CampaignCreated", {
        campaignId: "1",
        postId: "1",
        promoter: A,
        payer: A,
        budget: "100",
        expiresAt: "9999",
      }),
    ],
    checkpoint: { blockNumber: 1, blockHash: h(1), finalizedBlock: 0, headBlock: 1 },
  };
};

let nonce = 0;
const entry = (
  kind: NewLogEntry["kind"],
  account: string,
  fields: Record<string, unknown>,
  ts = 2000,
): NewLogEntry => {
  const message = { account, ...fields, timestamp: String(ts), nonce: String(++nonce) };
  return {
    kind,
    signer: account,
    message,
    json: JSON.stringify(message),
    signature: "0x",
    receivedAt: ts + 1,
  };
};

function messages(): NewLogEntry[] {
  nonce = 0;
  return [
    entry("Delegation", A, { sessionKey: K, expiresAt: "5000" }),
    entry("Follow", B, { target: A, follow: true }),
    entry("Follow", B, { target: A, follow: true }),
    entry("Follow", C, { target: A, follow: true }),
    entry("Follow", C, { target: A, follow: false }),
    entry("Like", B, { postId: "1" }),
    entry("Like", B, { postId: "1" }),
    entry("Like", C, { postId: "1" }),
    entry("Unlike", C, { postId: "1" }),
    entry("Unlike", C, { postId: "1" }),
    entry("Like", A, { postId: "1" }),
    entry("View", B, { postId: "1", dwellMs: "3000", campaignId: "0" }),
    entry("View", B, { postId: "1", dwellMs: "3000", campaignId: "0" }),
    entry("View", B, { postId: "1", dwellMs: "3000", campaignId: "1" }),
    entry("View", B, { postId: "1", dwellMs: "3000", campaignId: "0" }, 2000 + 86_400),
    entry("Comment", C, { postId: "2", text: "nice" }),
    entry("Share", A, { postId: "2" }),
    entry("Share", A, { postId: "2" }),
    entry("NotificationsRead", A, { readUntil: "3000" }),
    entry("NotificationsRead", A, { readUntil: "2500" }),
    entry("Policy", B, { mode: "1", communities: ["1"], topics: ["x"], blockedPromoters: [C] }),
    entry("Policy", B, { mode: "2", communities: [], topics: [], blockedPromoters: [] }),
    entry("Profile", A, { name: "alice", avatar: h(7), bio: "hi" }),
    entry("Profile", A, { name: "alice2", avatar: h(8), bio: "hello" }),
    entry("Profile", A, { name: "Alice2", avatar: h(8), bio: "same name, other case" }),
    entry("DeletePost", A, { postId: "2" }),
    entry("Membership", C, { communityId: "1", member: true }, 2100),
    entry("Membership", C, { communityId: "1", member: false }, 2050),
    entry("RevokeDelegation", A, { sessionKey: K }),
  ];
}

interface PostReads {
  postExists: boolean;
  postCreatedAt: number | null;
  campaignPost: number | null;
  communityExists: boolean;
  accounts: Record<"A" | "B" | "C", { likes: boolean; shared: boolean }>;
}

/** The rows `messages()` derives (one at a time or in one batch alike) and intake's reads on them. */
const expected = JSON.parse(
  readFileSync(new URL("./engagement-store.expected.json", import.meta.url), "utf8"),
) as {
  rows: Record<string, unknown[]>;
  reads: {
    entryByNonceB2: LogEntry;
    delegationAK: unknown;
    lastSeq: number;
    entries3to6: LogEntry[];
    posts: Record<string, PostReads>;
  };
};

const TABLES: Partial<Record<keyof StoreTables, string[]>> = {
  engagement_log: ["seq"],
  delegations: ["account", "session_key"],
  follows: ["follower", "target"],
  policies: ["account"],
  likes: ["post_id", "account"],
  post_view_marks: ["post_id", "account", "day", "bought"],
  post_share_marks: ["post_id", "account"],
  post_stats: ["post_id"],
  notification_reads: ["account"],
  profiles: ["account"],
  memberships: ["community_id", "account"],
  notifications: ["id"],
  profile_names: ["account", "seq"],
  post_deletions: ["post_id"],
};

/**
 * Every table, notifications in id order but without their ids: SQLite hands out a deleted
 * notification's id again (an Unlike deletes one), a PostgreSQL identity does not; ids only order.
 */
async function dump(engine: StoreEngine): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(TABLES)) {
    let q = engine.db.selectFrom(table as keyof StoreTables).selectAll();
    for (const column of order) q = q.orderBy(column as never);
    out[table] = await q.execute();
  }
  out.notifications = (out.notifications as { id: number }[]).map(({ id: _, ...n }) => n);
  return out;
}

describe.each<EngineKind>(["sqlite", "postgres"])("Kysely engagement log on %s", (kind) => {
  let server: PostgresServer | null = null;
  let tmp: ReturnType<typeof tempDir>;
  const open: StoreEngine[] = [];
  let count = 0;

  beforeAll(async () => {
    tmp = tempDir();
    if (kind === "postgres") server = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    for (const e of open) await e.close();
    await server?.stop();
    tmp.cleanup();
  }, 120_000);

  const fresh = async (): Promise<StoreEngine> => {
    const engine =
      kind === "postgres"
        ? await openPostgres(await (server as PostgresServer).createDatabase(), { max: 2 })
        : sqliteEngine(openDb(`${tmp.dir}/k${++count}.sqlite`));
    open.push(engine);
    await createKyselyChainStore(engine.db).applyBatch(chainBatch());
    return engine;
  };

  it("derives the expected rows, one append at a time and in one batch", async () => {
    const engine = await fresh();
    const log = createKyselyEngagementStore(engine.db);
    const seqs: number[] = [];
    for (const e of messages()) seqs.push(await log.append(e));
    expect(seqs).toEqual(messages().map((_, i) => i + 1));
    expect(await dump(engine)).toEqual(expected.rows);

    const batch = await fresh();
    expect(await createKyselyEngagementStore(batch.db).appendMany(messages())).toBe(messages().length);
    expect(await dump(batch)).toEqual(expected.rows);

    const rows = expected.rows;
    const stats = (rows.post_stats as { post_id: number }[]).find((s) => s.post_id === 1);
    expect(stats).toMatchObject({ likes: 2, views: 2, bought_views: 1 });
    expect(rows.follows).toHaveLength(1);
    expect(rows.memberships).toMatchObject([{ member: 1, timestamp: 2100 }]);
    expect(rows.notification_reads).toMatchObject([{ read_until: 3000 }]);
  });

  it("answers intake's reads as expected", async () => {
    const engine = await fresh();
    const log = createKyselyEngagementStore(engine.db);
    for (const e of messages()) await log.append(e);
    const reads = expected.reads;
    expect(await log.entryByNonce(B, "2")).toEqual(reads.entryByNonceB2);
    expect(await log.entryByNonce(B, "999")).toBeNull();
    expect(await log.delegation(A, K)).toEqual(reads.delegationAK);
    expect((await log.delegation(A, K))?.revoked).toBe(true);
    expect(await log.delegation(B, K)).toBeNull();
    for (const id of [1n, 3n, 2n ** 64n]) {
      const want = reads.posts[String(id)] as PostReads;
      expect(await log.postExists(id)).toBe(want.postExists);
      expect(await log.postCreatedAt(id)).toBe(want.postCreatedAt);
      expect(await log.campaignPost(id)).toBe(want.campaignPost);
      expect(await log.communityExists(id)).toBe(want.communityExists);
      for (const [name, who] of [
        ["A", A],
        ["B", B],
        ["C", C],
      ] as const) {
        expect(await log.likes(who, id)).toBe(want.accounts[name].likes);
        expect(await log.shared(who, id)).toBe(want.accounts[name].shared);
      }
    }
    expect(await log.mediaExists("00".repeat(32))).toBe(false);
    expect(await log.lastSeq()).toBe(reads.lastSeq);
    expect(await log.entries(3, 6)).toEqual(reads.entries3to6);
  });

  it("refuses a repeated nonce and leaves nothing of it", async () => {
    const engine = await fresh();
    const log = createKyselyEngagementStore(engine.db);
    const [first] = messages();
    await log.append(first as NewLogEntry);
    const before = await dump(engine);
    await expect(log.append(first as NewLogEntry)).rejects.toThrow();
    expect(await dump(engine)).toEqual(before);
    expect(await log.lastSeq()).toBe(1);
  });
});
