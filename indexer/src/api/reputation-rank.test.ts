/**
 * `reputationRank` over GraphQL: an account's reputation as its rank and percentile among the
 * community's accounts with reputation (as the leaderboard orders them), null for an account
 * without any, and coded refusals for hostile arguments or an API without the attention model.
 */
import { describe, expect, it } from "vitest";
import { gqlClient, seededApiEachTest, storeApi } from "#test-kit/api.ts";
import { SOCIAL } from "#test-kit/helpers.ts";
import { chainStore } from "#test-kit/stores.ts";
import { unsignedLog } from "#test-kit/unsigned-log.ts";
import { account } from "../attention/fixtures.ts";
import { createAttentionService } from "../attention/service.ts";
import type { ChainEvent } from "../store/events.ts";
import { createQueries } from "../store/queries.ts";

const T = 1_700_000_100n;
const [founder, bob, carol, dave, stranger] = [account(1), account(2), account(3), account(4), account(9)];
const RANK = `query($a: String!, $c: ID!) { reputationRank(account: $a, community: $c) { account score rank ranked topPercent } }`;

describe("reputation as a rank in the community", () => {
  const { append, nonce } = unsignedLog(() => seeded.db(), T);
  const seeded = seededApiEachTest(founder, 1, async (db) => {
    // Posts 2..4 by bob, carol and dave; the founder likes bob's and carol's, bob likes carol's.
    const hash = `0x${"2".repeat(64)}`;
    await chainStore(db).applyBatch({
      blocks: [{ number: 2, hash, parentHash: `0x${"1".padStart(64, "0")}`, timestamp: Number(T) - 50 }],
      events: [bob, carol, dave].map(
        (author, i) =>
          ({
            kind: "PostPublished",
            payload: {
              postId: String(i + 2),
              communityId: "1",
              author,
              topics: [],
              text: "a post",
              contentHash: `0x${"0".repeat(64)}`,
              uri: "",
            },
            blockNumber: 2,
            blockHash: hash,
            txIndex: 0,
            logIndex: 100 + i,
            txHash: `0x${"cd".repeat(32)}`,
            address: SOCIAL,
            timestamp: Number(T) - 50,
          }) as ChainEvent,
      ),
      checkpoint: { blockNumber: 2, blockHash: hash, finalizedBlock: 1, headBlock: 2 },
    });
    const like = (who: string, postId: bigint) =>
      append("Like", { account: who as `0x${string}`, postId, timestamp: T, nonce: nonce() });
    await like(founder, 2n);
    await like(founder, 3n);
    await like(bob, 3n);
    const queries = createQueries(db);
    return {
      queries,
      attention: createAttentionService({ db, queries, now: () => Number(T) + 60, rebuildMs: 0 }),
    };
  });
  const gql = seeded.gql;

  it("ranks as the leaderboard does, with the percentile people read", async () => {
    const board = await gql(`{ leaderboard(community: "1", first: 100) { account rank } }`);
    expect(board.errors).toBeUndefined();
    const entries = board.data.leaderboard as { account: string; rank: number }[];
    expect(entries.length).toBeGreaterThanOrEqual(3);
    for (const e of entries) {
      const r = await gql(RANK, { a: e.account, c: "1" });
      expect(r.errors).toBeUndefined();
      expect(r.data.reputationRank).toMatchObject({
        account: e.account,
        rank: e.rank,
        ranked: entries.length,
        topPercent: Math.ceil((100 * e.rank) / entries.length),
      });
    }
    const carolRank = (await gql(RANK, { a: carol, c: "1" })).data.reputationRank;
    const bobRank = (await gql(RANK, { a: bob, c: "1" })).data.reputationRank;
    expect(carolRank.rank).toBeLessThan(bobRank.rank);
    expect(carolRank.score).toBeGreaterThan(bobRank.score);
  });

  it("has no rank for an account without reputation, or in a community it never touched", async () => {
    for (const [a, c] of [
      [dave, "1"],
      [stranger, "1"],
      [carol, "2"],
    ] as const) {
      const r = await gql(RANK, { a, c });
      expect(r.errors).toBeUndefined();
      expect(r.data.reputationRank).toMatchObject({ rank: null, topPercent: null, score: 0 });
    }
  });

  it("refuses hostile arguments with a code", async () => {
    const code = async (a: string, c: string) => (await gql(RANK, { a, c })).errors?.[0]?.extensions?.code;
    expect(await code("not-an-address", "1")).toBe("BAD_USER_INPUT");
    expect(await code(`${carol}00`, "1")).toBe("BAD_USER_INPUT");
    expect(await code(carol, "-1")).toBe("BAD_USER_INPUT");
    expect(await code(carol, "1e400")).toBe("BAD_USER_INPUT");
  });

  it("answers ATTENTION_UNAVAILABLE from an API without the attention model", async () => {
    const api = storeApi(seeded.db());
    const r = await gqlClient(() => api)(RANK, { a: carol, c: "1" });
    expect(r.errors?.[0]?.extensions?.code).toBe("ATTENTION_UNAVAILABLE");
  });
});
