import { describe, expect, it } from "vitest";
import { fakeGraphQL } from "../../test/fixtures.tsx";
import { createGraphQLClient, GraphQLRequestError } from "./client.ts";
import { getAccount, waitForIndexer } from "./indexer.ts";

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("GraphQL client", () => {
  it("posts the query and variables and returns data", async () => {
    let sent: unknown;
    const client = createGraphQLClient("http://indexer/graphql", async (_url, init) => {
      sent = JSON.parse(String(init?.body));
      return json({ data: { reputation: 0.5 } });
    });
    expect(await client.request("query R($a: String!) { reputation }", { a: "x" })).toEqual({
      reputation: 0.5,
    });
    expect(sent).toEqual({ query: "query R($a: String!) { reputation }", variables: { a: "x" } });
  });

  it("surfaces the first error with its extensions.code", async () => {
    const client = createGraphQLClient("http://x", async () =>
      json({ errors: [{ message: "nonce 1 was already used", extensions: { code: "REPLAY" } }], data: null }),
    );
    const error = await client.request("{ x }").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    expect((error as GraphQLRequestError).code).toBe("REPLAY");
    expect((error as GraphQLRequestError).message).toBe("nonce 1 was already used");
  });

  it("reports an unreachable indexer and a non-JSON answer", async () => {
    const down = createGraphQLClient("http://x", async () => {
      throw new TypeError("fetch failed");
    });
    expect(((await down.request("{ x }").catch((e: unknown) => e)) as GraphQLRequestError).code).toBe(
      "NETWORK",
    );
    const broken = createGraphQLClient("http://x", async () => new Response("Bad Gateway", { status: 502 }));
    const error = (await broken.request("{ x }").catch((e: unknown) => e)) as GraphQLRequestError;
    expect(error.status).toBe(502);
    expect(error.message).toBe("The indexer answered HTTP 502: Bad Gateway.");
  });
});

describe("indexer operations", () => {
  it("maps an account's policy enum and follower connections", async () => {
    const gql = fakeGraphQL({
      account: () => ({
        account: {
          address: "0xabc",
          balance: "5",
          claimable: "0",
          claimed: "0",
          followerCount: 1,
          followingCount: 0,
          followers: {
            edges: [{ cursor: "a", node: { address: "0xdef" } }],
            pageInfo: { hasNextPage: false },
          },
          following: { edges: [], pageInfo: { hasNextPage: false } },
          policy: {
            mode: "TOPICS",
            communities: [],
            topics: ["music"],
            blockedPromoters: [],
            explicit: true,
          },
        },
      }),
    });
    const account = await getAccount(gql.client, "0xabc");
    expect(account?.followers).toEqual(["0xdef"]);
    expect(account?.policy?.mode).toBe(3);
  });

  it("waits until the indexer has processed a block", async () => {
    const blocks = [3, 4, 6];
    const gql = fakeGraphQL({
      indexerStatus: () => ({ indexerStatus: { latestBlock: blocks.shift() ?? 6 } }),
    });
    expect(await waitForIndexer(gql.client, 5n, { intervalMs: 1 })).toBe(true);
    expect(gql.requests).toHaveLength(3);
    const stuck = fakeGraphQL({ indexerStatus: () => ({ indexerStatus: { latestBlock: 1 } }) });
    expect(await waitForIndexer(stuck.client, 5n, { intervalMs: 1, timeoutMs: 20 })).toBe(false);
  });
});
