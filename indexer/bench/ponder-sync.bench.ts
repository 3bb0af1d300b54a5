/**
 * Ponder side by side: one world of 100,000+ events of the three AMP contracts
 * (posts, campaigns, spends, claims, transfers) generated on a local Hardhat
 * node, then indexed from block 0 to the same head over the node's HTTP
 * JSON-RPC by this indexer (`npm run indexer`, SQLite) and by Ponder 1.0
 * (`ponder start`, its embedded PGlite database, the equivalent schema in
 * indexer/bench/ponder). The chain then idles for 64 blocks, so every event is
 * history for both. Each is timed from spawn until its API reports the head
 * block indexed; the benchmark fails unless both end with the same row
 * counts, table by table, and the counts the world was built with.
 * Run: `npm run bench -- ponder-sync`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { reportBench } from "#test-kit/bench.ts";
import { deploy, freePort, startHardhat } from "#test-kit/hardhat.ts";
import { tempDir } from "#test-kit/helpers.ts";
import { ensurePonderInstall, runAmpIndexer, runPonder } from "./ponder-runner.ts";
import { generateWorld, type WorldSize } from "./sync-world.ts";

/** AMP_SYNC_SCALE (default 1) shrinks the world for a quick look; the figures need the full one. */
const SCALE = Number(process.env.AMP_SYNC_SCALE ?? 1);
const scaled = (n: number) => Math.max(1, Math.round(n * SCALE));
const SIZE: WorldSize = {
  communities: 20,
  posts: scaled(40_000),
  mints: scaled(20_000),
  transfers: scaled(15_000),
  campaigns: scaled(8_000),
  topUps: scaled(2_000),
  epochs: scaled(40),
  claims: scaled(10_000),
  // Past both indexers' finality windows (this one's 64 blocks, Ponder's 30 on an unknown chain):
  // every event is history, read by each indexer's backfill.
  idleBlocks: 64,
};
const TIMEOUT_MS = 30 * 60_000;
const log = (line: string) => console.log(`ponder-sync: ${line}`);

ensurePonderInstall(log);
const tmp = tempDir("amp-ponder-sync-");
const node = await startHardhat();
try {
  const d = await deploy(node, 60);
  const genStart = performance.now();
  const world = await generateWorld(node, d, SIZE, log);
  log(
    `world: ${world.transactions} transactions up to block ${world.headBlock} in ${((performance.now() - genStart) / 1000).toFixed(0)} s`,
  );
  const deploymentFile = join(tmp.dir, "deployment.json");
  writeFileSync(deploymentFile, JSON.stringify(d));

  // This indexer first: whatever the node caches while answering helps the second run, Ponder.
  const dbPath = join(tmp.dir, "amp.sqlite");
  const amp = await runAmpIndexer({
    rpcUrl: node.url,
    deploymentFile,
    dbPath,
    dataDir: join(tmp.dir, "amp"),
    port: await freePort(),
    head: world.headBlock,
    timeoutMs: TIMEOUT_MS,
  });
  await amp.stop();
  log(`amp indexer: ${amp.seconds.toFixed(2)} s (boot ${amp.bootSeconds.toFixed(2)} s)`);

  const db = new Database(dbPath, { readonly: true });
  const count = (sql: string) => (db.prepare(sql).pluck().get() as number) ?? 0;
  const events = count("SELECT count(*) FROM chain_events");
  const ours: Record<string, number> = {
    communities: count("SELECT count(*) FROM communities"),
    posts: count("SELECT count(*) FROM posts"),
    postTopics: count("SELECT count(*) FROM post_topics"),
    campaigns: count("SELECT count(*) FROM campaigns"),
    campaignSpends: count("SELECT count(*) FROM campaign_spends"),
    epochs: count("SELECT count(*) FROM epochs"),
    epochManifests: count("SELECT count(*) FROM epoch_manifests"),
    claims: count("SELECT count(*) FROM claims"),
    transfers: count("SELECT count(*) FROM chain_events WHERE kind = 'Transfer'"),
    balances: count("SELECT count(*) FROM balances"),
    roleEvents: count("SELECT count(*) FROM role_events"),
    disputePoolFundings: count("SELECT count(*) FROM dispute_pool_fundings"),
  };
  const kinds = db.prepare("SELECT kind, count(*) AS n FROM chain_events GROUP BY kind").all() as {
    kind: string;
    n: number;
  }[];
  db.close();

  const ponder = await runPonder({
    rpcUrl: node.url,
    deploymentFile,
    dbDir: join(tmp.dir, "pglite"),
    port: await freePort(),
    head: world.headBlock,
    timeoutMs: TIMEOUT_MS,
  });
  let theirs: Record<string, number>;
  let ponderEvents: Record<string, number>;
  try {
    theirs = await ponder.counts();
    ponderEvents = await ponder.events();
  } finally {
    await ponder.stop();
  }
  log(`ponder: ${ponder.seconds.toFixed(2)} s (boot ${ponder.bootSeconds.toFixed(2)} s)`);

  const problems: string[] = [];
  const expected: Record<string, number> = {
    communities: world.communities,
    posts: world.posts,
    postTopics: world.posts,
    campaigns: world.campaigns,
    campaignSpends: world.spends,
    epochs: world.epochs,
    epochManifests: world.epochs,
    claims: world.claims,
    transfers: world.transfers,
  };
  for (const [table, n] of Object.entries(ours)) {
    if (theirs[table] !== n) problems.push(`${table}: amp ${n}, ponder ${theirs[table]}`);
    if (expected[table] !== undefined && expected[table] !== n) {
      problems.push(`${table}: the world holds ${expected[table]}, amp indexed ${n}`);
    }
  }
  const ponderTotal = Object.values(ponderEvents).reduce((a, b) => a + b, 0);
  if (ponderTotal !== events) {
    problems.push(
      `events: amp ${events} (${kinds.map((k) => `${k.kind} ${k.n}`).join(", ")}), ponder ${ponderTotal} (${Object.entries(
        ponderEvents,
      )
        .map(([k, n]) => `${k} ${n}`)
        .join(", ")})`,
    );
  }
  console.table(Object.keys(ours).map((t) => ({ table: t, amp: ours[t], ponder: theirs[t] })));
  if (SCALE >= 1 && events < 100_000) problems.push(`only ${events} events (at least 100,000 wanted)`);
  if (problems.length > 0) throw new Error(`ponder-sync: the indexers disagree:\n${problems.join("\n")}`);

  const syncEventsPerSec = events / amp.seconds;
  const ponderSyncEventsPerSec = events / ponder.seconds;
  reportBench("ponder-sync", "indexer/bench/ponder-sync.bench.ts", {
    syncEventsPerSec: { value: syncEventsPerSec, unit: "events/s" },
    ponderSyncEventsPerSec: { value: ponderSyncEventsPerSec, unit: "events/s" },
    syncVsPonder: {
      value: syncEventsPerSec / ponderSyncEventsPerSec,
      unit: "x",
      target: ">= 2",
      baseline: ponderSyncEventsPerSec,
    },
    syncEvents: { value: events, unit: "events", target: ">= 100000" },
    syncBlocks: { value: world.headBlock + 1, unit: "blocks" },
    syncSeconds: { value: amp.seconds, unit: "s" },
    ponderSyncSeconds: { value: ponder.seconds, unit: "s" },
    syncBootSeconds: { value: amp.bootSeconds, unit: "s" },
    ponderBootSeconds: { value: ponder.bootSeconds, unit: "s" },
  });
} finally {
  await node.stop();
  tmp.cleanup();
}
