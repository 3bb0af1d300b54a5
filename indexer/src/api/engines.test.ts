/**
 * The GraphQL API answers alike on both engines: one API over a SQLite store and one over its
 * PostgreSQL mirror (`createQueries(engine)`), asked the same operations through HTTP-shaped
 * requests, give the same JSON: posts with every field, threads, quotes, notifications,
 * profiles, search, accounts, communities, campaigns, epochs, the escrow and the log's messages,
 * pages walked to the end by cursor.
 */
import { describe, expect, it } from "vitest";
import { gqlClient, storeApi } from "#test-kit/api.ts";
import { FOUNDER, seedChainRows } from "#test-kit/chain-rows.ts";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import { SOCIAL_NOW, seedSocial, socialAlice, socialBob } from "#test-kit/social-seed.ts";
import type { Db } from "../store/db.ts";
import { createQueries } from "../store/queries.ts";

const POST = `id author topics text contentHash uri createdAt blockNumber txHash finalized likes commentCount
  shares views boughtViews amplified replyCount quoteCount community { id name founder postCount memberCount }
  campaigns { id budget spent remaining active }`;

function apis(pair: ReturnType<typeof enginePairForSuite>, now: number) {
  const over = (db: Db, queries: ReturnType<typeof createQueries>) =>
    gqlClient(() => storeApi(db, { queries, now: () => now }));
  return {
    sqlite: over(pair.db(), createQueries(pair.db())),
    postgres: over(pair.db(), createQueries(pair.engine())),
  };
}

/** Asks both APIs; expects no errors and equal data; returns the data. */
async function same(pair: ReturnType<typeof enginePairForSuite>, now: number, query: string, variables = {}) {
  const { sqlite, postgres } = apis(pair, now);
  const [a, b] = await Promise.all([sqlite(query, variables), postgres(query, variables)]);
  expect(a.errors, JSON.stringify(b.errors)).toBeUndefined();
  expect(b).toEqual(a);
  return a.data;
}

/** Walks a connection to its end on both engines, page by page, expecting equal pages. */
async function walk(
  pair: ReturnType<typeof enginePairForSuite>,
  now: number,
  query: string,
  pick: (data: unknown) => { edges: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } },
  variables: Record<string, unknown> = {},
): Promise<number> {
  let after: string | null = null;
  let seen = 0;
  for (;;) {
    const page = pick(await same(pair, now, query, { ...variables, after }));
    seen += page.edges.length;
    if (!page.pageInfo.hasNextPage) return seen;
    after = page.pageInfo.endCursor;
  }
}

describe("GraphQL on SQLite and PostgreSQL: social", () => {
  const pair = enginePairForSuite(seedSocial);
  const now = SOCIAL_NOW;

  it("serves posts, threads, quotes and their counts alike", async () => {
    const data = await same(
      pair,
      now,
      `{ post(id: "1") { ${POST} parent { id } root { id } quoted { id }
          replies(first: 50) { edges { cursor node { id parent { id } } } }
          thread(first: 50) { edges { node { id parent { id } } } }
          quotes(first: 50) { edges { node { id quoted { id } } } }
          comments(first: 10) { edges { node { seq author text timestamp } } }
          likedBy(account: "${socialBob}") sharedBy(account: "${socialBob}") } }`,
    );
    expect(data.post.id).toBe("1");
    expect(data.post.replies.edges.length).toBeGreaterThan(0);
    const total = await walk(
      pair,
      now,
      `query($after: String) { posts(first: 7, after: $after) { edges { cursor node { ${POST} } } pageInfo { hasNextPage endCursor } } }`,
      (d) => (d as { posts: never }).posts,
    );
    expect(total).toBeGreaterThan(20);
    for (const orderBy of ["OLDEST", "MOST_LIKED", "MOST_VIEWED"])
      await walk(
        pair,
        now,
        `query($after: String) { posts(first: 9, after: $after, orderBy: ${orderBy}) { edges { node { id likes views } } pageInfo { hasNextPage endCursor } } }`,
        (d) => (d as { posts: never }).posts,
      );
    await walk(
      pair,
      now,
      `query($after: String) { post(id: "1") { thread(first: 4, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`,
      (d) => (d as { post: { thread: never } }).post.thread,
    );
  });

  it("serves notifications, profiles, accounts and search alike", async () => {
    for (const account of [socialAlice, socialBob]) {
      await walk(
        pair,
        now,
        `query($after: String) { notifications(account: "${account}", first: 3, after: $after) { edges { node { id kind actor post { id } epoch amount createdAt read } } pageInfo { hasNextPage endCursor } } }`,
        (d) => (d as { notifications: never }).notifications,
      );
      await same(
        pair,
        now,
        `{ unreadCount(account: "${account}") account(address: "${account}") { address balance followerCount followingCount nextNonce
            profile { account name bio avatarHash updatedAt seq }
            posts(first: 20) { edges { node { id } } } followers(first: 20) { edges { node { address } } }
            following(first: 20) { edges { node { address } } } } }`,
      );
    }
    await same(
      pair,
      now,
      `{ profiles(addresses: ["${socialAlice}", "${socialBob}", "0x${"9".repeat(40)}"]) { account name bio } }`,
    );
    for (const [query, kind] of [
      ["post", "POSTS"],
      ["reply", "POSTS"],
      ["", "POSTS"],
      ["al", "PEOPLE"],
      [socialAlice.slice(0, 8), "PEOPLE"],
      ["general", "COMMUNITIES"],
    ])
      await same(
        pair,
        now,
        `{ search(query: "${query}", kind: ${kind}, first: 50) { edges { cursor } pageInfo { hasNextPage } } }`,
      );
  });
});

describe("GraphQL on SQLite and PostgreSQL: chain", () => {
  const pair = enginePairForSuite(seedChainRows);
  const now = 1_700_001_000;

  it("serves communities, campaigns, epochs, the escrow and messages alike", async () => {
    await walk(
      pair,
      now,
      `query($after: String) { communities(first: 2, after: $after) { edges { node { id founder name description createdAt blockNumber moderators postCount memberCount } } pageInfo { hasNextPage endCursor } } }`,
      (d) => (d as { communities: never }).communities,
    );
    const campaigns = await walk(
      pair,
      now,
      `query($after: String) { campaigns(first: 3, after: $after) { edges { node { id promoter payer budget spent remaining refunded refundedAmount refundWithdrawn refundCredit createdAt active viewsBought averagePrice spends { epoch amount } post { id } } } pageInfo { hasNextPage endCursor } } }`,
      (d) => (d as { campaigns: never }).campaigns,
    );
    expect(campaigns).toBeGreaterThan(0);
    await walk(
      pair,
      now,
      `query($after: String) { epochs(first: 2, after: $after) { edges { node { number root inputsHash status activeAt totalSpent blockNumber finalized fromSeq toSeq exportHash } } pageInfo { hasNextPage endCursor } } }`,
      (d) => (d as { epochs: never }).epochs,
    );
    await same(
      pair,
      now,
      `{ indexerStatus { latestBlock startBlock headBlock } account(address: "${FOUNDER}") { address balance followerCount followingCount claimable claimed nextNonce delegations { sessionKey expiresAt } memberships { id } } }`,
    );
    await walk(
      pair,
      now,
      `query($after: String) { messages(first: 4, after: $after) { edges { node { seq kind account } } pageInfo { hasNextPage endCursor } } }`,
      (d) => (d as { messages: never }).messages,
    );
  });
});
