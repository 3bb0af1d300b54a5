/**
 * The conversation queries on both engines over the same rows: links, replies, threads from a
 * root and from a reply, quotes (each paged to the end), counts, and a viewer's like and repost.
 */
import { describe, expect, it } from "vitest";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import {
  EXTRA_REPLIES,
  QUOTES,
  seedSocial,
  socialAlice,
  socialBob,
  socialCarol,
} from "#test-kit/social-seed.ts";
import type { PostRow } from "./posts.ts";
import type { Reader, Rows } from "./sql-reader.ts";
import { threadQueries } from "./threads.ts";

describe("thread queries on SQLite and PostgreSQL", () => {
  const pair = enginePairForSuite(seedSocial);
  /** Every page of a list, `size` at a time, asked of both engines alike. */
  const walk = async (
    list: (r: Reader, after: number | null) => Promise<Rows<PostRow>>,
  ): Promise<number[]> => {
    const ids: number[] = [];
    let after: number | null = null;
    for (;;) {
      const page = await pair.same((r) => list(r, after));
      ids.push(...page.rows.map((p) => p.id));
      const last = page.rows.at(-1);
      if (!page.hasNextPage || !last) break;
      after = last.id;
    }
    return ids;
  };

  it("reads a post's links", async () => {
    expect(await pair.same((r) => threadQueries(r).postLinks(5))).toEqual({
      parentId: 4,
      rootId: 1,
      quoteId: null,
    });
    expect(await pair.same((r) => threadQueries(r).postLinks(40))).toEqual({
      parentId: null,
      rootId: null,
      quoteId: 1,
    });
    expect(await pair.same((r) => threadQueries(r).postLinks(999))).toEqual({
      parentId: null,
      rootId: null,
      quoteId: null,
    });
  });

  it("pages replies, threads and quotes to the end with the same rows", async () => {
    const extra = Array.from({ length: EXTRA_REPLIES }, (_, i) => 10 + i).filter((id) => id !== 20);
    expect(await walk((r, a) => threadQueries(r).replies(1, 5, a))).toEqual([4, ...extra]);
    expect(await walk((r, a) => threadQueries(r).thread(1, 7, a))).toEqual([4, 5, 6, ...extra]);
    expect(await walk((r, a) => threadQueries(r).thread(4, 1, a))).toEqual([5, 6]);
    expect(await walk((r, a) => threadQueries(r).thread(999, 3, a))).toEqual([]);
    const quotes = Array.from({ length: QUOTES }, (_, i) => 40 + QUOTES - 1 - i);
    expect(await walk((r, a) => threadQueries(r).quotes(1, 5, a))).toEqual(quotes);
    const first = await pair.same((r) => threadQueries(r).replies(1, 3, null));
    expect(first.rows[0]).toMatchObject({ id: 4, author: socialBob, communityName: "general" });
  });

  it("counts replies and quotes, and answers a viewer's like and repost", async () => {
    expect(await pair.same((r) => threadQueries(r).replyCount(1))).toBe(EXTRA_REPLIES); // 4 and the extras, less 20
    expect(await pair.same((r) => threadQueries(r).replyCount(6))).toBe(0);
    expect(await pair.same((r) => threadQueries(r).quoteCount(1))).toBe(QUOTES);
    expect(await pair.same((r) => threadQueries(r).likedBy(1, socialBob))).toBe(true);
    expect(await pair.same((r) => threadQueries(r).likedBy(3, socialCarol))).toBe(false);
    expect(await pair.same((r) => threadQueries(r).likedBy(1, socialAlice))).toBe(false);
    expect(await pair.same((r) => threadQueries(r).sharedBy(1, socialCarol))).toBe(true);
    expect(await pair.same((r) => threadQueries(r).sharedBy(2, socialCarol))).toBe(false);
  });
});
