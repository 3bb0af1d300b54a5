import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { reportBench } from "#test-kit/bench.ts";
import { chainStore } from "#test-kit/stores.ts";
import { createChainClock } from "../src/api/clock.ts";
import { encodeCursor } from "../src/store/cursor.ts";
import { openDb } from "../src/store/db.ts";
import type { ChainEvent } from "../src/store/events.ts";
import { NOTIFICATION_KINDS } from "../src/store/notifications.ts";
import { createQueries } from "../src/store/queries.ts";
import { inTempDir, listenStoreApi, load, withServer } from "./http-load.ts";

const POSTS = 100_000;
const ACCOUNTS = 10_000;
const NOTIFICATIONS = 1_000_000;
const T0 = 1_700_000_000;
const addr = (i: number) => `0x${(0x100000 + i).toString(16).padStart(40, "0")}`;
const hash = (i: number) => `0x${i.toString(16).padStart(64, "0")}`;

const QUERY = `query Notifications($account: String!, $after: String) {
  notifications(account: $account, first: 20, after: $after) {
    edges { cursor node { id kind actor createdAt read amount epoch post { id text author } } }
    pageInfo { hasNextPage endCursor }
  }
  unreadCount(account: $account)
}`;

/** Deterministic pseudo-random numbers (xorshift). */
function rng(seed: number) {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4_294_967_296;
  };
}

/** Account of a notification: skewed, so that the first accounts are popular. */
const skewed = (r: number) => Math.floor(ACCOUNTS * r ** 3);

async function seed(dbPath: string): Promise<void> {
  const db = openDb(dbPath);
  const chain = chainStore(db);
  let block = 0;
  const batch = async (events: ChainEvent[]) => {
    block++;
    await chain.applyBatch({
      blocks: [{ number: block, hash: hash(block), parentHash: hash(block - 1), timestamp: T0 + block }],
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
    timestamp: T0 + block + 1,
  });
  await batch([
    {
      ...pos(0),
      kind: "CommunityCreated" as const,
      payload: { communityId: "1", founder: addr(0), name: "general", description: "bench" },
    },
  ]);
  for (let start = 1; start <= POSTS; start += 1000) {
    const events: ChainEvent[] = [];
    for (let p = start; p < start + 1000 && p <= POSTS; p++) {
      events.push({
        ...pos(p - start),
        kind: "PostPublished",
        payload: {
          postId: String(p),
          communityId: "1",
          author: addr(p % ACCOUNTS),
          topics: [],
          text: `post ${p}: a short text of the kind people write`,
          contentHash: hash(0),
          uri: "",
        },
      });
    }
    await batch(events);
  }
  // Notifications as the store writes them (one row each), in time order.
  const random = rng(42);
  const insert = db.prepare(
    "INSERT INTO notifications (account, kind, actor, post_id, epoch, amount, created_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  db.transaction(() => {
    for (let i = 0; i < NOTIFICATIONS; i++) {
      const kind = NOTIFICATION_KINDS[Math.floor(random() * NOTIFICATION_KINDS.length)] as string;
      const earning = kind === "EARNING";
      insert.run(
        addr(skewed(random())),
        kind,
        earning ? null : addr(Math.floor(random() * ACCOUNTS)),
        earning || kind === "FOLLOW" ? null : 1 + Math.floor(random() * POSTS),
        earning ? 1 + Math.floor(i / 10_000) : null,
        earning ? "1000000000000000" : null,
        T0 + 1000 + Math.floor(i / 10),
        i + 1,
      );
    }
    const read = db.prepare("INSERT INTO notification_reads (account, read_until, seq) VALUES (?, ?, ?)");
    for (let a = 0; a < ACCOUNTS; a += 2)
      read.run(addr(a), T0 + 1000 + Math.floor(random() * 100_000), a + 1);
  })();
  db.close();
}

async function serve(dbPath: string): Promise<void> {
  const db = openDb(dbPath);
  const queries = createQueries(db);
  const now = createChainClock(queries);
  const server = await listenStoreApi(db, queries, now);
  const heaviest = db
    .prepare("SELECT account, COUNT(*) AS n FROM notifications GROUP BY account ORDER BY n DESC LIMIT 1")
    .get() as { account: string; n: number };
  console.log(
    `ready ${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, heaviest })}`,
  );
}

async function main(dir: string): Promise<void> {
  const dbPath = join(dir, "bench.sqlite");
  const t = performance.now();
  await seed(dbPath);
  console.log(
    `seeded ${POSTS} posts and ${NOTIFICATIONS} notifications for ${ACCOUNTS} accounts in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  await withServer<{ url: string; heaviest: { account: string; n: number } }>(
    import.meta.filename,
    { AMP_BENCH_SERVE: dbPath },
    [],
    async ({ url, heaviest }) => {
      console.log(`heaviest account holds ${heaviest.n} notifications`);
      const random = rng(7);
      // Popular and ordinary accounts, first pages and pages deeper down.
      const bodies = Array.from({ length: 200 }, (_, i) => {
        const account = i % 10 === 0 ? heaviest.account : addr(skewed(random()));
        const deep = i % 3 === 0;
        return JSON.stringify({
          query: QUERY,
          variables: { account, after: deep ? encodeCursor([NOTIFICATIONS - i * 3000]) : null },
        });
      });
      const check = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: bodies[0],
      });
      const sample = (await check.json()) as {
        data?: { notifications: { edges: unknown[] }; unreadCount: number };
        errors?: unknown;
      };
      if (sample.data?.notifications.edges.length !== 20)
        throw new Error(`bad answer: ${JSON.stringify(sample).slice(0, 300)}`);
      console.log(`heaviest account: ${sample.data.unreadCount} unread`);
      await load(url, [bodies[1] as string], 2);
      // Baseline in the same run, on the same server: the 20-post page of the GraphQL benchmark.
      const baselineBodies = Array.from({ length: 50 }, (_, i) =>
        JSON.stringify({
          query: `query Page($after: String) { posts(first: 20, after: $after) { edges { cursor node { id author text createdAt likes views topics community { id name } } } pageInfo { hasNextPage endCursor } } }`,
          variables: { after: encodeCursor([POSTS - i * 1999]) },
        }),
      );
      const baseline = await load(url, baselineBodies, 10);
      console.log(
        `baseline posts(first: 20): ${Math.round(baseline.rps)} req/s, p50 ${baseline.p50} ms, p99 ${baseline.p99} ms`,
      );
      const result = await load(url, bodies, 10);
      console.log(
        `notifications(first: 20) + unreadCount: ${Math.round(result.rps)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms`,
      );
      reportBench("notifications", import.meta.filename, {
        p99: { value: result.p99, unit: "ms", target: "<= 10" },
        p50: { value: result.p50, unit: "ms" },
        throughput: { value: Math.round(result.rps), unit: "req/s" },
        requests: { value: result.total, unit: "requests" },
        baselinePostsP99: { value: baseline.p99, unit: "ms" },
        baselinePostsThroughput: { value: Math.round(baseline.rps), unit: "req/s" },
        p99VsBaseline: {
          value: Number((result.p99 / Math.max(1, baseline.p99)).toFixed(2)),
          unit: "x",
          baseline: baseline.p99,
        },
        heaviestAccount: { value: heaviest.n, unit: "notifications" },
      });
    },
  );
}

if (process.env.AMP_BENCH_SERVE) await serve(process.env.AMP_BENCH_SERVE);
else await inTempDir("amp-notifications-bench-", main);
