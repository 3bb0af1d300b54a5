import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AmpDeployment } from "#protocol";
import { fillChain } from "#test-kit/bulk.ts";
import { startFlakyProxy } from "#test-kit/flaky-proxy.ts";
import { deploy, type HardhatNode, startHardhat } from "#test-kit/hardhat.ts";
import { dumpState, tempDir } from "#test-kit/helpers.ts";
import { catchUp, testIndexer } from "#test-kit/indexer.ts";
import { openDb } from "../store/db.ts";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const BLOCKS = 30;
const PER_BLOCK = 100;

describe("resilience: crashes and a flaky RPC change nothing", () => {
  let node: HardhatNode;
  let d: AmpDeployment;
  let tmp: ReturnType<typeof tempDir>;
  let reference: Record<string, unknown[]>;
  let head: number;

  beforeAll(async () => {
    tmp = tempDir();
    node = await startHardhat();
    d = await deploy(node);
    const events = await fillChain(node, d, BLOCKS, PER_BLOCK);
    expect(events).toBeGreaterThanOrEqual(3000);
    head = Number(await node.publicClient.getBlockNumber({ cacheTime: 0 }));
    const clean = testIndexer(node.url, d, join(tmp.dir, "clean.sqlite"), { batchBlocks: 5 });
    await catchUp(clean);
    reference = dumpState(clean.db);
    await clean.stop();
    expect(reference.chain_events?.length).toBeGreaterThanOrEqual(3000);
  }, 180_000);

  afterAll(async () => {
    await node?.stop();
    tmp?.cleanup();
  });

  it("survives SIGKILL in the middle of a backfill: the restarted run equals a clean run", async () => {
    const dbPath = join(tmp.dir, "crash.sqlite");
    const deploymentFile = join(tmp.dir, "deployment.json");
    writeFileSync(deploymentFile, JSON.stringify(d));
    // A slow RPC keeps the backfill long enough to be interrupted.
    const slow = await startFlakyProxy({ upstream: node.url, minDelayMs: 15 });
    const env = (rpc: string) => ({
      ...process.env,
      AMP_RPC_URL: rpc,
      AMP_CHAIN_ID: "31337",
      AMP_DEPLOYMENT_FILE: deploymentFile,
      AMP_DB_PATH: dbPath,
      AMP_PORT: "0",
      AMP_BATCH_BLOCKS: "1",
      AMP_FINALITY_DEPTH: "4",
      AMP_POLL_INTERVAL_MS: "50",
    });
    const spawnIndexer = (rpc: string): ChildProcess =>
      spawn(process.execPath, ["--import", "tsx", join(ROOT, "indexer", "src", "main.ts")], {
        cwd: ROOT,
        env: env(rpc),
        stdio: ["ignore", "ignore", "pipe"],
      });
    const checkpoint = (): number => {
      if (!existsSync(dbPath)) return -1;
      try {
        const db = new Database(dbPath, { readonly: true, fileMustExist: true });
        try {
          return (
            (db.prepare("SELECT block_number FROM checkpoint").pluck().get() as number | undefined) ?? -1
          );
        } finally {
          db.close();
        }
      } catch {
        return -1;
      }
    };
    const waitFor = async (done: () => boolean, ms: number) => {
      const deadline = Date.now() + ms;
      while (!done()) {
        if (Date.now() > deadline) throw new Error("timed out");
        await new Promise((r) => setTimeout(r, 10));
      }
    };

    const first = spawnIndexer(slow.url);
    const exited = new Promise((r) => first.once("exit", r));
    const midway = d.startBlock + Math.floor((head - d.startBlock) / 3);
    await waitFor(() => checkpoint() >= midway, 60_000);
    first.kill("SIGKILL");
    await exited;
    const killedAt = checkpoint();
    expect(killedAt).toBeGreaterThan(d.startBlock);
    expect(killedAt).toBeLessThan(head);
    await slow.close();

    const second = spawnIndexer(node.url);
    const stopped = new Promise<number | null>((r) => second.once("exit", (code) => r(code)));
    await waitFor(() => checkpoint() === head, 60_000);
    second.kill("SIGTERM");
    expect(await stopped).toBe(0);

    const db = openDb(dbPath);
    expect(dumpState(db)).toEqual(reference);
    db.close();
  });

  it("catches up through an RPC that drops, fails and delays requests, with identical results", async () => {
    const proxy = await startFlakyProxy({
      upstream: node.url,
      seed: 7,
      dropRate: 0.1,
      errorRate: 0.1,
      delayRate: 0.2,
      maxDelayMs: 40,
    });
    const flaky = testIndexer(proxy.url, d, join(tmp.dir, "flaky.sqlite"), {
      batchBlocks: 3,
      rpcRetries: 20,
      rpcRetryBaseMs: 2,
      rpcTimeoutMs: 2000,
    });
    await catchUp(flaky);
    expect(dumpState(flaky.db)).toEqual(reference);
    expect(proxy.stats.dropped + proxy.stats.failed).toBeGreaterThan(0);
    await flaky.stop();
    await proxy.close();
  });

  it("narrows its eth_getLogs span when the RPC refuses wide ranges", async () => {
    const proxy = await startFlakyProxy({ upstream: node.url, maxLogRange: 2 });
    const narrow = testIndexer(proxy.url, d, join(tmp.dir, "narrow.sqlite"), {
      batchBlocks: 16,
      finalityDepth: 4,
    });
    await catchUp(narrow);
    expect(dumpState(narrow.db)).toEqual(reference);
    expect(proxy.stats.refused).toBeGreaterThan(0);
    await narrow.stop();
    await proxy.close();
  });
});
