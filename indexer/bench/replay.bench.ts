/**
 * Replay benchmark: rebuilds a fresh SQLite store from a local cache of
 * 1,000,000+ stored events (chain events in block order, then engagement log
 * entries) through the Kysely chain store and engagement log on the file's
 * engine, and reports events per second end to end (read, parse, fold,
 * commit: `throughput`). The next range is read and parsed while the store
 * commits the previous one (one batch in flight, in order). The cache is
 * generated once into the OS temp dir. Log entries are replayed as stored:
 * their signatures were verified when they were accepted.
 *
 * The same run replays the cache's chain events on both engines through the
 * Kysely chain store: into a throwaway PostgreSQL server
 * (`replayEventsPerSecPostgres`; batches bulk-loaded by COPY FROM STDIN, each
 * in one transaction, the server with fsync and synchronous_commit on) and,
 * as the baseline of the same run, into a SQLite file
 * (`replayChainEventsPerSecSqlite`). Both loops read and parse the next range
 * while the store commits the previous one (one batch in flight at a time, in
 * order). Those two figures count chain events only. The CPU seconds of
 * this process and of the PostgreSQL server over the PostgreSQL replay say
 * what the figure costs apart from the machine's load.
 */
import {
  createReadStream,
  existsSync,
  mkdtempSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { MessageKind } from "#protocol";
import { reportBench } from "#test-kit/bench.ts";
import { startPostgres } from "#test-kit/postgres.ts";
import { openDb } from "../src/store/db.ts";
import { createKyselyChainStore } from "../src/store/engine/chain-store.ts";
import type { NewLogEntry } from "../src/store/engine/engagement-store.ts";
import { createKyselyEngagementStore } from "../src/store/engine/engagement-store.ts";
import { openPostgres, type StoreEngine, sqliteEngine } from "../src/store/engine/engine.ts";
import type { ChainBatch, ChainEvent } from "../src/store/events.ts";

const CACHE = join(tmpdir(), "amp-replay-cache-v1.ndjson");
const COMMUNITIES = 100;
const POSTS = 100_000;
const TRANSFERS = 230_000;
const CAMPAIGNS = 10_000;
const PER_BLOCK = 500;
const BATCH_EVENTS = 10_000;
const MESSAGES = { Follow: 50_000, Like: 200_000, View: 300_000, Comment: 50_000, Share: 50_000 } as const;

const addr = (i: number) => `0x${(0x100000 + i).toString(16).padStart(40, "0")}`;
const hash = (i: number) => `0x${i.toString(16).padStart(64, "0")}`;

function generate(): number {
  const lines: string[] = [];
  let block = 1;
  let inBlock = 0;
  let n = 0;
  const chain = (kind: string, payload: Record<string, unknown>) => {
    if (inBlock === PER_BLOCK) {
      block++;
      inBlock = 0;
    }
    const e = {
      t: "c",
      blockNumber: block,
      blockHash: hash(block),
      txIndex: inBlock,
      logIndex: inBlock,
      txHash: hash(1_000_000 + n),
      address: addr(0),
      timestamp: 1_700_000_000 + block * 2,
      kind,
      payload,
    };
    inBlock++;
    n++;
    lines.push(JSON.stringify(e));
  };
  for (let c = 1; c <= COMMUNITIES; c++) {
    chain("CommunityCreated", {
      communityId: String(c),
      founder: addr(c),
      name: `c${c}`,
      description: "bench",
    });
  }
  for (let i = 0; i < TRANSFERS; i++) {
    chain("Transfer", {
      from: i < 1000 ? addr(-0x100000) : addr(i % 1000),
      to: addr((i * 7) % 5000),
      value: "1000000000000000000",
    });
  }
  for (let p = 1; p <= POSTS; p++) {
    chain("PostPublished", {
      postId: String(p),
      communityId: String((p % COMMUNITIES) + 1),
      author: addr(p % 5000),
      topics: [`t${p % 50}`, `u${p % 13}`],
      text: `post number ${p} about things that matter`,
      contentHash: hash(0),
      uri: "",
    });
  }
  for (let c = 1; c <= CAMPAIGNS; c++) {
    chain("CampaignCreated", {
      campaignId: String(c),
      postId: String(c * 10),
      promoter: addr(c % 5000),
      payer: addr(c % 5000),
      budget: "50000000000000000000",
      expiresAt: "4000000000",
    });
    chain("CampaignToppedUp", {
      campaignId: String(c),
      payer: addr(c % 5000),
      amount: "1000000000000000000",
    });
  }
  let nonce = 0;
  const sig = `0x${"11".repeat(65)}`;
  const msg = (kind: MessageKind, i: number, fields: Record<string, unknown>) => {
    const account = addr(i % 5000);
    const message = { account, ...fields, timestamp: String(1_700_000_000 + i), nonce: String(++nonce) };
    lines.push(JSON.stringify({ t: "m", kind, signer: account, message, signature: sig }));
    n++;
  };
  for (let i = 0; i < MESSAGES.Follow; i++)
    msg("Follow", i, { target: addr((i * 13 + 1) % 5000), follow: true });
  for (let i = 0; i < MESSAGES.Like; i++) msg("Like", i, { postId: String((i % POSTS) + 1) });
  for (let i = 0; i < MESSAGES.View; i++) {
    msg("View", i, {
      postId: String((i % POSTS) + 1),
      dwellMs: 3000,
      campaignId: i % 10 === 0 ? String((i % CAMPAIGNS) + 1) : "0",
    });
  }
  for (let i = 0; i < MESSAGES.Comment; i++)
    msg("Comment", i, { postId: String((i % POSTS) + 1), text: `comment ${i}` });
  for (let i = 0; i < MESSAGES.Share; i++) msg("Share", i, { postId: String((i % POSTS) + 1) });

  const tmp = `${CACHE}.tmp`;
  writeFileSync(tmp, `${lines.join("\n")}\n`);
  renameSync(tmp, CACHE);
  return n;
}

async function replay(dbPath: string): Promise<{ events: number; seconds: number }> {
  const start = performance.now();
  const engine = sqliteEngine(openDb(dbPath));
  const chainStore = createKyselyChainStore(engine);
  const log = createKyselyEngagementStore(engine.db);
  let events = 0;
  let blockEvents: ChainEvent[] = [];
  let entries: NewLogEntry[] = [];
  // One write in flight: the next range is read while the previous one commits, strictly in order.
  let inFlight: Promise<unknown> | null = null;
  const submit = async (write: () => Promise<unknown>) => {
    if (inFlight) await inFlight;
    inFlight = write();
    inFlight.catch(() => undefined); // awaited by the next submit or at the end
  };
  const flushChain = async () => {
    if (!blockEvents.length) return;
    const batch = batchOf(blockEvents);
    blockEvents = [];
    await submit(() => chainStore.applyBatch(batch));
  };
  const flushLog = async () => {
    if (!entries.length) return;
    const batch = entries;
    entries = [];
    await submit(() => log.appendMany(batch));
  };
  const lines = createInterface({ input: createReadStream(CACHE), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (!line) continue;
    const row = JSON.parse(line);
    events++;
    if (row.t === "c") {
      // One transaction per block range, as the follower's backfill does.
      if (blockEvents.length >= BATCH_EVENTS && blockEvents.at(-1)?.blockNumber !== row.blockNumber)
        await flushChain();
      blockEvents.push(row as ChainEvent);
    } else {
      await flushChain();
      entries.push({
        kind: row.kind,
        signer: row.signer,
        message: row.message,
        json: JSON.stringify(row.message),
        signature: row.signature,
        receivedAt: Number(row.message.timestamp),
      });
      if (entries.length === BATCH_EVENTS) await flushLog();
    }
  }
  await flushChain();
  await flushLog();
  await inFlight;
  await engine.close();
  return { events, seconds: (performance.now() - start) / 1000 };
}

const batchOf = (events: ChainEvent[]): ChainBatch => {
  const last = events.at(-1) as ChainEvent;
  return {
    blocks: [
      {
        number: last.blockNumber,
        hash: last.blockHash,
        parentHash: hash(last.blockNumber - 1),
        timestamp: last.timestamp,
      },
    ],
    events,
    checkpoint: {
      blockNumber: last.blockNumber,
      blockHash: last.blockHash,
      finalizedBlock: last.blockNumber,
      headBlock: last.blockNumber,
    },
  };
};

interface ChainReplay {
  events: number;
  seconds: number;
  /** CPU seconds of this process (read, parse, fold, encode). */
  cpuSeconds: number;
}

/**
 * The cache's chain events through the Kysely chain store, one transaction per block range. The
 * next range is read and parsed while the previous one commits; ranges apply strictly in order.
 */
async function replayChain(open: () => Promise<StoreEngine>): Promise<ChainReplay> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const engine = await open();
  const store = createKyselyChainStore(engine);
  let events = 0;
  let blockEvents: ChainEvent[] = [];
  let inFlight: Promise<void> | null = null;
  const submit = async (batch: ChainEvent[]) => {
    if (inFlight) await inFlight;
    inFlight = store.applyBatch(batchOf(batch));
    inFlight.catch(() => undefined); // awaited by the next submit or at the end
  };
  const lines = createInterface({ input: createReadStream(CACHE), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    // Chain events only (the log is not on both engines yet): skip the log's lines unparsed.
    if (!line.startsWith('{"t":"c"')) continue;
    const row = JSON.parse(line);
    events++;
    if (blockEvents.length >= BATCH_EVENTS && blockEvents.at(-1)?.blockNumber !== row.blockNumber) {
      await submit(blockEvents);
      blockEvents = [];
    }
    blockEvents.push(row as ChainEvent);
  }
  if (blockEvents.length) await submit(blockEvents);
  await inFlight;
  await engine.close();
  const used = process.cpuUsage(cpu);
  return {
    events,
    seconds: (performance.now() - start) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
  };
}

async function main() {
  if (!existsSync(CACHE)) {
    const t = performance.now();
    const n = generate();
    console.log(`generated ${n} events into ${CACHE} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  console.log(`cache ${CACHE}: ${(statSync(CACHE).size / 1e6).toFixed(0)} MB`);
  const dir = mkdtempSync(join(tmpdir(), "amp-replay-"));
  try {
    const { events, seconds } = await replay(join(dir, "replay.sqlite"));
    const rate = events / seconds;
    console.log(`replayed ${events} events in ${seconds.toFixed(1)} s: ${Math.round(rate)} events/s`);
    if (events < 1_000_000) throw new Error(`only ${events} events in the cache`);

    const sqliteChain = await replayChain(async () => sqliteEngine(openDb(join(dir, "chain.sqlite"))));
    const server = await startPostgres();
    let pgChain: ChainReplay;
    let serverCpu: number;
    try {
      const url = await server.createDatabase("replay");
      const cpuBefore = server.cpuSeconds();
      pgChain = await replayChain(() => openPostgres(url, { max: 2 }));
      serverCpu = server.cpuSeconds() - cpuBefore;
    } finally {
      await server.stop();
    }
    const chainRate = (r: ChainReplay) => Math.round(r.events / r.seconds);
    console.log(
      `chain events through the Kysely store: SQLite ${chainRate(sqliteChain)} events/s, PostgreSQL ${chainRate(pgChain)} events/s (${pgChain.events} events in ${pgChain.seconds.toFixed(1)} s; CPU ${pgChain.cpuSeconds.toFixed(1)} s here, ${serverCpu.toFixed(1)} s in the server; load average ${loadavg()[0]?.toFixed(1)})`,
    );
    reportBench("indexer-replay", import.meta.filename, {
      events: { value: events, unit: "events" },
      seconds: { value: Number(seconds.toFixed(2)), unit: "s" },
      throughput: { value: Math.round(rate), unit: "events/s", target: ">= 20000" },
      chainEvents: { value: pgChain.events, unit: "events" },
      replayChainEventsPerSecSqlite: { value: chainRate(sqliteChain), unit: "events/s" },
      replayEventsPerSecPostgres: { value: chainRate(pgChain), unit: "events/s", target: ">= 20000" },
      replayPostgresClientCpuSeconds: { value: Number(pgChain.cpuSeconds.toFixed(2)), unit: "s" },
      replayPostgresServerCpuSeconds: { value: Number(serverCpu.toFixed(2)), unit: "s" },
      loadAverage: { value: Number((loadavg()[0] ?? 0).toFixed(2)), unit: "load" },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
