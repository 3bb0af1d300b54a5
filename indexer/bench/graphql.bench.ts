/**
 * GraphQL throughput: a store of 100,000 posts served over HTTP by the real
 * API in a child process (so the load generator does not share its thread),
 * hit by autocannon with 10 connections for 10 s on a 20-row paginated posts
 * query. Reports requests/s and latency percentiles.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { reportBench } from "#test-kit/bench.ts";
import { createChainClock } from "../src/api/clock.ts";
import { createHttpHandler } from "../src/api/http.ts";
import { createApi } from "../src/api/yoga.ts";
import { createStoreAttentionService } from "../src/attention/store-service.ts";
import { exportLog } from "../src/engagement/export.ts";
import { createEngagementService } from "../src/engagement/submit.ts";
import { createChainStore } from "../src/store/chain-store.ts";
import { encodeCursor } from "../src/store/cursor.ts";
import { openDb } from "../src/store/db.ts";
import { createEngagementStore } from "../src/store/engagement-store.ts";
import type { ChainEvent } from "../src/store/events.ts";
import { createQueries } from "../src/store/queries.ts";
import { inTempDir, load, withServer } from "./http-load.ts";

const POSTS = 100_000;
const addr = (i: number) => `0x${(0x100000 + i).toString(16).padStart(40, "0")}`;
const hash = (i: number) => `0x${i.toString(16).padStart(64, "0")}`;

const QUERY = `query Page($first: Int!, $after: String, $community: ID) {
  posts(first: $first, after: $after, community: $community) {
    edges { cursor node { id author text createdAt likes views topics community { id name } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

function seed(dbPath: string): void {
  const db = openDb(dbPath);
  const chain = createChainStore(db);
  let block = 0;
  const batch = (events: ChainEvent[]) => {
    block++;
    chain.applyBatch({
      blocks: [
        { number: block, hash: hash(block), parentHash: hash(block - 1), timestamp: 1_700_000_000 + block },
      ],
      events,
      checkpoint: { blockNumber: block, blockHash: hash(block), finalizedBlock: block, headBlock: block },
    });
  };
  const pos = (i: number) => ({
    blockNumber: block + 1,
    blockHash: hash(block + 1),
    txIndex: i,
    logIndex: i,
    txHash: hash(i),
    address: addr(0),
    timestamp: 1_700_000_000 + block + 1,
  });
  batch(
    Array.from({ length: 20 }, (_, i) => ({
      ...pos(i),
      kind: "CommunityCreated" as const,
      payload: {
        communityId: String(i + 1),
        founder: addr(i),
        name: `community ${i + 1}`,
        description: "bench",
      },
    })),
  );
  for (let start = 1; start <= POSTS; start += 1000) {
    const events: ChainEvent[] = [];
    for (let p = start; p < start + 1000 && p <= POSTS; p++) {
      events.push({
        ...pos(p - start),
        kind: "PostPublished",
        payload: {
          postId: String(p),
          communityId: String((p % 20) + 1),
          author: addr(p % 3000),
          topics: [`t${p % 40}`],
          text: `post ${p}: a short text of the kind people write, with a few more words to be realistic`,
          contentHash: hash(0),
          uri: "",
        },
      });
    }
    batch(events);
  }
  db.prepare("UPDATE post_stats SET likes = post_id % 17, views = post_id % 101").run();
  db.close();
}

async function serve(dbPath: string): Promise<void> {
  const db = openDb(dbPath);
  const queries = createQueries(db);
  const now = createChainClock(queries);
  const deployment = {
    chainId: 31337,
    startBlock: 0,
    contracts: { AMPToken: addr(1), AMPSocial: addr(2), AMPEscrow: addr(3) },
  } as never;
  const yoga = createApi({
    queries,
    exportLog: (from, to) => exportLog(db, from, to),
    engagement: createEngagementService({
      store: createEngagementStore(db),
      chainId: 31337,
      verifyingContract: addr(2) as never,
      now,
    }),
    attention: createStoreAttentionService({ queries }),
    chainId: 31337,
    deployment,
    now,
    corsOrigins: [],
    graphiql: false,
    limits: { maxDepth: 10, maxCost: 5000 },
  });
  const server = createServer(createHttpHandler(yoga, { corsOrigins: [] }));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  console.log(
    `ready ${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` })}`,
  );
}

/** Seeds a store in `dir`, serves it from a child process and measures it. */
async function main(dir: string): Promise<void> {
  const dbPath = join(dir, "bench.sqlite");
  const t = performance.now();
  seed(dbPath);
  console.log(`seeded ${POSTS} posts in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  await withServer<{ url: string }>(
    import.meta.filename,
    {
      AMP_BENCH_SERVE: dbPath,
    },
    [],
    async (ready) => {
      const url = ready.url;
      // Pages from the middle of the feed: keyset cursors after varying post ids.
      const bodies = Array.from({ length: 50 }, (_, i) =>
        JSON.stringify({
          query: QUERY,
          variables: {
            first: 20,
            after: encodeCursor([POSTS - i * 1999]),
            community: i % 5 === 0 ? String((i % 20) + 1) : null,
          },
        }),
      );
      const check = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: bodies[1],
      });
      const sample = (await check.json()) as { data?: { posts: { edges: unknown[] } }; errors?: unknown };
      if (sample.data?.posts.edges.length !== 20)
        throw new Error(`bad answer: ${JSON.stringify(sample).slice(0, 300)}`);

      await load(url, [bodies[0] as string], 2);
      // Each connection cycles through the prepared bodies.
      const result = await load(url, bodies, 10);
      const { rps } = result;
      console.log(
        `posts(first: 20) over ${POSTS} posts: ${Math.round(rps)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms`,
      );
      reportBench("indexer-graphql", import.meta.filename, {
        throughput: { value: Math.round(rps), unit: "req/s", target: ">= 2500" },
        p50: { value: result.p50, unit: "ms" },
        p99: { value: result.p99, unit: "ms", target: "<= 15" },
        requests: { value: result.total, unit: "requests" },
      });
    },
  );
}

if (process.env.AMP_BENCH_SEED_ONLY) seed(process.env.AMP_BENCH_SEED_ONLY);
else if (process.env.AMP_BENCH_SERVE) await serve(process.env.AMP_BENCH_SERVE);
else await inTempDir("amp-gql-bench-", main);
