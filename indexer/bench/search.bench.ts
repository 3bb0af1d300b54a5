import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { percentile, reportBench, timeIt } from "#test-kit/bench.ts";
import { chainStore } from "#test-kit/stores.ts";
import { openDb } from "../src/store/db.ts";
import type { ChainEvent } from "../src/store/events.ts";
import { createQueries } from "../src/store/queries.ts";
import { inTempDir, listenStoreApi, load, withServer } from "./http-load.ts";

const POSTS = 100_000;
const VOCABULARY = 2000;
const addr = (i: number) => `0x${(0x100000 + i).toString(16).padStart(40, "0")}`;
const hash = (i: number) => `0x${i.toString(16).padStart(64, "0")}`;

const QUERY = `query Search($q: String!) {
  search(query: $q, kind: POSTS, first: 20) {
    edges { cursor node { score post { id author text createdAt likes topics community { id name } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = [
  "ka",
  "lo",
  "mi",
  "ne",
  "ru",
  "sa",
  "ti",
  "vo",
  "ze",
  "pa",
  "do",
  "gu",
  "fe",
  "bi",
  "ho",
  "ja",
];
/** Word `i` of the vocabulary: distinct, pronounceable, 2..4 syllables. */
function word(i: number): string {
  let w = "";
  let n = i + SYLLABLES.length;
  while (n > 0) {
    w += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  }
  return w;
}

/** Zipf(1) ranks by inverse transform over the cumulative weights. */
function zipf(rand: () => number): () => number {
  const cumulative: number[] = [];
  let sum = 0;
  for (let r = 1; r <= VOCABULARY; r++) {
    sum += 1 / r;
    cumulative.push(sum);
  }
  return () => {
    const x = rand() * sum;
    let lo = 0;
    let hi = VOCABULARY - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

async function seed(dbPath: string): Promise<void> {
  const db = openDb(dbPath);
  const chain = chainStore(db);
  const rand = random(7);
  const rank = zipf(rand);
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
        name: `${word(i)} club`,
        description: "bench",
      },
    })),
  );
  for (let start = 1; start <= POSTS; start += 1000) {
    const events: ChainEvent[] = [];
    for (let p = start; p < start + 1000 && p <= POSTS; p++) {
      const length = 12 + Math.floor(rand() * 14);
      const text = Array.from({ length }, () => word(rank())).join(" ");
      events.push({
        ...pos(p - start),
        kind: "PostPublished",
        payload: {
          postId: String(p),
          communityId: String((p % 20) + 1),
          author: addr(p % 3000),
          topics: [word(rank()), word(rank())],
          text,
          contentHash: hash(0),
          uri: "",
        },
      });
    }
    await batch(events);
  }
  db.close();
}

/** What people type: one word (any frequency past the 30 most common), two words, a prefix. */
export function queries(): string[] {
  const rand = random(11);
  const rank = zipf(rand);
  const pick = () => word(30 + Math.floor(rand() * (VOCABULARY - 30)));
  const out: string[] = [];
  for (let i = 0; i < 60; i++) {
    if (i % 3 === 0) out.push(pick());
    else if (i % 3 === 1) out.push(`${word(rank())} ${pick()}`);
    else out.push(pick().slice(0, 5));
  }
  return out;
}

async function serve(dbPath: string): Promise<void> {
  const db = openDb(dbPath);
  const queries = createQueries(db);
  const now = () => Math.floor(Date.now() / 1000);
  const server = await listenStoreApi(db, queries, now);
  console.log(
    `ready ${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` })}`,
  );
}

/** The baseline: the same words found by scanning post texts (no index), in-process. */
async function baseline(dbPath: string, words: string[]): Promise<{ fts: number; like: number }> {
  const db = openDb(dbPath, { readonly: true });
  const queries = createQueries(db);
  const like = db.prepare("SELECT id FROM posts WHERE text LIKE ? ORDER BY id DESC LIMIT 21");
  const sample = words.slice(0, 20);
  let i = 0;
  const fts = percentile(
    await timeIt(200, () => queries.searchPosts(sample[i++ % sample.length] as string, 20, 0)),
    99,
  );
  const scan = percentile(await timeIt(40, () => like.all(`%${sample[i++ % sample.length]}%`)), 99);
  db.close();
  return { fts, like: scan };
}

async function main(dir: string): Promise<void> {
  const dbPath = join(dir, "bench.sqlite");
  const t = performance.now();
  await seed(dbPath);
  console.log(`seeded ${POSTS} posts in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const words = queries();

  await withServer<{ url: string }>(import.meta.filename, { AMP_BENCH_SERVE: dbPath }, [], async (ready) => {
    const url = ready.url;
    const bodies = words.map((q) => JSON.stringify({ query: QUERY, variables: { q } }));
    let hits = 0;
    for (const body of bodies) {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
      const answer = (await res.json()) as { data?: { search: { edges: unknown[] } }; errors?: unknown };
      if (!answer.data) throw new Error(`bad answer: ${JSON.stringify(answer).slice(0, 300)}`);
      hits += answer.data.search.edges.length;
    }
    if (hits === 0) throw new Error("no query found anything");
    await load(url, [bodies[0] as string], 2);
    const result = await load(url, bodies, 10);
    console.log(
      `search(first: 20) over ${POSTS} posts: ${Math.round(result.rps)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms`,
    );
    const base = await baseline(dbPath, words);
    console.log(`in-process p99: FTS5 ${base.fts.toFixed(2)} ms, LIKE scan ${base.like.toFixed(2)} ms`);
    reportBench("search", import.meta.filename, {
      p99: { value: result.p99, unit: "ms", target: "<= 20" },
      p50: { value: result.p50, unit: "ms" },
      throughput: { value: Math.round(result.rps), unit: "req/s" },
      requests: { value: result.total, unit: "requests" },
      "query p99 (in-process)": {
        value: Number(base.fts.toFixed(2)),
        unit: "ms",
        baseline: Number(base.like.toFixed(2)),
      },
      "LIKE scan p99 (baseline)": { value: Number(base.like.toFixed(2)), unit: "ms" },
    });
  });
}

if (process.env.AMP_BENCH_SEED_ONLY) await seed(process.env.AMP_BENCH_SEED_ONLY);
else if (process.env.AMP_BENCH_SERVE) await serve(process.env.AMP_BENCH_SERVE);
else await inTempDir("amp-search-bench-", main);
