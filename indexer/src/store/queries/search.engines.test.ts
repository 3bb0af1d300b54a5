/**
 * Search on both engines over the same rows (FTS5 on SQLite, tsvector columns on PostgreSQL).
 * The scores differ (bm25 against ts_rank), so where ranking is a matter of degree the tests
 * compare what is found; where the order is defined (a clear best match, an address search,
 * only very common words: newest first) they compare the order. Every list is paged to the
 * end on both engines without repeats or gaps; deleted posts are left out; hostile input is
 * plain words.
 */
import { describe, expect, it } from "vitest";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import { wallets } from "#test-kit/helpers.ts";
import { publishPosts } from "#test-kit/media.ts";
import { engagementStore } from "#test-kit/stores.ts";
import type { NewLogEntry } from "../engine/engagement-store.ts";
import { SEARCH_LIMITS } from "../fts.ts";
import { type Scored, searchQueries } from "./search.ts";
import type { Reader, Rows } from "./sql-reader.ts";

const [alice, bob, carol] = wallets().map((w) => w.address.toLowerCase()) as [string, string, string];
const GARDENING = 25;

describe("search queries on SQLite and PostgreSQL", () => {
  const pair = enginePairForSuite(async (db) => {
    await publishPosts(
      db,
      [
        { id: 2, author: alice, text: "Solar panels on every roof in Lisbon", topics: ["energy"] },
        { id: 3, author: bob, text: "Wind beats solar in the north sea", topics: ["energy", "wind"] },
        { id: 4, author: bob, text: "A café review: the naïve barista", topics: ["food"], community: 2 },
        { id: 5, author: carol, text: "solar solar solar", topics: ["solar"] },
        { id: 6, author: carol, text: "solar-powered e-mail: https://example.com/solar?x=1" },
        { id: 7, author: alice, text: "a deleted post about solar" },
        { id: 8, author: alice, text: "Ünïcode ÉCOLE straße 日本語 v2 x_y" },
        ...Array.from({ length: GARDENING }, (_, i) => ({
          id: 10 + i,
          author: carol,
          text: `batch note ${i} about gardening`,
        })),
      ],
      [
        { id: 1, name: "general", description: "all things", founder: alice },
        { id: 2, name: "Coffee lovers", description: "espresso, filter and solar roasting", founder: bob },
        { id: 3, name: "Solar coffee", description: "the sun brews", founder: carol },
      ],
    );
    let nonce = 0;
    const entry = (
      kind: NewLogEntry["kind"],
      account: string,
      fields: Record<string, unknown>,
    ): NewLogEntry => {
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
    const noAvatar = `0x${"0".repeat(64)}`;
    await engagementStore(db).appendMany([
      entry("Profile", alice, { name: "Alice Liddell", bio: "writes about solar energy", avatar: noAvatar }),
      entry("Profile", bob, { name: "Bob the Builder", bio: "can we fix it", avatar: noAvatar }),
      entry("Profile", carol, { name: "Carol", bio: "alice's friend, solar solar", avatar: noAvatar }),
      entry("DeletePost", alice, { postId: "7" }),
    ]);
  });

  type Ask = (
    r: Reader,
    first: number,
    offset: number,
  ) => Promise<Rows<Scored & { id?: number; address?: string }>>;
  const key = (row: Scored & { id?: number; address?: string }) => String(row.id ?? row.address);
  /** One engine's results, `size` at a time to the end: no repeats, and the same as one big page. */
  const walk = async (r: Reader, ask: Ask, size: number): Promise<string[]> => {
    const seen: string[] = [];
    for (let offset = 0; offset < SEARCH_LIMITS.maxOffset; offset += size) {
      const page = await ask(r, size, offset);
      seen.push(...page.rows.map(key));
      if (!page.hasNextPage) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect((await ask(r, 100, 0)).rows.map(key)).toEqual(seen);
    return seen;
  };
  /** The results of both engines: the same set, each paged without repeats or gaps. */
  const found = async (ask: Ask, size = 3): Promise<{ sqlite: string[]; postgres: string[] }> => {
    const sqlite = await walk(pair.sqlite(), ask, size);
    const postgres = await walk(pair.postgres(), ask, size);
    expect([...postgres].sort()).toEqual([...sqlite].sort());
    return { sqlite, postgres };
  };
  const posts =
    (q: string): Ask =>
    (r, first, offset) =>
      searchQueries(r).searchPosts(q, first, offset);
  const people =
    (q: string): Ask =>
    (r, first, offset) =>
      searchQueries(r).searchPeople(q, first, offset);
  const communities =
    (q: string): Ask =>
    (r, first, offset) =>
      searchQueries(r).searchCommunities(q, first, offset);

  it("finds the same posts, folding case and accents, the last word as a prefix, deleted posts left out", async () => {
    const cases: [string, string[]][] = [
      ["solar", ["2", "3", "5", "6"]],
      ["SOLAR lisbon", ["2"]],
      ["cafe naive", ["4"]],
      ["CAFÉ NAÏVE", ["4"]],
      ["sol", ["2", "3", "5", "6"]],
      ["sol ", []],
      ["wind", ["3"]],
      ["energy", ["2", "3"]],
      ["powered mail example com", ["6"]],
      ["unicode ecole", ["8"]],
      ["日本語", ["8"]],
      ["x y v2", ["8"]],
      ["deleted", []],
      ["garden", Array.from({ length: GARDENING }, (_, i) => String(10 + i))],
      ["gardening 7", ["17"]],
    ];
    for (const [q, ids] of cases) {
      const { sqlite } = await found(posts(q), 4);
      expect([...sqlite].sort(), q).toEqual([...ids].sort());
    }
  });

  it("ranks a clear best match first on both engines (topics count twice the text)", async () => {
    // Post 5 holds the word in its topics and three times in its text; post 6 twice; 2 and 3 once
    // (2 is the shorter); 7 is deleted.
    const solar = await pair.same(async (r) =>
      (await searchQueries(r).searchPosts("solar", 10, 0)).rows.map((p) => p.id),
    );
    expect(solar).toEqual([5, 6, 2, 3]);
    const scores = (await searchQueries(pair.postgres()).searchPosts("solar", 10, 0)).rows.map(
      (p) => p.score,
    );
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(scores.every((s) => typeof s === "number" && s > 0)).toBe(true);
    // A community named for the word before one describing it.
    expect(
      await pair.same(async (r) =>
        (await searchQueries(r).searchCommunities("solar", 5, 0)).rows.map((c) => c.id),
      ),
    ).toEqual([3, 2]);
    expect(
      await pair.same(async (r) =>
        (await searchQueries(r).searchPeople("alice", 5, 0)).rows.map((p) => p.address),
      ),
    ).toEqual([alice, carol]);
  });

  it("lists the newest posts for a query of only very common words, alike", async () => {
    const newest = (r: Reader) =>
      searchQueries(r, { commonWordMinPosts: 0 })
        .searchPosts("gardening ", 3, 0)
        .then((p) => p.rows.map((row) => [row.id, row.score]));
    expect(await pair.same(newest)).toEqual([
      [34, 0],
      [33, 0],
      [32, 0],
    ]);
    // Left out of a query with other words: only the rare word decides.
    expect(
      await pair.same(async (r) =>
        (await searchQueries(r, { commonWordMinPosts: 0 }).searchPosts("gardening note 3 ", 20, 0)).rows.map(
          (row) => row.id,
        ),
      ),
    ).toEqual([13]);
  });

  it("finds people by name, bio and address prefix, and communities by name and description", async () => {
    expect((await found(people("solar"))).sqlite.sort()).toEqual([alice, carol].sort());
    expect((await found(people("builder"))).sqlite).toEqual([bob]);
    expect((await found(people("nobody"))).sqlite).toEqual([]);
    // An address search has one defined order: the exact address, then by address.
    for (const q of [alice.slice(0, 4), bob, carol.slice(0, 10).toUpperCase(), "0x00", "0xf39f"]) {
      const rows = await pair.same((r) => searchQueries(r).searchPeople(q, 50, 0));
      if (q === bob) expect(rows.rows[0]).toEqual({ address: bob, score: 1 });
      if (q === "0x00") expect(rows.rows).toEqual([]);
      else expect(rows.rows.length).toBeGreaterThan(0);
      const walked: string[] = [];
      for (let offset = 0; ; offset += 1) {
        const page = await pair.same((r) => searchQueries(r).searchPeople(q, 1, offset));
        walked.push(...page.rows.map((p) => p.address));
        if (!page.hasNextPage) break;
      }
      expect(walked).toEqual(rows.rows.map((p) => p.address));
    }
    // "0x" alone is a word, the prefix of every address a profile holds.
    expect((await found(people("0x"))).sqlite.sort()).toEqual([alice, bob, carol].sort());
    expect((await found(communities("coffee"), 1)).sqlite.sort()).toEqual(["2", "3"]);
    expect((await found(communities("espresso"))).sqlite).toEqual(["2"]);
    expect((await found(communities("sun"))).sqlite).toEqual(["3"]);
  });

  it("treats query syntax as plain words on both engines", async () => {
    const hostile = [
      "",
      "   ",
      '"',
      '"unterminated',
      "solar*",
      "*",
      "-",
      "solar -wind",
      "NEAR(solar wind, 2)",
      "text:solar",
      "{text topics}: solar",
      "solar AND OR NOT",
      "solar & wind | !sea",
      "'solar':*",
      "solar:A",
      "^solar",
      "(",
      "\u0000solar",
      "😀",
      "' OR 1=1 --",
      "0x",
      "0xzz",
      "a".repeat(SEARCH_LIMITS.maxQueryChars),
    ];
    for (const q of hostile) {
      const p = await found(posts(q));
      await found(people(q));
      await found(communities(q));
      if (q === "solar*" || q === "\u0000solar" || q === "^solar")
        expect(p.sqlite.sort()).toEqual(["2", "3", "5", "6"]);
      if (q === "solar -wind") expect(p.sqlite).toEqual(["3"]);
      if (q === "" || q === "   " || q === "*" || q === "-" || q === '"') expect(p.sqlite).toEqual([]);
    }
  });

  it("follows every write of the indexed tables on both engines (runs last: it changes the rows)", async () => {
    const write = async (text: string, params: unknown[]) => {
      pair
        .db()
        .prepare(text)
        .run(...params);
      let n = 0;
      await pair.engine().pool?.query(
        text.replace(/\?/g, () => `$${++n}`),
        params,
      );
    };
    await write("UPDATE profiles SET name = ?, bio = ? WHERE account = ?", ["Queen of Hearts", "", alice]);
    expect((await found(people("alice"))).sqlite).toEqual([carol]);
    expect((await found(people("hearts"))).sqlite).toEqual([alice]);
    await write("UPDATE posts SET text = ? WHERE id = ?", ["wind only now", 2]);
    await write("UPDATE posts SET parent_id = ? WHERE id = ?", [3, 5]);
    expect((await found(posts("solar"))).sqlite.sort()).toEqual(["3", "5", "6"]);
    expect((await found(posts("wind only"))).sqlite).toEqual(["2"]);
    await write("DELETE FROM posts WHERE id IN (?, ?)", [5, 6]);
    await write("DELETE FROM communities WHERE id = ?", [3]);
    expect((await found(posts("solar"))).sqlite).toEqual(["3"]);
    expect((await found(communities("coffee"))).sqlite).toEqual(["2"]);
    await write(
      "INSERT INTO communities (id, founder, name, description, created_at, block_number) VALUES (?, ?, ?, ?, ?, ?)",
      [9, bob, "Tea", "coffee's rival", 1, 1],
    );
    expect((await found(communities("coffee"))).sqlite.sort()).toEqual(["2", "9"]);
    // A description far past what a tsvector holds (1 MB) is still written; its start is searchable.
    const huge = Array.from({ length: 200_000 }, (_, i) => `w${i.toString(36)}x`).join(" ");
    await pair
      .engine()
      .pool?.query(
        "INSERT INTO communities (id, founder, name, description, created_at, block_number) VALUES (10, $1, 'Huge', $2, 1, 1)",
        [bob, `needle ${huge}`],
      );
    expect(
      (await searchQueries(pair.postgres()).searchCommunities("needle", 5, 0)).rows.map((c) => c.id),
    ).toEqual([10]);
    await pair.engine().pool?.query("DELETE FROM communities WHERE id = 10");
    await pair.engine().pool?.query("TRUNCATE profiles");
    expect(await searchQueries(pair.postgres()).searchPeople("hearts", 5, 0)).toEqual({
      rows: [],
      hasNextPage: false,
    });
  });
});
