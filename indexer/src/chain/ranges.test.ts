import { type Address, encodeAbiParameters, encodeEventTopics, type Hex, type Log, parseAbiItem } from "viem";
import { describe, expect, it } from "vitest";
import { chainStore } from "#test-kit/stores.ts";
import { openDb } from "../store/db.ts";
import { createFollower, type FollowerEvent } from "./follower.ts";
import type { BlockHeader, ChainReader } from "./rpc.ts";

const TOKEN = "0x00000000000000000000000000000000000000a1" as Address;
const SOCIAL = "0x00000000000000000000000000000000000000a2" as Address;
const ESCROW = "0x00000000000000000000000000000000000000a3" as Address;
const transfer = parseAbiItem("event Transfer(address indexed from, address indexed to, uint256 value)");
const hashOf = (n: number) => `0x${(n + 1).toString(16).padStart(64, "0")}`;
const holder = (i: number) => `0x${(0x1000 + i).toString(16).padStart(40, "0")}` as Address;

/** A chain of `blocks` blocks with `perBlock` token transfers in each (none in block 0). */
function denseChain(blocks: number, perBlock: number) {
  const header = (n: number): BlockHeader => ({
    number: n,
    hash: hashOf(n),
    parentHash: n === 0 ? `0x${"0".repeat(64)}` : hashOf(n - 1),
    timestamp: 1_700_000_000 + n,
  });
  const logsOf = (n: number): Log[] =>
    n === 0
      ? []
      : Array.from({ length: perBlock }, (_, i) => ({
          address: TOKEN,
          topics: encodeEventTopics({
            abi: [transfer],
            eventName: "Transfer",
            args: { from: holder(0), to: holder(i) },
          }) as [Hex, ...Hex[]],
          data: encodeAbiParameters([{ type: "uint256" }], [BigInt(n * 1000 + i)]),
          blockNumber: BigInt(n),
          blockHash: hashOf(n) as Hex,
          logIndex: i,
          transactionIndex: i,
          transactionHash: `0x${(n * 1000 + i).toString(16).padStart(64, "0")}` as Hex,
          removed: false,
        }));
  const calls: { from: number; to: number; logs: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let headerRequests = 0;
  const reader: ChainReader = {
    chainId: async () => 31337,
    headNumber: async () => blocks - 1,
    header: async (n) => (n < blocks ? header(n) : null),
    headers: async (numbers) => {
      headerRequests++;
      return numbers.map((n) => (n < blocks ? header(n) : null));
    },
    logs: async (_addresses, from, to) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // Answers arrive out of order: later ranges may come back first.
      await new Promise((r) => setTimeout(r, 5 + ((from * 7) % 11)));
      inFlight--;
      const out: Log[] = [];
      for (let n = from; n <= to; n++) out.push(...logsOf(n));
      calls.push({ from, to, logs: out.length });
      return out;
    },
  };
  return { reader, calls, stats: () => ({ maxInFlight, headerRequests }) };
}

describe("follower ranges", () => {
  it("sizes ranges by log density, reads several at once and applies them in block order", async () => {
    const chain = denseChain(800, 60);
    const db = openDb(":memory:");
    const store = chainStore(db);
    const batches: FollowerEvent[] = [];
    const follower = createFollower({
      reader: chain.reader,
      store,
      chainId: 31337,
      contracts: { token: TOKEN, social: SOCIAL, escrow: ESCROW },
      startBlock: 0,
      confirmations: 0,
      finalityDepth: 64,
      batchBlocks: 2000,
      pollIntervalMs: 10,
      onEvent: (e) => {
        if (e.type === "batch") batches.push(e);
      },
    });
    while (await follower.syncOnce()) {}

    expect((await store.getCheckpoint())?.blockNumber).toBe(799);
    expect(db.prepare("SELECT count(*) FROM chain_events").pluck().get()).toBe(799 * 60);
    // Every transfer folded once: holder i received n * 1000 + i in each block n.
    const balance = (a: Address) =>
      BigInt(db.prepare("SELECT balance FROM balances WHERE account = ?").pluck().get(a) as string);
    const sum = (i: number) => {
      let total = 0n;
      for (let n = 1; n < 800; n++) total += BigInt(n * 1000 + i);
      return total;
    };
    expect(balance(holder(7))).toBe(sum(7));
    expect(balance(holder(59))).toBe(sum(59));
    // Batches are contiguous and ascending.
    let next = 0;
    for (const b of batches) {
      if (b.type !== "batch") continue;
      expect(b.fromBlock).toBe(next);
      next = b.toBlock + 1;
    }
    expect(next).toBe(800);
    // The first ranges go out before any density is known; every later one asks for ~3,000 logs.
    const later = [...chain.calls].sort((a, b) => a.from - b.from).slice(4);
    expect(later.length).toBeGreaterThan(5);
    expect(Math.max(...later.map((c) => c.logs))).toBeLessThanOrEqual(3000);
    expect(chain.stats().maxInFlight).toBeGreaterThan(1);
    // One headers request per range (the reader batches it), not one per block.
    expect(chain.stats().headerRequests).toBe(chain.calls.length);
    db.close();
  });
});
