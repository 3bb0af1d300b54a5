import { describe, expect, it } from "vitest";
import type { MessageByKind, MessageKind } from "#protocol";
import { seededApiEachTest } from "#test-kit/api.ts";
import { sign, wallets } from "#test-kit/helpers.ts";
import { exportLog } from "../engagement/export.ts";

const [alice, bob] = wallets() as [ReturnType<typeof wallets>[number], ReturnType<typeof wallets>[number]];
const NOW = 1_800_000_000;
// biome-ignore lint/suspicious/noExplicitAny: answers are asserted by value
type Data = any;

describe("GraphQL API over a seeded store", () => {
  const seeded = seededApiEachTest(alice.address, 30, () => ({
    now: () => NOW,
    corsOrigins: ["http://127.0.0.1:5173"],
    limits: { maxDepth: 8, maxCost: 3000 },
  }));
  const gql = seeded.gql;

  it("paginates posts with stable cursors and caps the page size", async () => {
    const q = `query($after: String, $first: Int) { posts(first: $first, after: $after) { edges { cursor node { id author text topics community { name } } } pageInfo { hasNextPage endCursor } } }`;
    const one = await gql(q, { first: 20 });
    expect(one.errors).toBeUndefined();
    expect(one.data.posts.edges.map((e: Data) => e.node.id).slice(0, 3)).toEqual(["30", "29", "28"]);
    expect(one.data.posts.pageInfo.hasNextPage).toBe(true);
    const two = await gql(q, { first: 20, after: one.data.posts.pageInfo.endCursor });
    expect(two.data.posts.edges.map((e: Data) => e.node.id)).toEqual(
      Array.from({ length: 10 }, (_, i) => String(10 - i)),
    );
    expect(two.data.posts.pageInfo.hasNextPage).toBe(false);
    expect(two.data.posts.edges[0].node.community.name).toBe("general");
    const big = await gql(q, { first: 100000 });
    expect(big.errors?.[0]?.extensions?.code).toBe("PAGE_TOO_LARGE");
    expect(big.errors?.[0]?.message).toBe("first must be at most 100, got 100000");
    expect((await gql(q, { first: 100 })).data.posts.edges).toHaveLength(30);
  });

  it("walks every ordering and filter to the end without gaps or repeats", async () => {
    seeded.db().prepare("UPDATE post_stats SET likes = post_id % 4, views = (post_id * 7) % 5").run();
    const walk = async (args: string) => {
      const ids: number[] = [];
      let after: string | null = null;
      for (let page = 0; page < 20; page++) {
        const r = await gql(
          `query($after: String) { posts(first: 7, after: $after, ${args}) { edges { node { id likes views topics } } pageInfo { hasNextPage endCursor } } }`,
          { after },
        );
        expect(r.errors).toBeUndefined();
        ids.push(...r.data.posts.edges.map((e: Data) => Number(e.node.id)));
        if (!r.data.posts.pageInfo.hasNextPage) return ids;
        after = r.data.posts.pageInfo.endCursor;
      }
      throw new Error("no last page");
    };
    const all = Array.from({ length: 30 }, (_, i) => i + 1);
    const by = (key: (id: number) => number) => [...all].sort((a, b) => key(b) - key(a) || b - a);
    expect(await walk("orderBy: NEWEST")).toEqual(by(() => 0));
    expect(await walk("orderBy: OLDEST")).toEqual(all);
    expect(await walk("orderBy: MOST_LIKED")).toEqual(by((id) => id % 4));
    expect(await walk("orderBy: MOST_VIEWED")).toEqual(by((id) => (id * 7) % 5));
    expect(await walk(`topic: "even"`)).toEqual(by(() => 0).filter((id) => id % 2 === 0));
    expect(await walk(`topic: "even", orderBy: MOST_LIKED`)).toEqual(
      by((id) => id % 4).filter((id) => id % 2 === 0),
    );
    expect(await walk(`community: "1", author: "${alice.address}", orderBy: OLDEST`)).toEqual(all);
    expect(await walk(`community: "2"`)).toEqual([]);
  });

  it("reflects follows, unfollows, policies, delegations and comments", async () => {
    const [, , carol] = wallets();
    const m = `mutation($kind: MessageKind!, $message: String!, $signature: String!) { submitMessage(kind: $kind, message: $message, signature: $signature) { seq } }`;
    const submit = async (s: { kind: string; json: string; signature: string }) => {
      const r = await gql(m, { kind: s.kind, message: s.json, signature: s.signature });
      expect(r.errors).toBeUndefined();
    };
    const t = BigInt(NOW);
    type W = typeof bob;
    const submitAs = async <K extends MessageKind>(
      w: W,
      kind: K,
      fields: Omit<MessageByKind[K], "account" | "timestamp" | "nonce">,
      nonce: bigint,
    ) =>
      submit(await sign(w, kind, { account: w.address, ...fields, timestamp: t, nonce } as MessageByKind[K]));
    await submitAs(bob, "Follow", { target: alice.address, follow: true }, 1n);
    await submitAs(carol as W, "Follow", { target: alice.address, follow: true }, 1n);
    await submitAs(bob, "Follow", { target: alice.address, follow: false }, 2n);
    await submitAs(
      bob,
      "Policy",
      { mode: 2, communities: [1n], topics: ["news"], blockedPromoters: [alice.address] },
      3n,
    );
    await submitAs(bob, "Delegation", { sessionKey: alice.address, expiresAt: t + 600n }, 4n);
    await submitAs(bob, "Comment", { postId: 2n, text: "first!" }, 5n);
    const r = await gql(`{
      alice: account(address: "${alice.address}") { followerCount followers { edges { node { address } } } }
      bob: account(address: "${bob.address}") { followingCount nextNonce policy { mode communities topics blockedPromoters explicit } delegations { sessionKey expiresAt revoked } }
      post(id: "2") { commentCount comments { edges { node { author text timestamp } } } }
      messages(account: "${bob.address}", kind: Follow) { edges { node { seq kind signer } } }
    }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.alice).toEqual({
      followerCount: 1,
      followers: { edges: [{ node: { address: (carol as typeof bob).address.toLowerCase() } }] },
    });
    expect(r.data.bob).toEqual({
      followingCount: 0,
      nextNonce: "6",
      policy: {
        mode: "COMMUNITIES",
        communities: ["1"],
        topics: ["news"],
        blockedPromoters: [alice.address.toLowerCase()],
        explicit: true,
      },
      delegations: [{ sessionKey: alice.address.toLowerCase(), expiresAt: NOW + 600, revoked: false }],
    });
    expect(r.data.post).toEqual({
      commentCount: 1,
      comments: { edges: [{ node: { author: bob.address.toLowerCase(), text: "first!", timestamp: NOW } }] },
    });
    expect(r.data.messages.edges.map((e: Data) => e.node.seq)).toEqual([1, 3]);
  });

  it("allows only the dApp's origin and serves no GraphiQL outside development", async () => {
    const preflight = (origin: string) =>
      seeded.api().fetch("http://localhost/graphql", {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });
    expect((await preflight("http://127.0.0.1:5173")).headers.get("access-control-allow-origin")).toBe(
      "http://127.0.0.1:5173",
    );
    expect((await preflight("http://evil.test")).headers.get("access-control-allow-origin")).not.toBe(
      "http://evil.test",
    );
    const page = await seeded.api().fetch("http://localhost/graphql", { headers: { accept: "text/html" } });
    expect(await page.text()).not.toMatch(/graphiql/i);
  });

  it("gives each stream item its whole post, as post(id) does", async () => {
    const fields = "id author text topics createdAt likes views community { name }";
    const r = await gql(
      `{ stream(viewer: "${alice.address}", first: 5) { edges { node { post { ${fields} } } } pageInfo { hasNextPage } } }`,
    );
    expect(r.errors).toBeUndefined();
    const posts = r.data.stream.edges.map((e: Data) => e.node.post);
    expect(posts).toHaveLength(5);
    expect(new Set(posts.map((p: Data) => p.id)).size).toBe(5);
    for (const post of posts) {
      const one = await gql(`{ post(id: "${post.id}") { ${fields} } }`);
      expect(post).toEqual(one.data.post);
    }
  });

  it("answers bad arguments with coded GraphQL errors", async () => {
    const cases: Array<[string, string]> = [
      [`{ account(address: "0x12") { balance } }`, "BAD_USER_INPUT"],
      [`{ post(id: "abc") { id } }`, "BAD_USER_INPUT"],
      [`{ posts(first: -1) { edges { cursor } } }`, "BAD_USER_INPUT"],
      [`{ posts(after: "!!") { edges { cursor } } }`, "BAD_USER_INPUT"],
      [`{ quote(promoter: "${alice.address}", community: "1", budget: "-5") { views } }`, "BAD_USER_INPUT"],
      [`{ reputation(account: "${alice.address}", community: "1") }`, "ATTENTION_UNAVAILABLE"],
      [
        `{ posts { edges { node { community { posts { edges { node { community { posts { edges { node { id } } } } } } } } } } } }`,
        "QUERY_TOO_DEEP",
      ],
      [
        `{ posts(first: 100) { edges { node { comments(first: 100) { edges { node { text } } } } } } }`,
        "QUERY_TOO_COSTLY",
      ],
    ];
    for (const [query, code] of cases) {
      const r = await gql(query);
      expect(r.errors?.[0]?.extensions?.code, query).toBe(code);
    }
  });

  it("accepts signed messages through the mutation and reflects them in counts", async () => {
    const like = await sign(bob, "Like", {
      account: bob.address,
      postId: 3n,
      timestamp: BigInt(NOW),
      nonce: 7n,
    });
    const m = `mutation($kind: MessageKind!, $message: String!, $signature: String!) { submitMessage(kind: $kind, message: $message, signature: $signature) { seq account signer } }`;
    const ok = await gql(m, { kind: "Like", message: like.json, signature: like.signature });
    expect(ok.data.submitMessage).toEqual({
      seq: 1,
      account: bob.address.toLowerCase(),
      signer: bob.address.toLowerCase(),
    });
    const again = await gql(m, { kind: "Like", message: like.json, signature: like.signature });
    expect(again.errors?.[0]?.extensions?.code).toBe("DUPLICATE");
    const exported = await gql(`{ logExport(fromSeq: 1, toSeq: 5) { count hash ndjson } }`);
    expect(exported.data.logExport).toEqual(exportLog(seeded.db(), 1, 5));
    expect(exported.data.logExport.count).toBe(1);
    const tooMany = await gql(`{ logExport(fromSeq: 1, toSeq: 100000) { count } }`);
    expect(tooMany.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const r = await gql(
      `{ post(id: "3") { likes finalized } account(address: "${bob.address}") { nextNonce policy { mode explicit } } indexerStatus { logSize latestBlock } campaign(id: "1") { budget spent remaining viewsBought averagePrice active } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.post).toEqual({ likes: 1, finalized: false });
    expect(r.data.account).toEqual({ nextNonce: "8", policy: { mode: "FRIENDS", explicit: false } });
    expect(r.data.indexerStatus).toEqual({ logSize: 1, latestBlock: 1 });
    expect(r.data.campaign).toEqual({
      budget: "1000000000000000000",
      spent: "0",
      remaining: "1000000000000000000",
      viewsBought: 0,
      averagePrice: null,
      active: true,
    });
  });
});
