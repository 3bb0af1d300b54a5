/**
 * GraphQL throughput on both engines in one run: a store of 100,000 posts
 * (seeded into SQLite, then mirrored row for row into a throwaway PostgreSQL
 * server) served over HTTP by the real API in a child process per engine (so
 * the load generator does not share its thread), hit by autocannon with 10
 * connections on a 20-row paginated posts query. The engines take turns
 * (SQLite, PostgreSQL, SQLite, PostgreSQL) so a change in the machine's load
 * falls on both. Reports requests/s, latency percentiles and the CPU one
 * request costs: in the API process (what each replica adds) and, on
 * PostgreSQL, in the database server (what the shared database adds).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { join } from "node:path";
import { reportBench } from "#test-kit/bench.ts";
import { mirrorToPostgres } from "#test-kit/mirror.ts";
import { startPostgres } from "#test-kit/postgres.ts";
import { chainStore, engagementStore } from "#test-kit/stores.ts";
import { createChainClock } from "../src/api/clock.ts";
import { createHttpHandler } from "../src/api/http.ts";
import { createApi } from "../src/api/yoga.ts";
import { createStoreAttentionService } from "../src/attention/store-service.ts";
import { exportLog } from "../src/engagement/export.ts";
import { createEngagementService } from "../src/engagement/submit.ts";
import { encodeCursor } from "../src/store/cursor.ts";
import { openDb } from "../src/store/db.ts";
import { openPostgres } from "../src/store/engine/engine.ts";
import type { ChainEvent } from "../src/store/events.ts";
import { createQueries } from "../src/store/queries.ts";
import { inTempDir, type LoadResult, load, processCpuSeconds, withServer } from "./http-load.ts";

const POSTS = 100_000;
/** Measured rounds per engine, taken in turns, and the seconds of each. */
const ROUNDS = 2;
const ROUND_SECONDS = 6;
const addr = (i: number) => `0x${(0x100000 + i).toString(16).padStart(40, "0")}`;
const hash = (i: number) => `0x${i.toString(16).padStart(64, "0")}`;

const QUERY = `query Page($first: Int!, $after: String, $community: ID) {
  posts(first: $first, after: $after, community: $community) {
    edges { cursor node { id author text createdAt likes views topics community { id name } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

async function seed(dbPath: string): Promise<void> {
  const db = openDb(dbPath);
  const chain = chainStore(db);
  let block = 0;
  const batch = async (events: ChainEvent[]) => {
    block++;
    await chain.applyBatch({
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
  await batch(
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
    await batch(events);
  }
  db.prepare("UPDATE post_stats SET likes = post_id % 17, views = post_id % 101").run();
  db.close();
}

/** Connections of a PostgreSQL replica's pool: one per load connection (4 measured slower: requests queue for one). */
const PG_POOL = 10;

/**
 * The API over the SQLite file, or (given `pgUrl`) with every read query on the PostgreSQL
 * database (the same queries, through the read path both engines share). Intake and the log
 * export, which the benchmark does not call, stay on the SQLite file.
 */
async function serve(dbPath: string, pgUrl: string | undefined): Promise<void> {
  const db = openDb(dbPath);
  const queries = createQueries(pgUrl ? await openPostgres(pgUrl, { max: PG_POOL }) : db);
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
      store: engagementStore(db),
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

interface Measured extends LoadResult {
  /** CPU milliseconds per request in the API process. */
  apiCpuMs: number;
  /** CPU milliseconds per request in the PostgreSQL server (0 on SQLite). */
  dbCpuMs: number;
}

/** Seeds a store in `dir`, serves it from a child process per engine and measures both. */
async function main(dir: string): Promise<void> {
  const dbPath = join(dir, "bench.sqlite");
  const t = performance.now();
  await seed(dbPath);
  console.log(`seeded ${POSTS} posts in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const pg = await startPostgres();
  try {
    const pgUrl = await pg.createDatabase("graphql");
    const m = performance.now();
    const engine = await openPostgres(pgUrl, { max: 2 });
    const sqlite = openDb(dbPath);
    try {
      await mirrorToPostgres(sqlite, engine);
    } finally {
      sqlite.close();
      await engine.close();
    }
    console.log(`mirrored into PostgreSQL in ${((performance.now() - m) / 1000).toFixed(1)} s`);

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
    const answer = async (url: string) => {
      const check = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: bodies[1],
      });
      const sample = (await check.json()) as { data?: { posts: { edges: unknown[] } }; errors?: unknown };
      if (sample.data?.posts.edges.length !== 20)
        throw new Error(`bad answer: ${JSON.stringify(sample).slice(0, 300)}`);
      return sample;
    };
    const measure = async (url: string, pid: number, dbCpu: () => number): Promise<Measured> => {
      const api0 = processCpuSeconds(pid);
      const db0 = dbCpu();
      const result = await load(url, bodies, ROUND_SECONDS);
      return {
        ...result,
        apiCpuMs: ((processCpuSeconds(pid) - api0) * 1000) / result.total,
        dbCpuMs: ((dbCpu() - db0) * 1000) / result.total,
      };
    };

    await withServer<{ url: string }>(
      import.meta.filename,
      { AMP_BENCH_SERVE: dbPath },
      [],
      async (lite, litePid) =>
        withServer<{ url: string }>(
          import.meta.filename,
          { AMP_BENCH_SERVE: dbPath, AMP_BENCH_PG_URL: pgUrl },
          [],
          async (post, postPid) => {
            // Both engines give the same page.
            const [a, b] = [await answer(lite.url), await answer(post.url)];
            if (JSON.stringify(a) !== JSON.stringify(b))
              throw new Error(`the engines answer differently: ${JSON.stringify([a, b]).slice(0, 600)}`);
            await load(lite.url, [bodies[0] as string], 2);
            await load(post.url, [bodies[0] as string], 2);
            const rounds: { sqlite: Measured; postgres: Measured }[] = [];
            for (let r = 0; r < ROUNDS; r++)
              rounds.push({
                sqlite: await measure(lite.url, litePid, () => 0),
                postgres: await measure(post.url, postPid, () => pg.cpuSeconds()),
              });
            const sum = (side: "sqlite" | "postgres") => {
              const all = rounds.map((x) => x[side]);
              const total = all.reduce((a, x) => a + x.total, 0);
              const weighted = (k: "apiCpuMs" | "dbCpuMs") =>
                all.reduce((a, x) => a + x[k] * x.total, 0) / total;
              return {
                rps: all.reduce((a, x) => a + x.rps, 0) / all.length,
                p50: Math.max(...all.map((x) => x.p50)),
                p99: Math.max(...all.map((x) => x.p99)),
                total,
                apiCpuMs: weighted("apiCpuMs"),
                dbCpuMs: weighted("dbCpuMs"),
              };
            };
            const lt = sum("sqlite");
            const pt = sum("postgres");
            const load1 = loadavg()[0] ?? 0;
            console.log(
              `posts(first: 20) over ${POSTS} posts (load average ${load1.toFixed(1)}): SQLite ${Math.round(lt.rps)} req/s (p50 ${lt.p50} ms, p99 ${lt.p99} ms, ${lt.apiCpuMs.toFixed(2)} ms CPU/request), PostgreSQL ${Math.round(pt.rps)} req/s (p50 ${pt.p50} ms, p99 ${pt.p99} ms, ${pt.apiCpuMs.toFixed(2)} ms CPU/request in the API + ${pt.dbCpuMs.toFixed(2)} ms in the server)`,
            );
            const ms = (v: number) => Number(v.toFixed(3));
            reportBench("indexer-graphql", import.meta.filename, {
              throughput: { value: Math.round(lt.rps), unit: "req/s", target: ">= 2500" },
              p50: { value: lt.p50, unit: "ms" },
              p99: { value: lt.p99, unit: "ms", target: "<= 15" },
              requests: { value: lt.total, unit: "requests" },
              cpuMsPerRequestSqlite: { value: ms(lt.apiCpuMs), unit: "ms" },
              graphqlRpsPostgres: { value: Math.round(pt.rps), unit: "req/s" },
              graphqlPostgresVsSqlite: {
                value: Number((pt.rps / lt.rps).toFixed(3)),
                unit: "x",
                target: ">= 0.8",
              },
              p50Postgres: { value: pt.p50, unit: "ms" },
              p99Postgres: { value: pt.p99, unit: "ms" },
              requestsPostgres: { value: pt.total, unit: "requests" },
              apiCpuMsPerRequestPostgres: { value: ms(pt.apiCpuMs), unit: "ms" },
              dbCpuMsPerRequestPostgres: { value: ms(pt.dbCpuMs), unit: "ms" },
              loadAverage: { value: Number(load1.toFixed(2)), unit: "load" },
            });
          },
        ),
    );
  } finally {
    await pg.stop();
  }
}

if (process.env.AMP_BENCH_SEED_ONLY) await seed(process.env.AMP_BENCH_SEED_ONLY);
else if (process.env.AMP_BENCH_SERVE) await serve(process.env.AMP_BENCH_SERVE, process.env.AMP_BENCH_PG_URL);
else await inTempDir("amp-gql-bench-", main);
