/**
 * GraphQL `stream` latency at scale (issue 6): a store of 100,000 accounts and
 * 1,000,000 engagement messages (plus 200,000 posts in 10 communities with
 * founders and moderators, follows, policies and 200 funded amplification
 * campaigns) served by the real indexer with the attention model, in a child
 * process so the load generator does not share its thread. Autocannon runs 10
 * connections for 10 s, cycling over 1,000 returning viewers (half of them
 * members with standing in a community, half sampled as authors are; `first:
 * 20`; each asked for its stream once before), and the same run against a trivial
 * query (`indexerStatus`) gives the baseline. Also
 * reported: the model's load time, the first (cache-building) stream call, a
 * stream call for viewers not seen yet, and RSS after load. A second run asks
 * for the next page of 500 viewers' streams (cut from their first page's ranking).
 * Bought views follow the impression served to their viewer, as the impression
 * rule requires; the campaigns started two days ago and that history lies
 * before the last hour, so the allocator fills slots for the viewers it
 * admits, signs their impressions while the load runs and the run reports how
 * many it issued. Before serving, the whole settlement epoch over the same store
 * is timed (issue 15: <= 10 s), and the same store is first served without an
 * impression key for the organic-only baseline (`STREAM_BENCH_IMPRESSIONS=0`
 * runs only that); `STREAM_BENCH_CPU_PROF=<dir>` writes a CPU profile of the
 * serving process.
 *
 * The chain clock is frozen (the last block is stamped in the future) so the
 * hourly graph rebuild cannot land inside the measured run.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MessageKind } from "#protocol";
import { PolicyMode } from "#protocol";
import { silentLogger } from "#protocol/logger.ts";
import { percentile, reportBench } from "#test-kit/bench.ts";
import { chainStore, engagementStore } from "#test-kit/stores.ts";
import { account, campaign, rng } from "../src/attention/fixtures.ts";
import { loadLogExport } from "../src/attention/load.ts";
import type { CommunityInfo, PostInfo } from "../src/attention/log.ts";
import { DEFAULT_PARAMS } from "../src/attention/params.ts";
import { createAttentionService, type LiveAttentionService } from "../src/attention/service.ts";
import { loadConfig } from "../src/config.ts";
import { exportLog } from "../src/engagement/export.ts";
import {
  createImpressionIssuer,
  DEV_IMPRESSION_ISSUER,
  impressionKey,
} from "../src/engagement/impressions.ts";
import { createIndexer } from "../src/main.ts";
import { computeEpoch } from "../src/settlement/epoch.ts";
import { openDb } from "../src/store/db.ts";
import type { NewLogEntry } from "../src/store/engine/engagement-store.ts";
import type { ChainEvent } from "../src/store/events.ts";
import { inTempDir, type LoadResult, load, withServer } from "./http-load.ts";

/** STREAM_BENCH_ACCOUNTS scales the world (a quick look at a smaller one). */
const ACCOUNTS = Number(process.env.STREAM_BENCH_ACCOUNTS ?? 100_000);
const MESSAGES = ACCOUNTS * 10;
const POSTS = ACCOUNTS * 2;
const COMMUNITIES = 10;
const CAMPAIGNS = 200;
/** Every account chose a policy: everyone (two in five), one community, a topic, friends. */
const POLICIES = ACCOUNTS;
const FOLLOWS = ACCOUNTS / 2;
const SEED_LIKES = 400;
/** Log entries of the settlement epoch timed over the same store (the rest is its history). */
const EPOCH_ENTRIES = MESSAGES / 5;
const VIEWERS = Number(process.env.STREAM_BENCH_VIEWERS ?? 1000);
const COLD_VIEWERS = 50;
const WARM_CALLS = 200;
const DURATION = Number(process.env.STREAM_BENCH_SECONDS ?? 10);
const DAY = 86_400;
const HOUR = 3600;
const CAMPAIGN_AGE = 2 * DAY;
/** Frozen "now": the middle of an hour two days ahead of the wall clock. */
const T_NOW = (Math.floor(Date.now() / 1000 / HOUR) + 48) * HOUR + HOUR / 2;
const T0 = T_NOW - 60 * DAY;

const hash = (i: number) => `0x${i.toString(16).padStart(64, "0")}`;
const contract = (i: number) => `0x${(0xc0000 + i).toString(16).padStart(40, "0")}`;

const STREAM = `query Stream($viewer: String!, $first: Int, $after: String) {
  stream(viewer: $viewer, first: $first, after: $after) {
    edges { cursor node { score amplified post { id author text createdAt likes views } campaign { id } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const STATUS = "{ indexerStatus { logSize } }";
const streamBody = (viewer: string, after?: string, first = 20) =>
  JSON.stringify({ query: STREAM, variables: { viewer, first, after } });

/** Writes the chain facts and the engagement log into a fresh store; returns the log size. */
async function seed(dbPath: string): Promise<number> {
  const r = rng(6);
  const pick = (n: number) => Math.floor(r() * n);
  const skewed = (n: number) => Math.floor(r() * r() * n);
  const db = openDb(dbPath);
  const chain = chainStore(db);
  let block = 0;
  type Position = Omit<ChainEvent, "kind" | "payload">;
  const batch = async (timestamp: number, build: (pos: (i: number) => Position) => ChainEvent[]) => {
    block++;
    const pos = (i: number): Position => ({
      blockNumber: block,
      blockHash: hash(block),
      txIndex: i,
      logIndex: i,
      txHash: hash(block * 100_000 + i),
      address: contract(0),
      timestamp,
    });
    await chain.applyBatch({
      blocks: [{ number: block, hash: hash(block), parentHash: hash(block - 1), timestamp }],
      events: build(pos),
      checkpoint: { blockNumber: block, blockHash: hash(block), finalizedBlock: block, headBlock: block },
    });
  };

  await batch(
    T0,
    (pos) =>
      Array.from({ length: COMMUNITIES }, (_, c) => [
        {
          ...pos(2 * c),
          kind: "CommunityCreated",
          payload: {
            communityId: String(c + 1),
            founder: account(c),
            name: `c${c + 1}`,
            description: "bench",
          },
        },
        {
          ...pos(2 * c + 1),
          kind: "ModeratorAdded",
          payload: { communityId: String(c + 1), account: account(COMMUNITIES + c) },
        },
      ]).flat() as ChainEvent[],
  );
  // Posts in blocks of 1,000 spread over 60 days: newer ids are newer posts.
  const postTime = (id: number) => T0 + Math.floor(((id - 1) / POSTS) * (60 * DAY - HOUR));
  for (let start = 1; start <= POSTS; start += 1000) {
    await batch(postTime(start), (pos) => {
      const events: ChainEvent[] = [];
      for (let p = start; p < start + 1000 && p <= POSTS; p++) {
        events.push({
          ...pos(p - start),
          kind: "PostPublished",
          payload: {
            postId: String(p),
            communityId: String(1 + (p % COMMUNITIES)),
            author: account(skewed(ACCOUNTS)),
            topics: [`t${p % 40}`],
            text: `post ${p}: a short text of the kind people write, with a few more words to be realistic`,
            contentHash: hash(0),
            uri: "",
          },
        });
      }
      return events;
    });
  }
  // Funded campaigns, mostly on recent posts (where the stream looks), started two days ago.
  const campaignPost: number[] = [];
  await batch(T_NOW - CAMPAIGN_AGE, (pos) =>
    Array.from({ length: CAMPAIGNS }, (_, c) => {
      const postId = c % 2 === 0 ? POSTS - pick(2000) : 1 + pick(POSTS);
      campaignPost.push(postId);
      return {
        ...pos(c),
        kind: "CampaignCreated",
        payload: {
          campaignId: String(c + 1),
          postId: String(postId),
          promoter: account(pick(ACCOUNTS)),
          payer: account(pick(ACCOUNTS)),
          budget: (10n ** 21n * BigInt(1 + pick(50))).toString(),
          expiresAt: String(T_NOW + 30 * DAY),
        },
      } as ChainEvent;
    }),
  );
  // The last block stamps the frozen clock.
  await batch(T_NOW, () => []);

  const log = engagementStore(db);
  let entries: NewLogEntry[] = [];
  let count = 0;
  const line = async (kind: MessageKind, fields: Record<string, unknown>, timestamp: number) => {
    const message = {
      ...fields,
      timestamp: String(timestamp),
      nonce: String(++count),
    } as NewLogEntry["message"];
    entries.push({
      kind,
      signer: message.account,
      message,
      json: JSON.stringify(message),
      signature: "0x",
      receivedAt: timestamp,
    });
    if (entries.length === 10_000) {
      await log.appendMany(entries);
      entries = [];
    }
  };
  const modes = [
    PolicyMode.Everyone,
    PolicyMode.Everyone,
    PolicyMode.Friends,
    PolicyMode.Communities,
    PolicyMode.Topics,
  ];
  for (let i = 0; i < POLICIES; i++) {
    const mode = modes[i % modes.length] as number;
    await line(
      "Policy",
      {
        account: account(i),
        mode,
        communities: mode === PolicyMode.Communities ? [String(1 + (i % COMMUNITIES))] : [],
        topics: mode === PolicyMode.Topics ? [`t${i % 40}`] : [],
        blockedPromoters: [],
      },
      T0,
    );
  }
  for (let i = 0; i < FOLLOWS; i++) {
    const from = pick(ACCOUNTS);
    const to = skewed(ACCOUNTS);
    await line("Follow", { account: account(from), target: account(to), follow: true }, T0 + pick(60 * DAY));
    // A fifth of follows are returned: mutual follows are friends.
    if (i % 5 === 0)
      await line(
        "Follow",
        { account: account(to), target: account(from), follow: true },
        T0 + pick(60 * DAY),
      );
  }
  // Founders and moderators are active members of their communities.
  for (let c = 0; c < COMMUNITIES; c++) {
    for (const who of [account(c), account(COMMUNITIES + c)]) {
      for (let k = 0; k < SEED_LIKES / 2; k++) {
        const postId = 1 + c + COMMUNITIES * pick(POSTS / COMMUNITIES);
        await line(
          "Like",
          { account: who, postId: String(Math.min(postId, POSTS)) },
          postTime(postId) + pick(DAY),
        );
      }
    }
  }
  const kinds = ["View", "View", "View", "Like", "Like", "Comment", "Share"] as const;
  while (count < MESSAGES) {
    if (r() < 0.05) {
      // A bought view of an amplified post, after the impression the indexer served its viewer (its
      // policySeq: the viewer's Policy entry, among the log's first entries).
      const c = pick(CAMPAIGNS);
      const postId = campaignPost[c] as number;
      // An account whose policy admits everyone (modes[p % 5] is Everyone for p % 5 in {0, 1}): half
      // the active ones (skewed, as authors are), half anyone.
      const p = 5 * (r() < 0.5 ? skewed(POLICIES / 5) : pick(POLICIES / 5)) + pick(2);
      const who = account(p);
      // Served over the campaigns' life before the last hour: the viewers' hourly ration is theirs again.
      const t = T_NOW - HOUR - pick(CAMPAIGN_AGE - 2 * HOUR);
      await line(
        "Impression",
        {
          account: DEV_IMPRESSION_ISSUER,
          viewer: who,
          campaignId: String(c + 1),
          postId: String(postId),
          // A small bid: the campaigns stay behind their pacing line and keep competing for slots.
          price: String(10n ** 16n),
          policySeq: String(p + 1),
          expiresAt: String(t - 30 + HOUR),
        },
        t - 30,
      );
      await line(
        "View",
        { account: who, postId: String(postId), dwellMs: 2000 + pick(8000), campaignId: String(c + 1) },
        t,
      );
      continue;
    }
    // Skewed towards popular and recent posts; engagement follows publication.
    const postId = POSTS - skewed(POSTS);
    const t = Math.min(T_NOW - 1, postTime(postId) + pick(3 * DAY));
    const kind = kinds[pick(kinds.length)] ?? "View";
    const fields: Record<string, unknown> = { account: account(pick(ACCOUNTS)), postId: String(postId) };
    if (kind === "View") Object.assign(fields, { dwellMs: 1000 + pick(9000), campaignId: "0" });
    if (kind === "Comment") fields.text = "great post";
    await line(kind, fields, t);
  }
  if (entries.length) await log.appendMany(entries);
  db.close();
  return count;
}

/**
 * The whole settlement epoch over the same store: the log exported as the settler exports it, then
 * parsed, graph, reputation, payouts, cumulative tree and proofs (`computeEpoch`), for an epoch of the
 * last 200,000 log entries with 100,000 accounts carried over from earlier epochs.
 */
function epochOf(dbPath: string): {
  wholeMs: number;
  cpuMs: number;
  exportMs: number;
  paid: number;
  entries: number;
  /** Accounts above the reputation floor in some community (sorted). */
  standing: string[];
} {
  const db = openDb(dbPath);
  try {
    const maxSeq = db.prepare("SELECT MAX(seq) FROM engagement_log").pluck().get() as number;
    let t = performance.now();
    const { ndjson } = exportLog(db, 1, maxSeq);
    const exportMs = performance.now() - t;
    const posts: PostInfo[] = (
      db.prepare("SELECT id, community_id AS c, author, created_at AS at, topics FROM posts").all() as {
        id: number;
        c: number;
        author: string;
        at: number;
        topics: string;
      }[]
    ).map((p) => ({
      id: BigInt(p.id),
      communityId: BigInt(p.c),
      author: p.author as `0x${string}`,
      createdAt: p.at,
      topics: JSON.parse(p.topics) as string[],
    }));
    const mods = db.prepare("SELECT community_id AS c, account FROM moderators").all() as {
      c: number;
      account: string;
    }[];
    const communities: CommunityInfo[] = (
      db.prepare("SELECT id, founder FROM communities").all() as { id: number; founder: string }[]
    ).map((c) => ({
      id: BigInt(c.id),
      founder: c.founder as `0x${string}`,
      moderators: mods.filter((m) => m.c === c.id).map((m) => m.account as `0x${string}`),
    }));
    const campaigns = (
      db
        .prepare(
          "SELECT id, post_id AS postId, promoter, budget, expires_at AS expiresAt, created_at AS createdAt FROM campaigns",
        )
        .all() as {
        id: number;
        postId: number;
        promoter: string;
        budget: string;
        expiresAt: number;
        createdAt: number;
      }[]
    ).map((c) =>
      campaign(
        BigInt(c.id),
        BigInt(c.postId),
        c.promoter as `0x${string}`,
        BigInt(c.budget),
        c.expiresAt,
        c.createdAt,
      ),
    );
    const r = rng(8);
    const previousCumulative = new Map<string, bigint>();
    for (let i = 0; i < ACCOUNTS; i++)
      previousCumulative.set(account(i).toLowerCase(), BigInt(1 + Math.floor(r() * 1e9)) * 10n ** 9n);
    t = performance.now();
    const cpu = process.cpuUsage();
    const entries = loadLogExport(ndjson);
    const result = computeEpoch({
      epoch: 2,
      entries,
      startSeq: maxSeq - EPOCH_ENTRIES,
      endSeq: maxSeq,
      posts,
      communities,
      campaigns,
      previousCumulative,
      previouslyPaid: new Set(),
      params: DEFAULT_PARAMS,
      blockNumber: 1000n,
      asOf: T_NOW,
      exportHash: `0x${"11".repeat(32)}`,
    });
    const used = process.cpuUsage(cpu);
    return {
      wholeMs: performance.now() - t,
      cpuMs: (used.user + used.system) / 1000,
      exportMs,
      paid: result.payouts.size,
      standing: [
        ...new Set(
          [...result.reputations.values()].flatMap((rep) =>
            rep.nodes.filter(
              (_, i) => (rep.scores[i] as number) * rep.effectiveSize >= DEFAULT_PARAMS.reputationFloor,
            ),
          ),
        ),
      ].sort(),
      entries: entries.length,
    };
  } finally {
    db.close();
  }
}

/** Child process: the indexer with the attention model, serving HTTP. */
async function serve(dbPath: string): Promise<void> {
  const config = loadConfig(
    {
      dbPath,
      chainId: 31337,
      port: 0,
      graphiql: false,
      deployment: {
        chainId: 31337,
        startBlock: 0,
        contracts: { AMPToken: contract(1), AMPSocial: contract(2), AMPEscrow: contract(3) },
      },
    },
    { env: {} },
  );
  let t = performance.now();
  // The attention service reads the whole store when it is created.
  let service: LiveAttentionService | null = null;
  const indexer = createIndexer(config, {
    // The allocator runs on the request path and impressions are signed right after it, as in `npm start`.
    attention: (deps) =>
      (service = createAttentionService({
        ...deps,
        // STREAM_BENCH_IMPRESSIONS=0: no impression key, the organic-only baseline.
        impressions:
          process.env.STREAM_BENCH_IMPRESSIONS === "0"
            ? null
            : createImpressionIssuer({
                store: engagementStore(deps.db),
                key: impressionKey(undefined, 31337) as `0x${string}`,
                chainId: 31337,
                verifyingContract: contract(2) as `0x${string}`,
              }),
      })),
    logger: silentLogger(),
  });
  await (service as LiveAttentionService | null)?.ready();
  const loadMs = performance.now() - t;
  const call = async (body: string) => {
    const res = await indexer.yoga.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const json = (await res.json()) as { data?: { stream: { edges: unknown[] } }; errors?: unknown };
    if (!json.data?.stream || json.errors)
      throw new Error(`bad answer: ${JSON.stringify(json).slice(0, 300)}`);
    return json.data.stream.edges.length;
  };
  // First call: global and community graphs, reputations (this viewer admits every campaign,
  // so every campaign is priced), the viewer's standing.
  t = performance.now();
  await call(streamBody(account(ACCOUNTS - 10)));
  const firstMs = performance.now() - t;
  // Viewers never seen before (not among the load's viewers): standing computed per call.
  const cold: number[] = [];
  for (let i = 0; i < COLD_VIEWERS; i++) {
    t = performance.now();
    await call(streamBody(account(ACCOUNTS - 2 - i * 7)));
    cold.push(performance.now() - t);
  }
  cold.sort((a, b) => a - b);
  // Seen viewers' first pages in process: ranking, allocation and the impressions signed for them.
  const countImpressions = indexer.db
    .prepare("SELECT COUNT(*) FROM engagement_log WHERE kind = 'Impression'")
    .pluck();
  const before = countImpressions.get() as number;
  const warm: number[] = [];
  // Viewers like the load's but not among them (written by the parent): the hourly ration the
  // calls here use up is not the load's.
  const { others } = JSON.parse(readFileSync(process.env.AMP_STREAM_BENCH_VIEWERS ?? "", "utf8")) as {
    others: string[];
  };
  for (let i = 0; i < WARM_CALLS; i++) {
    const viewer = others[i % others.length] as string;
    await call(streamBody(viewer));
    t = performance.now();
    await call(streamBody(viewer));
    warm.push(performance.now() - t);
  }
  warm.sort((a, b) => a - b);
  await (service as LiveAttentionService | null)?.impressionsSettled();
  const impressionsPerCall = ((countImpressions.get() as number) - before) / (2 * WARM_CALLS);
  globalThis.gc?.();
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  const { url } = await indexer.start({ http: true, follow: false });
  // Exit (rather than die of the signal) so that a CPU profile is written.
  process.once("SIGTERM", () => process.exit(0));
  console.log(
    `ready ${JSON.stringify({ url, loadMs, firstMs, coldP50: percentile(cold, 50), coldP99: percentile(cold, 99), warmP50: percentile(warm, 50), warmP99: percentile(warm, 99), impressionsPerCall, rssMb })}`,
  );
}

interface Ready {
  url: string;
  loadMs: number;
  firstMs: number;
  coldP50: number;
  coldP99: number;
  warmP50: number;
  warmP99: number;
  impressionsPerCall: number;
  rssMb: number;
}

/**
 * Asks for every body's stream once, 10 at a time: the measured runs then see returning viewers
 * (their standing computed) however fast the machine is; unseen viewers are timed in the child.
 * The bodies ask for one item (a page without an amplified slot), so that the viewers' hourly
 * impression ration is still theirs when the load runs.
 */
async function warmViewers(url: string, bodies: string[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        if (!res.ok) throw new Error(`warm-up answered ${res.status}`);
        await res.arrayBuffer();
      }
    }),
  );
}

/** The served log's size once the impressions of answered pages are all signed and logged. */
async function settledLogSize(url: string): Promise<number> {
  const read = async () => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: STATUS }),
    });
    return ((await res.json()) as { data: { indexerStatus: { logSize: number } } }).data.indexerStatus
      .logSize;
  };
  let size = await read();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const next = await read();
    if (next === size) return size;
    size = next;
  }
}

/** Seeds a store in `dir`, serves it from a child process and measures it. */
async function main(dir: string): Promise<void> {
  const dbPath = join(dir, "bench.sqlite");
  let t = performance.now();
  const messages = await seed(dbPath);
  const seedSeconds = (performance.now() - t) / 1000;
  console.log(
    `seeded ${ACCOUNTS} accounts, ${POSTS} posts, ${messages} messages in ${seedSeconds.toFixed(1)} s`,
  );
  const epoch = epochOf(dbPath);
  console.log(
    `whole epoch (parse ${epoch.entries} entries, graph, reputation, payouts, tree, proofs): ` +
      `${(epoch.wholeMs / 1000).toFixed(1)} s (${(epoch.cpuMs / 1000).toFixed(1)} s of CPU), ${epoch.paid} accounts paid (export ${(epoch.exportMs / 1000).toFixed(1)} s)`,
  );

  // Viewers spread over the accounts (not the unseen ones the child timed).
  const r = rng(7);
  // Half the members with standing in a community (the people who come back every day are the
  // ones their community attends to; their policies decide whether campaigns may reach them), half
  // sampled as authors are. None of the unseen viewers the child timed (account(i) is i + 1).
  const standing = epoch.standing.filter((a) => Number(BigInt(a)) <= ACCOUNTS - 1000);
  const viewers = Array.from({ length: VIEWERS }, (_, i) =>
    i % 2 === 0 && standing.length > 0
      ? (standing[Math.floor(r() * standing.length)] as string)
      : account(Math.floor(r() * r() * (ACCOUNTS - 1000))),
  );
  const chosen = new Set(viewers);
  const others = [
    ...standing.filter((a) => !chosen.has(a)).slice(0, WARM_CALLS / 2),
    ...Array.from({ length: WARM_CALLS }, () => account(Math.floor(r() * r() * (ACCOUNTS - 1000)))),
  ]
    .filter((a) => !chosen.has(a))
    .slice(0, WARM_CALLS);
  const viewersFile = join(dir, "viewers.json");
  writeFileSync(viewersFile, JSON.stringify({ others }));
  const warmBodies = viewers.map((v) => streamBody(v, undefined, 1));
  const streamBodies = viewers.map((v) => streamBody(v));
  const statusBodies = [JSON.stringify({ query: STATUS })];

  // The organic-only baseline in the same run: the same store served without an impression key.
  let organic: LoadResult | null = null;
  if (process.env.STREAM_BENCH_IMPRESSIONS !== "0") {
    await withServer<Ready>(
      import.meta.filename,
      {
        AMP_STREAM_BENCH_SERVE: dbPath,
        AMP_STREAM_BENCH_VIEWERS: viewersFile,
        STREAM_BENCH_IMPRESSIONS: "0",
      },
      ["--expose-gc"],
      async (ready) => {
        await load(ready.url, statusBodies, 2);
        await warmViewers(ready.url, warmBodies);
        organic = await load(ready.url, streamBodies, DURATION);
        console.log(
          `organic only (no impression key): ${Math.round(organic.rps)} req/s, p50 ${organic.p50} ms, p99 ${organic.p99} ms`,
        );
      },
    );
  }
  const baseline = organic as LoadResult | null;

  t = performance.now();
  await withServer<Ready>(
    import.meta.filename,
    { AMP_STREAM_BENCH_SERVE: dbPath, AMP_STREAM_BENCH_VIEWERS: viewersFile },
    // STREAM_BENCH_CPU_PROF=<dir>: a V8 CPU profile of the serving process (written when it stops).
    [
      "--expose-gc",
      ...(process.env.STREAM_BENCH_CPU_PROF
        ? ["--cpu-prof", `--cpu-prof-dir=${process.env.STREAM_BENCH_CPU_PROF}`]
        : []),
    ],
    async (ready) => {
      console.log(
        `model loaded in ${(ready.loadMs / 1000).toFixed(1)} s, first stream ${ready.firstMs.toFixed(0)} ms, ` +
          `unseen viewer p50 ${ready.coldP50.toFixed(1)} ms / p99 ${ready.coldP99.toFixed(1)} ms, RSS ${ready.rssMb.toFixed(0)} MB`,
      );
      const check = await fetch(ready.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: streamBodies[0],
      });
      const sample = (await check.json()) as { data?: { stream: { edges: unknown[] } } };
      if (sample.data?.stream.edges.length !== 20)
        throw new Error(`bad answer: ${JSON.stringify(sample).slice(0, 300)}`);
      const bytes = Buffer.byteLength(JSON.stringify(sample));

      // Warm the HTTP path and the JIT, then measure the baseline and the stream.
      await load(ready.url, statusBodies, 2);
      const base = await load(ready.url, statusBodies, DURATION);
      await warmViewers(ready.url, warmBodies);
      const logBefore = await settledLogSize(ready.url);
      const stream = await load(ready.url, streamBodies, DURATION);
      const issued = (await settledLogSize(ready.url)) - logBefore;
      // Second pages: cut from the ranking each viewer's first page was ranked in (fetched just before).
      const secondBodies: string[] = [];
      for (const viewer of viewers.slice(0, 500)) {
        const res = await fetch(ready.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: streamBody(viewer),
        });
        const page = (await res.json()) as { data: { stream: { pageInfo: { endCursor: string } } } };
        secondBodies.push(streamBody(viewer, page.data.stream.pageInfo.endCursor));
      }
      const second = await load(ready.url, secondBodies, DURATION);
      console.log(
        `baseline indexerStatus: ${Math.round(base.rps)} req/s, p50 ${base.p50} ms, p99 ${base.p99} ms\n` +
          `stream(first: 20) over ${VIEWERS} viewers: ${Math.round(stream.rps)} req/s, p50 ${stream.p50} ms, p99 ${stream.p99} ms, ${bytes} B per answer, ${issued} impressions issued during the load\n` +
          `second pages (after: the first page's cursor) over 500 viewers: ${Math.round(second.rps)} req/s, p50 ${second.p50} ms, p99 ${second.p99} ms`,
      );
      reportBench("indexer-stream", import.meta.filename, {
        "stream p99": { value: stream.p99, unit: "ms", target: "<= 30" },
        "stream p50": { value: stream.p50, unit: "ms" },
        "stream throughput": { value: Math.round(stream.rps), unit: "req/s" },
        "stream requests": { value: stream.total, unit: "requests" },
        "impressions issued during the stream load": { value: issued, unit: "impressions" },
        "impressions per stream request": { value: issued / Math.max(1, stream.total), unit: "impressions" },
        ...(baseline
          ? {
              "stream p99 organic only (no impression key)": { value: baseline.p99, unit: "ms" },
              "stream p50 organic only (no impression key)": { value: baseline.p50, unit: "ms" },
              "stream throughput organic only (no impression key)": {
                value: Math.round(baseline.rps),
                unit: "req/s",
              },
            }
          : {}),
        "second page p99": { value: second.p99, unit: "ms", target: "<= 30" },
        "second page p50": { value: second.p50, unit: "ms" },
        "second page throughput": { value: Math.round(second.rps), unit: "req/s" },
        "baseline p99 (indexerStatus)": { value: base.p99, unit: "ms" },
        "baseline p50 (indexerStatus)": { value: base.p50, unit: "ms" },
        "baseline throughput (indexerStatus)": { value: Math.round(base.rps), unit: "req/s" },
        "stream / baseline p99": { value: stream.p99 / Math.max(base.p99, 1), unit: "x", baseline: base.p99 },
        "stream / baseline throughput": { value: stream.rps / base.rps, unit: "x", baseline: base.rps },
        "model load": { value: Math.round(ready.loadMs), unit: "ms" },
        "first stream (builds caches)": { value: Math.round(ready.firstMs), unit: "ms" },
        "unseen viewer stream p50 (in process)": { value: ready.coldP50, unit: "ms" },
        "unseen viewer stream p99 (in process)": { value: ready.coldP99, unit: "ms" },
        "stream p50 in process (allocator + impression signing)": { value: ready.warmP50, unit: "ms" },
        "stream p99 in process (allocator + impression signing)": { value: ready.warmP99, unit: "ms" },
        "impressions signed per stream call": { value: ready.impressionsPerCall, unit: "impressions" },
        "RSS after load": { value: Math.round(ready.rssMb), unit: "MB" },
        "whole epoch 100k accounts / 1M messages ms": {
          value: Math.round(epoch.wholeMs),
          unit: "ms",
          target: "<= 10000",
        },
        "whole epoch CPU time ms": { value: Math.round(epoch.cpuMs), unit: "ms" },
        "epoch log export ms": { value: Math.round(epoch.exportMs), unit: "ms" },
        "accounts paid in the epoch": { value: epoch.paid, unit: "accounts" },
        "answer size": { value: bytes, unit: "B" },
        "seed store": { value: Number(seedSeconds.toFixed(1)), unit: "s" },
        "log entries": { value: messages, unit: "messages" },
      });
    },
  );
}

if (process.env.AMP_STREAM_BENCH_SEED_ONLY) await seed(process.env.AMP_STREAM_BENCH_SEED_ONLY);
else if (process.env.AMP_STREAM_BENCH_SERVE) await serve(process.env.AMP_STREAM_BENCH_SERVE);
else await inTempDir("amp-stream-bench-", main);
