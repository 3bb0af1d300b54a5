/**
 * The post queries on both engines over the same rows: every filter and order, keyset pages
 * walked to the end, deleted posts left out, stats, topics and comments.
 */
import { describe, expect, it } from "vitest";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import { seedChain, wallets } from "#test-kit/helpers.ts";
import { chainStore, engagementStore } from "#test-kit/stores.ts";
import type { NewLogEntry } from "../engine/engagement-store.ts";
import { type PostFilter, postQueries } from "./posts.ts";
import type { Keyset } from "./sql-reader.ts";

const [alice, bob, carol] = wallets().map((w) => w.address.toLowerCase());
let nonce = 0;
const entry = (kind: NewLogEntry["kind"], account: string, fields: Record<string, unknown>): NewLogEntry => {
  const message = { account, ...fields, timestamp: "1700000100", nonce: String(++nonce) };
  return {
    kind,
    signer: account,
    message,
    json: JSON.stringify(message),
    signature: "0x",
    receivedAt: 1_700_000_101,
  };
};

describe("post queries on SQLite and PostgreSQL", () => {
  const pair = enginePairForSuite(async (db) => {
    await seedChain(chainStore(db), alice as `0x${string}`, 40);
    const log = engagementStore(db);
    const entries: NewLogEntry[] = [];
    for (let post = 1; post <= 40; post++) {
      for (const [i, who] of [alice, bob, carol].entries())
        if ((post + i) % 3 !== 0) entries.push(entry("Like", who as string, { postId: String(post) }));
      for (let v = 0; v < post % 5; v++)
        entries.push(
          entry("View", [bob, carol][v % 2] as string, {
            postId: String(post),
            dwellMs: "3000",
            campaignId: "0",
          }),
        );
    }
    entries.push(entry("Comment", bob as string, { postId: "2", text: "first" }));
    entries.push(entry("Comment", carol as string, { postId: "2", text: "second" }));
    entries.push(entry("DeletePost", alice as string, { postId: "7" }));
    await log.appendMany(entries);
  });
  const q = () => ({ sqlite: postQueries(pair.sqlite()), postgres: postQueries(pair.postgres()) });

  it("pages every filter and order to the end with the same rows", async () => {
    const filters: PostFilter[] = [
      {},
      { orderBy: "OLDEST" },
      { orderBy: "MOST_LIKED" },
      { orderBy: "MOST_VIEWED" },
      { topic: "even" },
      { topic: "news", orderBy: "MOST_LIKED" },
      { communityId: 1, author: alice },
      { author: bob },
    ];
    for (const filter of filters) {
      const byCount = filter.orderBy === "MOST_LIKED" || filter.orderBy === "MOST_VIEWED";
      let after: Keyset | null = null;
      let seen = 0;
      for (;;) {
        const page = await pair.same((r) => postQueries(r).posts(filter, 7, after));
        seen += page.rows.length;
        if (!page.hasNextPage) break;
        const last = page.rows.at(-1);
        if (!last) break;
        after = byCount ? [filter.orderBy === "MOST_LIKED" ? last.likes : last.views, last.id] : [last.id];
      }
      if (filter.author === bob) expect(seen).toBe(0);
      else if (filter.topic === "even") expect(seen).toBe(20);
      else expect(seen).toBe(39);
    }
  });

  it("reads single posts, sets of posts, stats, topics and comments alike", async () => {
    expect(await pair.same((r) => postQueries(r).post(3))).toMatchObject({
      id: 3,
      communityId: 1,
      author: alice,
    });
    expect(await pair.same((r) => postQueries(r).post(7))).toBeNull();
    expect(await pair.same((r) => postQueries(r).postAnyState(7))).toMatchObject({ id: 7 });
    const some = await pair.same(async (r) =>
      (await postQueries(r).postsByIds([1, 7, 9, 400])).sort((a, b) => a.id - b.id),
    );
    expect(some.map((p) => p.id)).toEqual([1, 9]);
    expect(await pair.same((r) => postQueries(r).postsByIds([]))).toEqual([]);
    expect(await pair.same((r) => postQueries(r).topics(2))).toEqual(["news", "even", "news"]);
    expect(await pair.same((r) => postQueries(r).postStats(4))).toMatchObject({ likes: 2, views: 2 });
    expect(await pair.same((r) => postQueries(r).postStats(999))).toEqual({
      likes: 0,
      comments: 0,
      shares: 0,
      views: 0,
      boughtViews: 0,
    });
    const first = await pair.same((r) => postQueries(r).comments(2, 1, null));
    expect(first.hasNextPage).toBe(true);
    const rest = await pair.same((r) => postQueries(r).comments(2, 5, first.rows[0]?.seq ?? 0));
    expect(rest.rows.map((c) => c.account)).toEqual([carol]);
    // The typed values agree too (numbers, not strings, for counts and ids).
    expect(typeof (await q().postgres.post(3))?.likes).toBe("number");
  });
});
