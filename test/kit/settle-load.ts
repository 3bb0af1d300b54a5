/**
 * A settlement under load: a Hardhat chain with a community, posts and an
 * amplification campaign, an indexer database whose engagement log holds
 * `entries` messages (policies, follows, organic views, likes, comments and
 * shares from thousands of accounts, and paid views that match impressions
 * the local impression key signed), the GraphQL API over that database on
 * real HTTP, and a probe that keeps querying it. `settle()` runs one epoch of
 * the settlement job while the probe runs, and reports the worst event-loop
 * gap and the slowest probe answer. Shared by the settlement test and the
 * benchmark.
 */
import { request, type Server } from "node:http";
import { type Address, encodeFunctionData, type PublicClient, parseEther } from "viem";
import { createImpressionIssuer, impressionKey } from "#indexer/engagement/impressions.ts";
import { createSettlementJob, type SettlementJob, type SettleOutcome } from "#indexer/settlement/job.ts";
import { type Db, openDb } from "#indexer/store/db.ts";
import type { NewLogEntry } from "#indexer/store/engine/engagement-store.ts";
import type { AmpDeployment } from "#protocol";
import {
  ampEscrowAbi,
  ampSocialAbi,
  ampTokenAbi,
  canonicalMessage,
  type MessageKind,
  PolicyMode,
} from "#protocol";
import { storeApi } from "./api.ts";
import { deploy, type HardhatNode, ROLE_WALLET, send, startHardhat, type Wallet } from "./hardhat.ts";
import { tempDir } from "./helpers.ts";
import { blockMonitor, serve } from "./hostile.ts";
import { engagementStore } from "./stores.ts";

const POSTS = 24;
const PAID_VIEWERS = 200;
const PROBE = JSON.stringify({ query: "{ posts(first: 5) { edges { node { id likes views } } } }" });

export interface SettleMeasure {
  outcome: SettleOutcome;
  /** Worst gap of a 1 ms timer on the API's event loop during the run, in ms (wall clock). */
  maxBlockMs: number;
  /**
   * Most CPU time the event loop's thread spent between two ticks of that timer, in ms: how long
   * the loop was held, without the time the machine gave to other processes.
   */
  maxBusyCpuMs: number;
  /** Slowest probe query answered over HTTP during the run, in ms. */
  maxProbeMs: number;
  /** Median probe answer, in ms. */
  medianProbeMs: number;
  probes: number;
  seconds: number;
}

export interface SettleLoad {
  db: Db;
  url: string;
  /** Log entries stored so far. */
  entries(): number;
  /** Appends `n` more engagement messages (unsigned: settlement does not check signatures). */
  append(n: number): Promise<void>;
  /** Runs `run` (default: the settlement job's next epoch) while the probe queries the API. */
  settle(run?: () => Promise<SettleOutcome>): Promise<SettleMeasure>;
  job: SettlementJob;
  node: HardhatNode;
  deployment: AmpDeployment;
  close(): Promise<void>;
}

/** The most CPU time this thread used between two ticks of a 1 ms timer since it started. */
function busyMonitor() {
  const cpu = () => {
    const u = process.threadCpuUsage();
    return (u.user + u.system) / 1000;
  };
  let last = cpu();
  let worst = 0;
  const timer = setInterval(() => {
    const now = cpu();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  return {
    read: () => Math.max(worst, cpu() - last),
    stop: () => clearInterval(timer),
  };
}

/** One probe query on a connection of its own (no keep-alive race with the server's idle timeout). */
function probeOnce(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", agent: false, headers: { "content-type": "application/json" } },
      (res) => {
        res.resume();
        res.on("end", () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`probe: HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(PROBE);
  });
}

/** A deterministic stream of numbers in [0, 1). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function settleLoad(options: { entries: number; accounts?: number }): Promise<SettleLoad> {
  const tmp = tempDir("amp-settle-load-");
  const node = await startHardhat();
  let server: Server | null = null;
  let db: Db | null = null;
  try {
    const d = await deploy(node, 60);
    const w = node.wallets;
    const write = (wallet: number, address: Address, abi: unknown, functionName: string, args: unknown[]) =>
      send(
        node,
        (w[wallet] as Wallet).writeContract({
          address,
          abi: abi as never,
          functionName: functionName as never,
          args: args as never,
        }),
      );
    const social = d.contracts.AMPSocial;
    await write(0, social, ampSocialAbi, "createCommunity", ["Makers", "things people make"]);
    for (let p = 0; p < POSTS; p++) {
      await write(1 + (p % 4), social, ampSocialAbi, "publish", [
        1n,
        ["craft"],
        `post ${p}`,
        `0x${"0".repeat(64)}`,
        "",
      ]);
    }
    const promoter = w[3] as Wallet;
    await write(0, d.contracts.AMPToken, ampTokenAbi, "mint", [promoter.account.address, parseEther("1000")]);
    await write(3, d.contracts.AMPToken, ampTokenAbi, "approve", [d.contracts.AMPEscrow, parseEther("1000")]);
    await write(3, d.contracts.AMPEscrow, ampEscrowAbi, "amplify", [1n, parseEther("500"), 86_400n]);

    const accounts = Array.from(
      { length: options.accounts ?? 4000 },
      (_, i) => `0x${(0x1000 + i).toString(16).padStart(40, "a")}` as Address,
    );
    // The paid viewers are authors too (one post each), so the community's attention gives them standing.
    const viewers = accounts.slice(0, PAID_VIEWERS);
    const publish = encodeFunctionData({
      abi: ampSocialAbi,
      functionName: "publish",
      args: [1n, ["craft"], "a post", `0x${"0".repeat(64)}`, ""],
    });
    await node.rpc("evm_setAutomine", [false]);
    try {
      for (const [i, viewer] of viewers.entries()) {
        await node.rpc("hardhat_impersonateAccount", [viewer]);
        await node.rpc("hardhat_setBalance", [viewer, "0x56bc75e2d63100000"]);
        await node.rpc("eth_sendTransaction", [{ from: viewer, to: social, data: publish, gas: "0x30d40" }]);
        if (i % 50 === 49) await node.rpc("evm_mine");
      }
      await node.rpc("evm_mine");
    } finally {
      await node.rpc("evm_setAutomine", [true]);
    }
    const posts = POSTS + viewers.length;

    const dbPath = `${tmp.dir}/indexer.sqlite`;
    db = openDb(dbPath);
    const store = engagementStore(db);
    const t0 = Number((await node.publicClient.getBlock()).timestamp);
    // An hour into the campaign: the escrow lets a settlement spend what that hour earned. (Before
    // the log is filled, which holds the event loop long enough for the node to drop idle sockets.)
    await node.rpc("evm_increaseTime", [3600]);
    await node.rpc("evm_mine");
    const founder = w[0]?.account.address.toLowerCase() as Address;
    const random = rng(7);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
    let nonce = 1n;
    const entry = <K extends MessageKind>(kind: K, message: Record<string, unknown>): NewLogEntry => {
      const json = canonicalMessage(kind, { ...message, nonce: nonce++ } as never);
      return {
        kind,
        signer: message.account as string,
        message: JSON.parse(json),
        json,
        signature: "0x",
        receivedAt: t0,
      };
    };
    const organic = (): NewLogEntry => {
      const account = random() < 0.2 ? founder : pick(accounts);
      const postId = BigInt(1 + Math.floor(random() * posts));
      const timestamp = BigInt(t0 - Math.floor(random() * 3000));
      const r = random();
      if (r < 0.1) return entry("Follow", { account, target: pick(accounts), follow: true, timestamp });
      if (r < 0.6) return entry("View", { account, postId, dwellMs: 4000, campaignId: 0n, timestamp });
      if (r < 0.85) return entry("Like", { account, postId, timestamp });
      if (r < 0.95) return entry("Comment", { account, postId, text: "nice work", timestamp });
      return entry("Share", { account, postId, timestamp });
    };
    const append = async (n: number) => {
      for (let done = 0; done < n; done += 10_000) {
        const batch: NewLogEntry[] = [];
        for (let i = done; i < Math.min(n, done + 10_000); i++) batch.push(organic());
        await store.appendMany(batch);
      }
    };

    // Viewers who admit every promoter, served campaign 1 by the local impression key, then viewing it.
    await store.appendMany(
      viewers.map((account) =>
        entry("Policy", {
          account,
          mode: PolicyMode.Everyone,
          communities: [],
          topics: [],
          blockedPromoters: [],
          timestamp: BigInt(t0 - 3500),
        }),
      ),
    );
    await append(Math.max(0, options.entries - 3 * PAID_VIEWERS));
    const issuer = createImpressionIssuer({
      store,
      key: impressionKey(undefined, 31337) as `0x${string}`,
      chainId: 31337,
      verifyingContract: social,
    });
    const policySeq = db.prepare("SELECT seq FROM policies WHERE account = ?").pluck();
    for (const viewer of viewers) {
      await issuer.issue(
        {
          viewer,
          campaignId: 1n,
          postId: 1n,
          price: parseEther("0.5"),
          policySeq: BigInt(policySeq.get(viewer) as number),
          expiresAt: BigInt(t0 + 3600),
          timestamp: BigInt(t0),
        },
        t0,
      );
    }
    await store.appendMany(
      viewers.map((account) =>
        entry("View", { account, postId: 1n, dwellMs: 5000, campaignId: 1n, timestamp: BigInt(t0 + 10) }),
      ),
    );

    const served = await serve(storeApi(db));
    server = served.server;
    const { url } = served;
    const job = createSettlementJob({
      db,
      publicClient: node.publicClient as PublicClient,
      walletClient: w[ROLE_WALLET.settler] as Wallet,
      escrow: d.contracts.AMPEscrow,
      social,
      startBlock: BigInt(d.startBlock),
      exportDir: `${tmp.dir}/epochs`,
      // Every run settles (the appended entries need not spend): the load measures the computation.
      settleEmpty: true,
    });
    const openDbRef = db;

    async function settle(run: () => Promise<SettleOutcome> = () => job.runOnce()): Promise<SettleMeasure> {
      const monitor = blockMonitor();
      const busy = busyMonitor();
      const answers: number[] = [];
      let done = false;
      const probe = (async () => {
        while (!done) {
          const t = performance.now();
          await probeOnce(url);
          answers.push(performance.now() - t);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();
      const started = performance.now();
      monitor.start();
      try {
        const outcome = await run();
        const maxBlockMs = monitor.read();
        const maxBusyCpuMs = busy.read();
        done = true;
        await probe;
        const sorted = [...answers].sort((a, b) => a - b);
        return {
          outcome,
          maxBlockMs,
          maxBusyCpuMs,
          maxProbeMs: sorted.at(-1) ?? 0,
          medianProbeMs: sorted[Math.floor(sorted.length / 2)] ?? 0,
          probes: sorted.length,
          seconds: (performance.now() - started) / 1000,
        };
      } finally {
        done = true;
        monitor.stop();
        busy.stop();
        await probe;
      }
    }

    return {
      db: openDbRef,
      url,
      entries: () => openDbRef.prepare("SELECT COUNT(*) FROM engagement_log").pluck().get() as number,
      append,
      settle,
      job,
      node,
      deployment: d,
      async close() {
        await job.stop();
        if (server) {
          const s = server;
          s.closeAllConnections();
          await new Promise<void>((resolve) => s.close(() => resolve()));
        }
        openDbRef.close();
        await node.stop();
        tmp.cleanup();
      },
    };
  } catch (error) {
    db?.close();
    await node.stop();
    tmp.cleanup();
    throw error;
  }
}
