import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NO_AVATAR } from "#protocol";
import { gqlClient, seededStore, storeApi } from "#test-kit/api.ts";
import { sign, wallets } from "#test-kit/helpers.ts";
import { publishPosts } from "#test-kit/media.ts";
import { chainStore } from "#test-kit/stores.ts";
import { searchQueries } from "../store/queries/search.ts";
import { createReader } from "../store/queries/sql-reader.ts";
import type { Api } from "./yoga.ts";

const [alice, bob, carol] = wallets() as [
  ReturnType<typeof wallets>[number],
  ReturnType<typeof wallets>[number],
  ReturnType<typeof wallets>[number],
];
const NOW = 1_800_000_000;
// biome-ignore lint/suspicious/noExplicitAny: answers are asserted by value
type Data = any;

const SEARCH = `query($q: String!, $k: SearchKind, $first: Int, $after: String) {
  search(query: $q, kind: $k, first: $first, after: $after) {
    edges { cursor node { score post { id text } account { address profile { name } } community { id name } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe("search over posts, people and communities", () => {
  let seeded: Awaited<ReturnType<typeof seededStore>>;
  let api: Api;
  const gql = gqlClient(() => api);
  const search = async (q: string, k = "POSTS", first?: number, after?: string) => {
    const r = await gql(SEARCH, { q, k, first, after });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return r.data.search as Data;
  };
  const ids = (s: Data) => s.edges.map((e: Data) => e.node.post.id);

  beforeEach(async () => {
    seeded = await seededStore(alice.address, 1);
    api = storeApi(seeded.db, { now: () => NOW });
    await publishPosts(
      seeded.db,
      [
        { id: 2, author: alice.address, text: "Solar panels on every roof in Lisbon", topics: ["energy"] },
        { id: 3, author: bob.address, text: "Wind beats solar in the north sea", topics: ["energy", "wind"] },
        {
          id: 4,
          author: bob.address,
          text: "A café review: the naïve barista",
          topics: ["food"],
          community: 2,
        },
        { id: 5, author: carol.address, text: "solar solar solar", topics: ["solar"] },
        ...Array.from({ length: 25 }, (_, i) => ({
          id: 6 + i,
          author: carol.address,
          text: `batch note ${i} about gardening`,
        })),
      ],
      [
        {
          id: 2,
          name: "Coffee lovers",
          description: "espresso, filter and solar roasting",
          founder: bob.address.toLowerCase(),
        },
      ],
    );
    let n = 1n;
    for (const [who, name, bio] of [
      [alice, "Alice Liddell", "writes about solar energy"],
      [bob, "Bob the Builder", "can we fix it"],
    ] as const) {
      const m = await sign(who, "Profile", {
        account: who.address,
        name,
        avatar: NO_AVATAR,
        bio,
        timestamp: BigInt(NOW),
        nonce: n++,
      });
      const r = await gql(
        `mutation($m: String!, $s: String!) { submitMessage(kind: Profile, message: $m, signature: $s) { seq } }`,
        { m: m.json, s: m.signature },
      );
      expect(r.errors).toBeUndefined();
    }
  });
  afterEach(() => seeded.close());

  it("ranks posts by relevance (topics count twice), folds case and accents", async () => {
    const solar = await search("solar");
    expect(ids(solar)).toEqual(["5", "2", "3"]);
    expect(solar.edges[0].node.score).toBeGreaterThan(solar.edges[2].node.score);
    expect(ids(await search("SOLAR lisbon"))).toEqual(["2"]);
    expect(ids(await search("cafe naive"))).toEqual(["4"]);
    expect(ids(await search("garden"))).toHaveLength(20);
    expect(ids(await search("sol"))).toEqual(["5", "2", "3"]);
    expect(ids(await search("sol "))).toEqual([]);
    expect(ids(await search("wind"))).toEqual(["3"]);
  });

  it("leaves very common words out of a query with other words, and lists the newest for only such words", async () => {
    // "batch", "note", "about" and "gardening" are in 25 of 29 posts.
    const q = searchQueries(createReader(seeded.db), { commonWordMinPosts: 0 });
    const page = async (query: string, first = 20) =>
      (await q.searchPosts(query, first, 0)).rows.map((r) => [r.id, r.score]);
    expect((await page("gardening note 3 ")).map(([id]) => id)).toEqual([9]);
    expect(await page("batch gardening about 3 solar ")).toEqual([]);
    expect(await page("gardening ", 3)).toEqual([
      [30, 0],
      [29, 0],
      [28, 0],
    ]);
  });

  it("pages through results without repeats or gaps", async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const s = await search("gardening", "POSTS", 10, after);
      seen.push(...ids(s));
      if (!s.pageInfo.hasNextPage) break;
      after = s.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
  });

  it("finds people by name, bio and address prefix, and communities by name and description", async () => {
    const people = await search("alice", "PEOPLE");
    expect(people.edges.map((e: Data) => e.node.account.profile.name)).toEqual(["Alice Liddell"]);
    expect((await search("solar", "PEOPLE")).edges.map((e: Data) => e.node.account.address)).toEqual([
      alice.address.toLowerCase(),
    ]);
    const byAddress = await search(carol.address.slice(0, 8), "PEOPLE");
    expect(byAddress.edges.map((e: Data) => e.node.account.address)).toContain(carol.address.toLowerCase());
    const exact = await search(bob.address, "PEOPLE");
    expect(exact.edges[0].node.account).toEqual({
      address: bob.address.toLowerCase(),
      profile: { name: "Bob the Builder" },
    });
    const coffee = await search("espresso", "COMMUNITIES");
    expect(coffee.edges.map((e: Data) => e.node.community)).toEqual([{ id: "2", name: "Coffee lovers" }]);
    expect((await search("coffee", "COMMUNITIES")).edges[0].node.community.name).toBe("Coffee lovers");
  });

  it("follows profile changes and chain reorgs", async () => {
    const m = await sign(alice, "Profile", {
      account: alice.address,
      name: "Queen of Hearts",
      avatar: NO_AVATAR,
      bio: "",
      timestamp: BigInt(NOW),
      nonce: 99n,
    });
    await gql(
      `mutation($m: String!, $s: String!) { submitMessage(kind: Profile, message: $m, signature: $s) { seq } }`,
      { m: m.json, s: m.signature },
    );
    expect((await search("alice", "PEOPLE")).edges).toEqual([]);
    expect((await search("hearts", "PEOPLE")).edges).toHaveLength(1);
    const chain = chainStore(seeded.db);
    const first = await chain.getBlock(1);
    if (!first) throw new Error("no block 1");
    await chain.rollbackTo(first, 2);
    expect(ids(await search("solar"))).toEqual([]);
    expect((await search("coffee", "COMMUNITIES")).edges).toEqual([]);
  });

  const hostile = [
    '"',
    '"unterminated',
    "solar*",
    "*",
    "NEAR(solar wind, 2)",
    "text:solar",
    "{text topics}: solar",
    "solar AND OR NOT",
    "^solar",
    "solar -wind",
    "(",
    "\u0000solar",
    "😀",
    "' OR 1=1 --",
    "0x",
    "0xzz",
  ];
  it("treats FTS syntax as plain words: no error, never a 500", async () => {
    for (const q of hostile) {
      for (const k of ["POSTS", "PEOPLE", "COMMUNITIES"]) {
        const r = await gql(SEARCH, { q, k });
        expect(r.errors, `${k} ${q}`).toBeUndefined();
      }
    }
    expect(ids(await search("solar*"))).toEqual(["5", "2", "3"]);
    expect(ids(await search("text:solar"))).toEqual([]);
  });

  it("refuses what is out of bounds with BAD_USER_INPUT", async () => {
    const code = async (vars: Record<string, unknown>) =>
      (await gql(SEARCH, vars)).errors?.[0]?.extensions?.code;
    expect(await code({ q: "x".repeat(201) })).toBe("BAD_USER_INPUT");
    expect(await code({ q: "solar", first: -1 })).toBe("BAD_USER_INPUT");
    expect(await code({ q: "solar", after: "not-a-cursor" })).toBe("BAD_USER_INPUT");
    expect(await code({ q: "solar", after: Buffer.from("[5000]").toString("base64url") })).toBe(
      "BAD_USER_INPUT",
    );
    expect(await code({ q: "solar", k: "EVERYTHING" })).toBe("BAD_USER_INPUT");
    const http = await api.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: SEARCH, variables: { q: "x".repeat(5000) } }),
    });
    expect(http.status).toBeLessThan(500);
  });
});
