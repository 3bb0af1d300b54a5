/**
 * The Kysely chain store on both engines (SQLite through Kysely's dialect and
 * a real PostgreSQL server), checked row for row against the rows in
 * `chain-store.expected.json` (what the synchronous SQLite store wrote for the
 * same events when both existed: the state after every prefix of `history()`
 * and after `bulkBlock()`, all but `chain_events`, which hold the events as
 * given, `eventRows`): same events in, same tables out, for whole histories,
 * reorg rollbacks to every block, and amounts past 2^64. Both engines
 * matching the same rows is the "PostgreSQL as SQLite" check.
 */
import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "#test-kit/helpers.ts";
import { type PostgresServer, startPostgres } from "#test-kit/postgres.ts";
import { openDb } from "../db.ts";
import type { BlockRecord, ChainBatch, ChainEvent, ChainEventKind, ChainEventPayloads } from "../events.ts";
import { type AsyncChainStore, createKyselyChainStore } from "./chain-store.ts";
import { type EngineKind, openPostgres, type StoreEngine, sqliteEngine } from "./engine.ts";
import type { StoreTables } from "./tables.ts";

const A = "0x00000000000000000000000000000000000000aa";
const B = "0x00000000000000000000000000000000000000bb";
const C = "0x00000000000000000000000000000000000000cc";
const ZERO = "0x0000000000000000000000000000000000000000";
const ROLE = `0x${"0e".repeat(32)}`;
const h = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
const block = (n: number): BlockRecord => ({
  number: n,
  hash: h(n),
  parentHash: h(n - 1),
  timestamp: 1000 + n,
});

let log = 0;
function ev<K extends ChainEventKind>(n: number, kind: K, payload: ChainEventPayloads[K]): ChainEvent {
  return {
    blockNumber: n,
    blockHash: h(n),
    txIndex: 0,
    logIndex: log++,
    txHash: h(9999),
    address: ZERO,
    timestamp: 1000 + n,
    kind,
    payload,
  } as ChainEvent;
}

const post = (n: number, id: number, author: string, text: string) =>
  ev(n, "PostPublished", {
    postId: String(id),
    communityId: "1",
    author,
    topics: [`t${id}`, "all"],
    text,
    contentHash: h(id),
    uri: "",
  });

/** Blocks 1..12 exercising every event kind the store folds, undo logic included. */
function history(): ChainEvent[][] {
  log = 0;
  return [
    [
      ev(1, "Transfer", { from: ZERO, to: A, value: "1000" }),
      ev(1, "CommunityCreated", { communityId: "1", founder: A, name: "c", description: "d" }),
      post(1, 1, A, `hello @${B} and @${A}`),
      ev(1, "RoleGranted", { role: ROLE, account: A, sender: A }),
    ],
    [
      ev(2, "ModeratorAdded", { communityId: "1", account: B }),
      ev(2, "CampaignCreated", {
        campaignId: "1",
        postId: "1",
        promoter: A,
        payer: A,
        budget: "300",
        expiresAt: "2000",
      }),
      ev(2, "Transfer", { from: A, to: B, value: "300" }),
      post(2, 2, B, "a reply"),
      ev(2, "PostReplied", { postId: "2", parentId: "1" }),
      post(2, 3, C, "a reply to the reply"),
      ev(2, "PostReplied", { postId: "3", parentId: "2" }),
    ],
    [
      ev(3, "CampaignSpent", { campaignId: "1", epoch: "1", amount: "100" }),
      ev(3, "EpochSettled", {
        epoch: "1",
        root: h(1),
        inputsHash: h(2),
        totalSpent: "100",
        activeAt: "1100",
        periodEnd: "1000",
      }),
      ev(3, "EpochManifest", { epoch: "1", manifest: "ipfs://m1" }),
      post(3, 4, B, "quoting"),
      ev(3, "PostQuoted", { postId: "4", quotedId: "1" }),
    ],
    [
      ev(4, "CampaignToppedUp", { campaignId: "1", payer: B, amount: "50" }),
      ev(4, "ModeratorRemoved", { communityId: "1", account: B }),
      ev(4, "RoleChangeScheduled", { role: ROLE, account: C, grant: true, readyAt: "1500" }),
      ev(4, "RoleChangeScheduled", { role: ROLE, account: B, grant: false, readyAt: "1500" }),
    ],
    [
      ev(5, "CampaignSpent", { campaignId: "1", epoch: "2", amount: "40" }),
      ev(5, "EpochSettled", {
        epoch: "2",
        root: h(3),
        inputsHash: h(4),
        totalSpent: "40",
        activeAt: "1200",
        periodEnd: "1100",
      }),
      ev(5, "EpochDisputed", { epoch: "2", disputer: C, bond: "7", deadline: "1300" }),
    ],
    [
      ev(6, "EpochRevoked", { epoch: "2" }),
      ev(6, "DisputeResolved", { epoch: "2", disputer: C, status: 2, paidToDisputer: "14" }),
    ],
    [
      ev(7, "Claimed", { account: B, epoch: "1", amount: "60", cumulativeAmount: "60" }),
      ev(7, "Transfer", { from: B, to: A, value: "60" }),
      ev(7, "RoleChangeExecuted", { role: ROLE, account: C, grant: true }),
      ev(7, "RoleChangeCancelled", { role: ROLE, account: B, grant: false, by: A }),
    ],
    [ev(8, "CampaignRefunded", { campaignId: "1", promoter: A, amount: "210" })],
    [
      ev(9, "RefundWithdrawn", { campaignId: "1", promoter: A, amount: "210" }),
      ev(9, "Paused", { account: A }),
      ev(9, "DisputePoolFunded", { funder: A, amount: "500" }),
    ],
    [
      ev(10, "Unpaused", { account: A, pausedFor: "30" }),
      ev(10, "CampaignSpent", { campaignId: "1", epoch: "3", amount: "5" }),
      ev(10, "EpochSettled", {
        epoch: "3",
        root: h(5),
        inputsHash: h(6),
        totalSpent: "5",
        activeAt: "1300",
        periodEnd: "1200",
      }),
    ],
    [
      ev(11, "EpochsRevoked", { fromEpoch: "3", toEpoch: "3" }),
      ev(11, "RoleRevoked", { role: ROLE, account: A, sender: A }),
    ],
    [ev(12, "EpochRevoked", { epoch: "3" }), ev(12, "ModeratorAdded", { communityId: "1", account: C })],
  ];
}
const LAST = 12;

const batchOf = (events: ChainEvent[]): ChainBatch => {
  const n = events[0]?.blockNumber as number;
  return {
    blocks: [block(n)],
    events,
    checkpoint: { blockNumber: n, blockHash: h(n), finalizedBlock: 0, headBlock: n },
  };
};

/** Payouts the settler would have written before epoch 1's settlement lands (EARNING notifications read them). */
const payouts = [
  { epoch: 1, account: B, amount: "60", cumulative: "60", proof: "[]", root: h(1) },
  { epoch: 1, account: C, amount: "0", cumulative: "0", proof: "[]", root: h(1) },
  { epoch: 1, account: A, amount: "40", cumulative: "40", proof: "[]", root: h(1) },
];

const TABLES: Partial<Record<keyof StoreTables, string[]>> = {
  blocks: ["number"],
  checkpoint: ["id"],
  chain_events: ["block_number", "log_index"],
  balances: ["account"],
  communities: ["id"],
  moderators: ["block_number", "log_index"],
  posts: ["id"],
  post_topics: ["post_id", "position"],
  post_stats: ["post_id"],
  campaigns: ["id"],
  campaign_spends: ["block_number", "log_index"],
  epochs: ["block_number", "log_index"],
  epoch_manifests: ["block_number", "log_index"],
  claims: ["block_number", "log_index"],
  refund_withdrawals: ["block_number", "log_index"],
  epoch_revocations: ["block_number", "log_index"],
  escrow_pauses: ["block_number", "log_index"],
  role_events: ["block_number", "log_index"],
  role_changes: ["block_number", "log_index"],
  disputes: ["block_number", "log_index"],
  dispute_pool_fundings: ["block_number", "log_index"],
  epoch_payouts: ["epoch", "account"],
  notifications: ["id"],
  post_mentions: ["post_id", "start"],
};

/** The chain_events rows a store writes for `events`: each event as given, its payload as JSON. */
const eventRows = (events: ChainEvent[]) =>
  events
    .map((e) => ({
      block_number: e.blockNumber,
      tx_index: e.txIndex,
      log_index: e.logIndex,
      block_hash: e.blockHash,
      tx_hash: e.txHash,
      address: e.address,
      kind: e.kind,
      payload: JSON.stringify(e.payload),
    }))
    .sort((a, b) => a.block_number - b.block_number || a.log_index - b.log_index);

type State = Record<string, unknown[]>;
const frozen = JSON.parse(readFileSync(new URL("./chain-store.expected.json", import.meta.url), "utf8")) as {
  /** The state after the first n blocks of `history()` (n = 0: an empty batch with checkpoint 0, head LAST). */
  history: Record<string, State>;
  bulk: State;
};
/** The tables after the first `last` blocks of `history()`, the payouts seeded. */
const expectedAfter = (last: number): State => ({
  ...(frozen.history[String(last)] as State),
  chain_events: eventRows(history().slice(0, last).flat()),
});

async function dump(engine: StoreEngine): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(TABLES)) {
    let q = engine.db.selectFrom(table as keyof StoreTables).selectAll();
    for (const column of order) q = q.orderBy(column as never);
    out[table] = await q.execute();
  }
  return out;
}

describe.each<EngineKind>(["sqlite", "postgres"])("Kysely chain store on %s", (kind) => {
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

  const fresh = async (): Promise<[StoreEngine, AsyncChainStore]> => {
    const engine =
      kind === "postgres"
        ? await openPostgres(await (server as PostgresServer).createDatabase(), { max: 2 })
        : sqliteEngine(openDb(`${tmp.dir}/k${++count}.sqlite`));
    open.push(engine);
    await engine.db.insertInto("epoch_payouts").values(payouts).execute();
    return [engine, createKyselyChainStore(engine)];
  };
  const applyUpTo = async (store: AsyncChainStore, blocks: ChainEvent[][], last: number) => {
    for (const events of blocks.slice(0, last)) await store.applyBatch(batchOf(events));
  };

  it("writes the expected rows, block by block and in one batch", async () => {
    const [engine, store] = await fresh();
    await applyUpTo(store, history(), LAST);
    const expected = expectedAfter(LAST);
    expect(await dump(engine)).toEqual(expected);

    // The same history as one batch (a backfill range) ends in the same state but for the blocks table.
    const [whole, wholeStore] = await fresh();
    const all = history();
    await wholeStore.applyBatch({
      blocks: all.map((events) => block(events[0]?.blockNumber as number)),
      events: all.flat(),
      checkpoint: { blockNumber: LAST, blockHash: h(LAST), finalizedBlock: 0, headBlock: LAST },
    });
    expect(await dump(whole)).toEqual(expected);

    const s = expected as unknown as {
      balances: { account: string; balance: string }[];
      campaigns: { budget: string; spent: string; refunded_amount: string }[];
      notifications: { kind: string; account: string }[];
      posts: { id: number; root_id: number | null; quote_id: number | null }[];
      moderators: { account: string; removed_block: number | null }[];
      epochs: { epoch: number; revoked_block: number | null }[];
    };
    expect(s.balances).toEqual([
      { account: A, balance: "760" },
      { account: B, balance: "240" },
    ]);
    expect(s.campaigns[0]).toMatchObject({ budget: "350", spent: "100", refunded_amount: "210" });
    // B's moderation ended in block 4; C's, from block 12, is the one in force.
    expect(s.moderators.filter((m) => m.removed_block === null).map((m) => m.account)).toEqual([C]);
    expect(s.epochs.find((e) => e.epoch === 2)?.revoked_block).toBe(6);
    expect(s.notifications.map((n) => `${n.kind}:${n.account}`)).toEqual([
      `MENTION:${B}`,
      `REPLY:${A}`,
      `REPLY:${B}`,
      `EARNING:${A}`,
      `EARNING:${B}`,
      `QUOTE:${A}`,
    ]);
    expect(s.posts.map((p) => [p.id, p.root_id, p.quote_id])).toEqual([
      [1, null, null],
      [2, 1, null],
      [3, 1, null],
      [4, null, 1],
    ]);
  });

  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])(
    "rolls back to block %i exactly as if later blocks never happened",
    async (ancestor) => {
      const [rolled, store] = await fresh();
      await applyUpTo(store, history(), LAST);
      const undone = await store.rollbackTo(
        ancestor === 0 ? { ...block(0), hash: "" } : block(ancestor),
        LAST,
      );
      expect(undone).toBe(history().slice(ancestor).flat().length);
      // Neither store deletes a rolled-back post's (engagement) counters row; compare the rest.
      const strip = ({ post_stats: _, ...s }: Record<string, unknown[]>) => ({
        ...s,
        checkpoint: s.checkpoint?.map((r) => ({ ...(r as object), head_block: LAST })),
        balances: s.balances?.filter((r) => (r as { balance: string }).balance !== "0"),
      });
      expect(strip(await dump(rolled))).toEqual(strip(expectedAfter(ancestor)));
      expect((await store.getCheckpoint())?.blockNumber).toBe(ancestor);

      // The replacement chain applies on top of the rolled-back state like on a fresh store. A
      // PostgreSQL identity does not hand out rolled-back notification ids again: ids only order.
      await applyUpTo(store, history().slice(ancestor), LAST - ancestor);
      const noIds = (s: Record<string, unknown[]>) => {
        const ids = (s.notifications as { id: number }[]).map((n) => n.id);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        return {
          ...strip(s),
          notifications: (s.notifications as { id: number }[]).map(({ id: _, ...n }) => n),
        };
      };
      expect(noIds(await dump(rolled))).toEqual(noIds(expectedAfter(LAST)));
    },
  );

  it("keeps amounts exact up to uint256's maximum, as decimal text", async () => {
    const [engine, store] = await fresh();
    const max = 2n ** 256n - 1n;
    const half = (max / 2n).toString();
    await store.applyBatch({
      blocks: [block(1)],
      events: [
        ev(1, "Transfer", { from: ZERO, to: A, value: half }),
        ev(1, "Transfer", { from: ZERO, to: A, value: half }),
        ev(1, "Transfer", { from: ZERO, to: A, value: "1" }),
        ev(1, "Transfer", { from: A, to: B, value: (10n ** 30n + 7n).toString() }),
      ],
      checkpoint: { blockNumber: 1, blockHash: h(1), finalizedBlock: 0, headBlock: 1 },
    });
    const rows = await engine.db.selectFrom("balances").selectAll().orderBy("account").execute();
    expect(rows).toEqual([
      { account: A, balance: (max - 10n ** 30n - 7n).toString() },
      { account: B, balance: (10n ** 30n + 7n).toString() },
    ]);
    // Stored exactly: decimal text on SQLite (never a REAL), numeric on PostgreSQL.
    const typeOf = sql.raw(kind === "postgres" ? "pg_typeof(balance)::text" : "typeof(balance)");
    const types = await sql<{ t: string }>`SELECT ${typeOf} AS t FROM balances ORDER BY account`.execute(
      engine.db,
    );
    const stored = kind === "postgres" ? "numeric" : "text";
    expect(types.rows.map((r) => r.t)).toEqual([stored, stored]);
  });

  it("writes batches larger than one statement's parameter limit", async () => {
    const [engine, store] = await fresh();
    log = 0;
    const n = 6_000;
    const events: ChainEvent[] = [];
    for (let i = 1; i <= n; i++) {
      const account = `0x${i.toString(16).padStart(40, "0")}`;
      events.push(post(1, i, account, `post ${i}`));
      events.push(
        ev(1, "CampaignCreated", {
          campaignId: String(i),
          postId: String(i),
          promoter: account,
          payer: account,
          budget: "10",
          expiresAt: "9999",
        }),
      );
      events.push(ev(1, "CampaignToppedUp", { campaignId: String(i), payer: account, amount: String(i) }));
      events.push(ev(1, "Transfer", { from: ZERO, to: account, value: String(i) }));
    }
    await store.applyBatch(batchOf(events));
    const sum = async (table: "campaigns" | "balances", column: "budget" | "balance") =>
      (
        await engine.db
          .selectFrom(table)
          .select(column as never)
          .execute()
      )
        .map((r) => BigInt((r as Record<string, string>)[column] as string))
        .reduce((a, b) => a + b, 0n);
    const total = BigInt((n * (n + 1)) / 2);
    expect(await sum("campaigns", "budget")).toBe(10n * BigInt(n) + total);
    expect(await sum("balances", "balance")).toBe(total);
    expect((await engine.db.selectFrom("post_topics").select("post_id").execute()).length).toBe(2 * n);
  });

  /** One block of 400 events: bulk-sized tables (COPY on PostgreSQL), texts with COPY's separators. */
  const bulkBlock = (): ChainEvent[] => {
    log = 0;
    const texts = [
      "tab\there",
      "line\nbreak and\r\ncarriage",
      "back\\slash \\N \\. \\t",
      "\\",
      "\"double\" 'single' ; -- $1 ?",
      "unicode: żółw 🐢 ∑",
      "",
      "NULL",
    ];
    const events: ChainEvent[] = [
      ev(1, "CommunityCreated", { communityId: "1", founder: A, name: "c\tname", description: "d\\e" }),
    ];
    for (let i = 1; i <= 100; i++) {
      const account = `0x${i.toString(16).padStart(40, "0")}`;
      events.push(post(1, i, account, `${texts[i % texts.length]} #${i}`));
      events.push(ev(1, "Transfer", { from: ZERO, to: account, value: (2n ** 200n + BigInt(i)).toString() }));
      events.push(ev(1, "CampaignSpent", { campaignId: "1", epoch: String(i), amount: String(i) }));
      events.push(ev(1, "Claimed", { account, epoch: String(i), amount: "1", cumulativeAmount: String(i) }));
    }
    events.splice(
      2,
      0,
      ev(1, "CampaignCreated", {
        campaignId: "1",
        postId: "1",
        promoter: A,
        payer: A,
        budget: (2n ** 255n).toString(),
        expiresAt: "9999",
      }),
    );
    return events;
  };

  it("bulk-loads a large batch into the expected rows, separators and all", async () => {
    const [engine, store] = await fresh();
    const events = bulkBlock();
    await store.applyBatch(batchOf(events));
    const expected = { ...frozen.bulk, chain_events: eventRows(bulkBlock()) };
    const got = await dump(engine);
    expect(got).toEqual(expected);
    expect((got.posts as { text: string }[]).map((p) => p.text)).toContain("back\\slash \\N \\. \\t #2");
    expect((got.chain_events as unknown[]).length).toBe(events.length);
    expect((got.claims as unknown[]).length).toBe(100);
  });

  it("applies a large (bulk-loaded) batch all or nothing", async () => {
    const [engine, store] = await fresh();
    await store.applyBatch(batchOf([ev(1, "Transfer", { from: ZERO, to: A, value: "5" })]));
    const before = await dump(engine);
    // A bulk batch whose last event repeats an earlier position: the events' load fails.
    const events = bulkBlock().map((e) => ({ ...e, blockNumber: 2, blockHash: h(2) }));
    const broken = [...events, { ...(events[5] as ChainEvent) }];
    await expect(store.applyBatch(batchOf(broken))).rejects.toThrow();
    expect(await dump(engine)).toEqual(before);
    expect((await store.getCheckpoint())?.blockNumber).toBe(1);
    // The connection went back to the pool clean: the next batch applies.
    await store.applyBatch(batchOf(events));
    expect((await store.getCheckpoint())?.blockNumber).toBe(2);
  });

  it("applies a batch all or nothing", async () => {
    const [engine, store] = await fresh();
    const [first, second] = history();
    await store.applyBatch(batchOf(first as ChainEvent[]));
    const before = await dump(engine);
    // The second batch repeats an event position: the insert fails, after rows of the batch were written.
    const broken = [
      ...(second as ChainEvent[]),
      { ...(second as ChainEvent[])[0], kind: "ModeratorAdded" } as ChainEvent,
    ];
    await expect(store.applyBatch(batchOf(broken))).rejects.toThrow();
    expect(await dump(engine)).toEqual(before);
    expect((await store.getCheckpoint())?.blockNumber).toBe(1);
  });

  it("reads blocks and the checkpoint, and prunes hashes of blocks without events", async () => {
    const [, store] = await fresh();
    expect(await store.getCheckpoint()).toBeNull();
    await store.applyBatch({
      blocks: [1, 2, 3, 4, 5].map(block),
      events: [ev(3, "Transfer", { from: ZERO, to: A, value: "1" })],
      checkpoint: { blockNumber: 5, blockHash: h(5), finalizedBlock: 4, headBlock: 9 },
    });
    expect(await store.getCheckpoint()).toEqual({
      blockNumber: 5,
      blockHash: h(5),
      finalizedBlock: 4,
      headBlock: 9,
    });
    expect(await store.getBlock(2)).toEqual(block(2));
    expect(await store.getBlock(6)).toBeNull();
    expect((await store.blocksDescending(4, 2)).map((b) => b.number)).toEqual([4, 3]);
    await store.pruneBlocks(1, 5);
    expect((await store.blocksDescending(10, 10)).map((b) => b.number)).toEqual([5, 3]);
  });
});
