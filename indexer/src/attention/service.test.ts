import { join } from "node:path";
import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PolicyMode } from "#protocol";
import { seedChain, tempDir } from "#test-kit/helpers.ts";
import { chainStore } from "#test-kit/stores.ts";
import { unsignedLog } from "#test-kit/unsigned-log.ts";
import { encodeCursor } from "../store/cursor.ts";
import { type Db, openDb } from "../store/db.ts";
import { createQueries } from "../store/queries.ts";
import { account } from "./fixtures.ts";
import { createAttentionService } from "./service.ts";

describe("store-backed attention service", () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: Db;
  const author = account(1);
  const open = account(2);
  const closed = account(3);
  const fan = account(4);
  const T = 1_700_000_100n;

  const { append, policy, nonce } = unsignedLog(() => db, T);
  const like = (who: Address, postId: bigint) =>
    append("Like", { account: who, postId, timestamp: T, nonce: nonce() });

  beforeAll(async () => {
    tmp = tempDir("amp-attention-");
    db = openDb(join(tmp.dir, "db.sqlite"));
    await seedChain(chainStore(db), author, 3); // community 1 founded by author; posts 1..3; campaign 1 on post 1
    await policy(open, PolicyMode.Everyone);
    await policy(closed, PolicyMode.None);
    await like(open, 2n);
    await like(closed, 3n);
  });
  afterAll(() => {
    db.close();
    tmp.cleanup();
  });

  const service = (snapshotSlots?: number) =>
    createAttentionService({
      db,
      queries: createQueries(db),
      now: () => Number(T) + 60,
      rebuildMs: 0,
      snapshotSlots,
    });

  it("serves organic pages without an impression key, whatever the policy", async () => {
    const s = service();
    const forOpen = await s.stream({ viewer: open, first: 10 });
    expect(forOpen.items.length).toBe(3);
    expect(forOpen.items.every((i) => !i.amplified && i.campaignId === null)).toBe(true);
    const forClosed = await s.stream({ viewer: closed, first: 10 });
    expect(forClosed.items.length).toBe(3);
    expect(forClosed.items.every((i) => !i.amplified && i.campaignId === null)).toBe(true);
    const page = await s.stream({ viewer: open, first: 2 });
    expect(page.hasNextPage).toBe(true);
    const next = await s.stream({ viewer: open, first: 2, after: page.items[1]?.cursor });
    expect(next.items.map((i) => i.postId)).toEqual([forOpen.items[2]?.postId]);
    for (const after of [
      "not-a-cursor",
      encodeCursor([2]),
      encodeCursor([1, -1]),
      encodeCursor([-1, 1]),
      encodeCursor([1, 1.5]),
      encodeCursor([1, "1"]),
    ]) {
      await expect(async () => s.stream({ viewer: open, first: 2, after })).rejects.toThrow(/invalid cursor/);
    }
    // Past the end: an empty page.
    expect(await s.stream({ viewer: open, first: 2, after: encodeCursor([1, 50]) })).toEqual({
      hasNextPage: false,
      items: [],
    });
  });

  it("cuts later pages from the first page's ranking, however the graph moves in between", async () => {
    const s = service();
    const viewer = account(9);
    await policy(viewer, PolicyMode.Everyone);
    const first = await s.stream({ viewer, first: 1 });
    const whole = await s.stream({ viewer, first: 10 });
    const last = whole.items.at(-1)?.postId as bigint;
    // Someone the viewer follows now attends to the lowest-ranked post: a fresh ranking moves it up.
    await append("Follow", { account: viewer, target: fan, follow: true, timestamp: T, nonce: nonce() });
    await like(fan, last);
    await append("Comment", { account: fan, postId: last, text: "so true", timestamp: T, nonce: nonce() });
    const rest = await s.stream({ viewer, first: 10, after: first.items[0]?.cursor });
    expect([first.items[0]?.postId, ...rest.items.map((i) => i.postId)]).toEqual(
      whole.items.map((i) => i.postId),
    );
    expect(rest.hasNextPage).toBe(false);
    // Another viewer's cursor, or a forgotten snapshot, ranks afresh at the same position.
    const other = await s.stream({ viewer: open, first: 1, after: first.items[0]?.cursor });
    expect(other.items).toHaveLength(1);
    const fresh = await s.stream({ viewer, first: 10 });
    expect(fresh.items.map((i) => i.postId)).not.toEqual(whole.items.map((i) => i.postId));
    expect(fresh.items.map((i) => i.postId)).toEqual(
      [...fresh.items].sort((a, b) => b.score - a.score || Number(b.postId - a.postId)).map((i) => i.postId),
    );
    expect(fresh.items.find((i) => i.postId === last)?.score).toBeGreaterThan(
      whole.items.find((i) => i.postId === last)?.score as number,
    );
  });

  it("ranks a later page afresh once its snapshot is overwritten", async () => {
    const s = service(9); // room for one ranking of the 3 posts
    const page = await s.stream({ viewer: open, first: 1 });
    await s.stream({ viewer: closed, first: 1 });
    const whole = await s.stream({ viewer: open, first: 10 });
    const next = await s.stream({ viewer: open, first: 10, after: page.items[0]?.cursor });
    expect(next.items.map((i) => i.postId)).toEqual(whole.items.slice(1).map((i) => i.postId));
    // The fresh ranking is kept in turn: its cursors name it.
    expect(next.items[0]?.cursor).not.toBe(whole.items[1]?.cursor);
  });

  it("answers reputation, leaderboard and quotes, and follows new log entries", async () => {
    const s = service();
    // The author holds all of the community's trust: its one effective member, relative reputation 1.
    expect(await s.reputation(author, 1n)).toBeCloseTo(1, 6);
    const board = await s.leaderboard(1n, 5);
    expect(board[0]).toMatchObject({ account: author.toLowerCase(), rank: 1 });
    const quote = await s.quote({ promoter: fan, communityId: 1n, budget: 10n ** 19n });
    expect(quote.pricePerView).toBeGreaterThan(0n);
    expect(quote.views).toBeGreaterThan(0);
    expect(await s.reputation(fan, 1n)).toBe(0);
    await like(author, 99n); // unknown post: ignored
    await append("Follow", { account: fan, target: author, follow: true, timestamp: T, nonce: nonce() });
    await like(fan, 1n);
    expect((await s.leaderboard(1n, 5)).length).toBe(1); // the fan attends, the author is attended
    const stats = await s.campaignStats(1n);
    expect(stats.viewsBought).toBe(0);
    const sameBudget = await s.quote({ promoter: author, communityId: 1n, budget: 10n ** 18n });
    expect(stats.estimatedRemainingReach).toBe(sameBudget.views);
  });
});
