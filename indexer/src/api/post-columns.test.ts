/**
 * A posts page reads only the column groups its selection needs, and answers every field it
 * selects: through aliases, fragments, `@skip`, a community's posts, and fields the lists do not
 * know (read with every group).
 */
import { describe, expect, it } from "vitest";
import { seededApiEachTest } from "#test-kit/api.ts";
import { wallets } from "#test-kit/helpers.ts";
import { createQueries, type PostColumns, type Queries } from "../store/queries.ts";

const [alice] = wallets() as [ReturnType<typeof wallets>[number]];

const FULL = `id author text createdAt likes views topics contentHash uri blockNumber txHash finalized
  community { id name founder description createdAt blockNumber }`;

describe("posts pages read the columns their selection needs", () => {
  const asked: PostColumns[] = [];
  const { gql } = seededApiEachTest(alice.address, 4, (db) => {
    asked.length = 0;
    const queries = createQueries(db);
    const recording: Queries = {
      ...queries,
      posts: (filter, first, after, columns) => {
        if (columns) asked.push(columns);
        return queries.posts(filter, first, after, columns);
      },
    };
    return { queries: recording };
  });

  /** The full answer of every post, the reference each narrower selection must agree with. */
  async function fullPosts() {
    const r = await gql(`{ posts(first: 10) { edges { node { ${FULL} } } } }`);
    expect(r.errors).toBeUndefined();
    expect(asked.at(-1)).toEqual({ chain: true, community: true });
    return r.data.posts.edges.map((e: { node: Record<string, unknown> }) => e.node) as Record<
      string,
      unknown
    >[];
  }

  it("leaves out both groups for a feed page, and answers it as the full read does", async () => {
    const full = await fullPosts();
    const r = await gql(`{ posts(first: 10) {
      edges { cursor node { __typename id author text createdAt likes views topics commentCount community { id name } } }
      pageInfo { hasNextPage endCursor } } }`);
    expect(r.errors).toBeUndefined();
    expect(asked.at(-1)).toEqual({ chain: false, community: false });
    expect(r.data.posts.edges).toHaveLength(full.length);
    r.data.posts.edges.forEach((e: { node: Record<string, unknown> }, i: number) => {
      const f = full[i] as Record<string, { id: string; name: string }>;
      expect(e.node).toMatchObject({
        id: f.id,
        author: f.author,
        text: f.text,
        likes: f.likes,
        community: { id: f.community?.id, name: f.community?.name },
      });
    });
  });

  it("reads the chain group for a chain field behind an alias and a fragment, not behind @skip", async () => {
    const full = await fullPosts();
    const r = await gql(`
      query { posts(first: 10) { edges { node { id ...Chain } } } }
      fragment Chain on Post { at: blockNumber hash: txHash isFinal: finalized }`);
    expect(r.errors).toBeUndefined();
    expect(asked.at(-1)).toEqual({ chain: true, community: false });
    expect(r.data.posts.edges[0].node).toEqual({
      id: full[0]?.id,
      at: full[0]?.blockNumber,
      hash: full[0]?.txHash,
      isFinal: full[0]?.finalized,
    });
    const skipped = await gql(`{ posts(first: 10) { edges { node { id txHash @skip(if: true) } } } }`);
    expect(skipped.errors).toBeUndefined();
    expect(asked.at(-1)).toEqual({ chain: false, community: false });
  });

  it("reads the community group when a community field beyond id and name is asked", async () => {
    const full = await fullPosts();
    const r = await gql(
      `{ posts(first: 10) { edges { node { community { ... on Community { founder } } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(asked.at(-1)).toEqual({ chain: false, community: true });
    expect(r.data.posts.edges[0].node.community.founder).toBe(
      (full[0]?.community as { founder: string } | undefined)?.founder,
    );
  });

  it("narrows a community's posts the same way", async () => {
    const r = await gql(
      `{ community(id: "1") { posts(first: 5) { edges { node { id media { hash } } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(asked.at(-1)).toEqual({ chain: true, community: false });
    expect(r.data.community.posts.edges.length).toBeGreaterThan(0);
  });

  it("answers a repeated query text from what it worked out, apart for each @skip variable", async () => {
    const query = `query Page($hide: Boolean!) {
      posts(first: 3) { edges { node { id txHash @skip(if: $hide) } } } }`;
    for (const hide of [true, false, true, false]) {
      const r = await gql(query, { hide });
      expect(r.errors).toBeUndefined();
      expect(asked.at(-1)).toEqual({ chain: !hide, community: false });
      const node = r.data.posts.edges[0].node;
      if (hide) expect(node).not.toHaveProperty("txHash");
      else expect(node.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    }
  });

  it("reads what each site of a shared fragment needs when another selection merges into it", async () => {
    const query = `{
      one: community(id: "1") { ...Posts }
      two: community(id: "1") { ...Posts posts(first: 2) { edges { node { txHash } } } } }
      fragment Posts on Community { posts(first: 2) { edges { node { id } } } }`;
    for (let round = 0; round < 2; round++) {
      asked.length = 0;
      const r = await gql(query);
      expect(r.errors).toBeUndefined();
      expect(asked).toEqual([
        { chain: false, community: false },
        { chain: true, community: false },
      ]);
      expect(r.data.two.posts.edges[0].node.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    }
  });
});
