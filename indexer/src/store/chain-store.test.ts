import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dumpState, tempDir } from "#test-kit/helpers.ts";
import { type ChainStore, createChainStore } from "./chain-store.ts";
import { type Db, openDb } from "./db.ts";
import type { BlockRecord, ChainEvent, ChainEventKind, ChainEventPayloads } from "./events.ts";

const A = "0x00000000000000000000000000000000000000aa";
const B = "0x00000000000000000000000000000000000000bb";
const ZERO = "0x0000000000000000000000000000000000000000";
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

/** Blocks 1..8 exercising every reducer, including the ones with undo logic. */
function history(): ChainEvent[][] {
  log = 0;
  return [
    [
      ev(1, "Transfer", { from: ZERO, to: A, value: "1000" }),
      ev(1, "CommunityCreated", { communityId: "1", founder: A, name: "c", description: "d" }),
      ev(1, "PostPublished", {
        postId: "1",
        communityId: "1",
        author: A,
        topics: ["x"],
        text: "t",
        contentHash: h(0),
        uri: "",
      }),
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
    ],
    [
      ev(4, "CampaignToppedUp", { campaignId: "1", payer: B, amount: "50" }),
      ev(4, "ModeratorRemoved", { communityId: "1", account: B }),
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
    ],
    [ev(6, "EpochRevoked", { epoch: "2" })],
    [
      ev(7, "Claimed", { account: B, epoch: "1", amount: "60", cumulativeAmount: "60" }),
      ev(7, "Transfer", { from: B, to: A, value: "60" }),
    ],
    [ev(8, "CampaignRefunded", { campaignId: "1", promoter: A, amount: "210" })],
  ];
}

describe("chain store", () => {
  let tmp: ReturnType<typeof tempDir>;
  let dbs: Db[];
  const fresh = (name: string): [Db, ChainStore] => {
    const db = openDb(`${tmp.dir}/${name}.sqlite`);
    dbs.push(db);
    return [db, createChainStore(db)];
  };
  const applyUpTo = (store: ChainStore, blocks: ChainEvent[][], last: number) => {
    for (const events of blocks.slice(0, last)) {
      const n = events[0]?.blockNumber as number;
      store.applyBatch({
        blocks: [block(n)],
        events,
        checkpoint: { blockNumber: n, blockHash: h(n), finalizedBlock: 0, headBlock: n },
      });
    }
  };

  beforeEach(() => {
    tmp = tempDir();
    dbs = [];
  });
  afterEach(() => {
    for (const db of dbs) db.close();
    tmp.cleanup();
  });

  it("folds events into exact amounts", () => {
    const [db, store] = fresh("a");
    applyUpTo(store, history(), 8);
    const balance = (a: string) =>
      db.prepare("SELECT balance FROM balances WHERE account = ?").pluck().get(a);
    expect([balance(A), balance(B)]).toEqual(["760", "240"]);
    expect(db.prepare("SELECT budget, spent, refunded_amount AS r FROM campaigns").get()).toEqual({
      budget: "350",
      spent: "100",
      r: "210",
    });
    expect(db.prepare("SELECT COUNT(*) FROM moderators WHERE removed_block IS NULL").pluck().get()).toBe(0);
    expect(db.prepare("SELECT revoked_block FROM epochs WHERE epoch = 2").pluck().get()).toBe(6);
  });

  it.each([0, 1, 2, 3, 4, 5, 6, 7])(
    "rolls back to block %i exactly as if later blocks never happened",
    (ancestor) => {
      const [rolledDb, rolled] = fresh("rolled");
      applyUpTo(rolled, history(), 8);
      rolled.rollbackTo(ancestor === 0 ? { ...block(0), hash: "" } : block(ancestor), 8);
      const [cleanDb, clean] = fresh("clean");
      applyUpTo(clean, history(), ancestor);
      if (ancestor === 0) {
        clean.applyBatch({
          blocks: [],
          events: [],
          checkpoint: { blockNumber: 0, blockHash: null, finalizedBlock: 0, headBlock: 8 },
        });
      }
      const strip = (s: Record<string, unknown[]>) => ({
        ...s,
        balances: s.balances?.filter((r) => (r as { balance: string }).balance !== "0"),
      });
      expect(strip(dumpState(rolledDb))).toEqual(strip(dumpState(cleanDb)));
      expect(rolled.getCheckpoint()?.blockNumber).toBe(ancestor);
    },
  );

  it("keeps amounts as decimal TEXT beyond 2^64", () => {
    const [db, store] = fresh("big");
    const big = (10n ** 30n).toString();
    store.applyBatch({
      blocks: [block(1)],
      events: [
        ev(1, "Transfer", { from: ZERO, to: A, value: big }),
        ev(1, "Transfer", { from: ZERO, to: A, value: big }),
      ],
      checkpoint: { blockNumber: 1, blockHash: h(1), finalizedBlock: 0, headBlock: 1 },
    });
    expect(db.prepare("SELECT balance, typeof(balance) AS t FROM balances").get()).toEqual({
      balance: (2n * 10n ** 30n).toString(),
      t: "text",
    });
  });
});
