/**
 * Public verification against the settler's own work (issue 16): the
 * 100,000-account / 1,000,000-message world of the epoch and stream benches
 * (10 communities with founders and moderators, 200,000 posts over 60 days,
 * policies, follows, organic engagement, and a last day of bought views of
 * 200 funded campaigns, each after the impression served to its viewer), made
 * real: every account a key, every message signed by it (impressions by the
 * local impression key), every post, community, moderator and campaign on a
 * Hardhat node. The indexer follows that chain and holds the log; the
 * settlement job settles one epoch over the whole log on chain, and its own
 * compute time for that epoch is the sum of its phases (export the log, read
 * the chain facts, compute the epoch, store the payouts). The indexer then
 * serves it (GraphQL and /epochs/1/* on 127.0.0.1), and `npm run verify-epoch
 * -- --graphql URL --rpc URL --epoch 1` runs as its own process, with only the
 * two URLs: wall time from start to exit. `verifyVsSettleRatio` = verify wall
 * time / settler compute time (target <= 2).
 *
 * `VERIFY_BENCH_SCALE` (default 1) scales accounts, posts and messages for a
 * quick run; `VERIFY_BENCH_CPU_PROF=<dir>` writes the verifier's CPU profile.
 */
import { spawn } from "node:child_process";
import { request } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { type Address, bytesToHex, encodeFunctionData, type Hex, hexToBytes, type PublicClient } from "viem";
import type { AmpDeployment, MessageByKind, MessageKind } from "#protocol";
import {
  ampEscrowAbi,
  ampSocialAbi,
  ampTokenAbi,
  canonicalMessage,
  engagementDomain,
  PolicyMode,
} from "#protocol";
import { reportBench } from "#test-kit/bench.ts";
import { deploy, type HardhatNode, ROLE_WALLET, startHardhat, type Wallet } from "#test-kit/hardhat.ts";
import { tempDir } from "#test-kit/helpers.ts";
import { catchUp, testIndexer } from "#test-kit/indexer.ts";
import { captureLogs } from "#test-kit/logs.ts";
import { engagementStore } from "#test-kit/stores.ts";
import { rng } from "../src/attention/fixtures.ts";
import { DEV_IMPRESSION_ISSUER, impressionKey } from "../src/engagement/impressions.ts";
import { createEngagementHasher } from "../src/engagement/typed-hash.ts";
import type { Indexer } from "../src/main.ts";
import { createSettlementJob } from "../src/settlement/job.ts";
import type { NewLogEntry } from "../src/store/engine/engagement-store.ts";

const SCALE = Number(process.env.VERIFY_BENCH_SCALE ?? 1);
const ACCOUNTS = Math.round(100_000 * SCALE);
const MESSAGES = Math.round(1_000_000 * SCALE);
const POSTS = Math.round(200_000 * SCALE);
const COMMUNITIES = 10;
const CAMPAIGNS = Math.max(10, Math.round(200 * Math.min(1, SCALE * 10)));
const POLICIES = ACCOUNTS / 2;
const FOLLOWS = Math.round(50_000 * SCALE);
const SEED_LIKES = 400;
/** The last day's entries (organic and bought views), the rest is the 60 days before. */
const EPOCH_MESSAGES = Math.round(200_000 * SCALE);
/** Publish transactions per mined block (each about 100k gas, under the block gas limit). */
const POSTS_PER_BLOCK = 250;
const DAY = 86_400;
const HOUR = 3600;
const ROOT = join(import.meta.dirname, "..", "..");

interface NativeSecp256k1 {
  publicKeyCreate(secret: Uint8Array, compressed: boolean): Uint8Array;
  ecdsaSign(digest: Uint8Array, secret: Uint8Array): { signature: Uint8Array; recid: number };
}
const secp = createRequire(import.meta.url)("secp256k1/bindings") as NativeSecp256k1;

const r = rng(16);
const pick = (n: number) => Math.floor(r() * n);
const skewed = (n: number) => Math.floor(r() * r() * n);

// Every account is a key: the verifier recovers each signature to its account.
const t = performance.now();
const keys: Uint8Array[] = [];
const accounts: Address[] = [];
for (let i = 0; i < ACCOUNTS; i++) {
  const key = keccak_256(new TextEncoder().encode(`amp verify bench account ${i}`));
  keys.push(key);
  accounts.push(bytesToHex(keccak_256(secp.publicKeyCreate(key, false).subarray(1)).subarray(12)) as Address);
}
const account = (i: number) => accounts[i] as Address;
console.log(`${ACCOUNTS} account keys in ${((performance.now() - t) / 1000).toFixed(1)} s`);

/**
 * POSTs a JSON-RPC body on a connection of its own: no keep-alive race with the node closing an
 * idle socket while a long batch is being built (a resent transaction would publish twice).
 */
function post(url: string, body: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", agent: false, headers: { "content-type": "application/json" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () => {
          try {
            resolve(JSON.parse(text));
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** One JSON-RPC call. */
async function rpc(node: HardhatNode, method: string, params: unknown[] = []): Promise<unknown> {
  const out = (await post(node.url, JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }))) as {
    result?: unknown;
    error?: { message: string };
  };
  if (out.error) throw new Error(`${method}: ${out.error.message}`);
  return out.result;
}

/** JSON-RPC batch: every call must succeed. */
async function rpcBatch(
  node: HardhatNode,
  calls: { method: string; params: unknown[] }[],
): Promise<unknown[]> {
  const out = (await post(
    node.url,
    JSON.stringify(calls.map((c, id) => ({ jsonrpc: "2.0", id, ...c }))),
  )) as { id: number; result?: unknown; error?: { message: string } }[];
  const failed = out.find((o) => o.error);
  if (failed) throw new Error(`rpc batch: ${failed.error?.message}`);
  return out.sort((a, b) => a.id - b.id).map((o) => o.result);
}

const tx = (from: Address, to: Address, data: Hex) => ({
  method: "eth_sendTransaction",
  params: [{ from, to, data, gas: "0x7a120" }],
});

/** Lets the node send transactions from these accounts (impersonated, funded for gas). */
async function impersonate(node: HardhatNode, who: Iterable<Address>) {
  let calls: { method: string; params: unknown[] }[] = [];
  for (const a of who) {
    calls.push({ method: "hardhat_impersonateAccount", params: [a] });
    calls.push({ method: "hardhat_setBalance", params: [a, "0x56bc75e2d63100000"] });
    if (calls.length >= 2000) {
      await rpcBatch(node, calls);
      calls = [];
    }
  }
  if (calls.length) await rpcBatch(node, calls);
}

/** Mines `calls` in blocks of `perBlock`, the n-th block stamped `stamp(n)`. */
async function mineAll(
  node: HardhatNode,
  calls: { method: string; params: unknown[] }[],
  perBlock: number,
  stamp?: (block: number) => number,
) {
  await rpc(node, "evm_setAutomine", [false]);
  try {
    for (let i = 0, b = 0; i < calls.length; i += perBlock, b++) {
      await rpcBatch(node, calls.slice(i, i + perBlock));
      if (stamp) await rpc(node, "evm_setNextBlockTimestamp", [stamp(b)]);
      await rpc(node, "evm_mine");
      const pending = (await rpc(node, "eth_getBlockByNumber", ["pending", false])) as {
        transactions: unknown[];
      } | null;
      if (pending && pending.transactions.length > 0)
        throw new Error(`block ${b}: ${pending.transactions.length} transactions left unmined`);
    }
  } finally {
    await rpc(node, "evm_setAutomine", [true]);
  }
}

interface World {
  node: HardhatNode;
  d: AmpDeployment;
  /** Chain time of the first post; the log's last day ends at T0 + 61 days. */
  t0: number;
  campaignPost: number[];
}

async function buildChain(): Promise<World> {
  const node = await startHardhat();
  const d = await deploy(node, 60);
  const social = d.contracts.AMPSocial;
  const t0 = Number((await node.publicClient.getBlock()).timestamp) + 10;
  const founders = Array.from({ length: COMMUNITIES }, (_, c) => account(c));
  const moderators = Array.from({ length: COMMUNITIES }, (_, c) => account(COMMUNITIES + c));
  const authors = Array.from({ length: POSTS }, () => account(skewed(ACCOUNTS)));
  await impersonate(node, new Set([...founders, ...authors]));
  const setup: { method: string; params: unknown[] }[] = [];
  for (let c = 0; c < COMMUNITIES; c++) {
    const founder = founders[c] as Address;
    setup.push(
      tx(
        founder,
        social,
        encodeFunctionData({
          abi: ampSocialAbi,
          functionName: "createCommunity",
          args: [`c${c + 1}`, "bench"],
        }),
      ),
    );
  }
  await mineAll(node, setup, COMMUNITIES, () => t0 - 2);
  await mineAll(
    node,
    moderators.map((m, c) =>
      tx(
        founders[c] as Address,
        social,
        encodeFunctionData({ abi: ampSocialAbi, functionName: "addModerator", args: [BigInt(c + 1), m] }),
      ),
    ),
    COMMUNITIES,
    () => t0 - 1,
  );
  // Posts spread over 60 days: newer ids are newer posts.
  const blocks = Math.ceil(POSTS / POSTS_PER_BLOCK);
  const started = performance.now();
  await mineAll(
    node,
    authors.map((author, i) =>
      tx(
        author,
        social,
        encodeFunctionData({
          abi: ampSocialAbi,
          functionName: "publish",
          args: [
            BigInt(1 + ((i + 1) % COMMUNITIES)),
            [`t${(i + 1) % 40}`],
            `post ${i + 1}: a short text of the kind people write, with a few more words to be realistic`,
            `0x${"0".repeat(64)}`,
            "",
          ],
        }),
      ),
    ),
    POSTS_PER_BLOCK,
    (b) => t0 + Math.floor((b / blocks) * (60 * DAY - HOUR)),
  );
  console.log(`${POSTS} posts in ${blocks} blocks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // Funded campaigns opened on the last day, mostly on recent posts (where the stream looks).
  const [admin, promoter] = [node.wallets[0], node.wallets[3]].map((w) => (w as Wallet).account.address);
  const campaignPost: number[] = [];
  const budgets: bigint[] = [];
  for (let c = 0; c < CAMPAIGNS; c++) {
    campaignPost.push(c % 2 === 0 ? POSTS - pick(Math.min(2000, POSTS)) : 1 + pick(POSTS));
    budgets.push(10n ** 21n * BigInt(1 + pick(50)));
  }
  const total = budgets.reduce((a, b) => a + b, 0n);
  const escrow = d.contracts.AMPEscrow;
  await mineAll(
    node,
    [
      tx(
        admin as Address,
        d.contracts.AMPToken,
        encodeFunctionData({ abi: ampTokenAbi, functionName: "mint", args: [promoter as Address, total] }),
      ),
      tx(
        promoter as Address,
        d.contracts.AMPToken,
        encodeFunctionData({ abi: ampTokenAbi, functionName: "approve", args: [escrow, total] }),
      ),
      ...campaignPost.map((postId, c) =>
        tx(
          promoter as Address,
          escrow,
          encodeFunctionData({
            abi: ampEscrowAbi,
            functionName: "amplify",
            args: [BigInt(postId), budgets[c] as bigint, BigInt(30 * DAY)],
          }),
        ),
      ),
    ],
    CAMPAIGNS + 2,
    () => t0 + 60 * DAY,
  );
  // The epoch's day has passed on chain.
  await rpc(node, "evm_setNextBlockTimestamp", [t0 + 61 * DAY]);
  await rpc(node, "evm_mine");
  return { node, d, t0, campaignPost };
}

/** Writes the signed log into the indexer's store; returns its size. */
async function writeLog(indexer: Indexer, world: World): Promise<number> {
  const { t0, campaignPost } = world;
  const social = world.d.contracts.AMPSocial;
  const hash = createEngagementHasher(engagementDomain(31337, social));
  const issuerKey = hexToBytes(impressionKey(undefined, 31337) as Hex);
  const issuer = DEV_IMPRESSION_ISSUER.toLowerCase() as Address;
  const store = engagementStore(indexer.db);
  const postTime = (id: number) => t0 + Math.floor(((id - 1) / POSTS) * (60 * DAY - HOUR));
  let batch: NewLogEntry[] = [];
  let count = 0;
  const line = async <K extends MessageKind>(
    kind: K,
    signer: number | "issuer",
    fields: Omit<MessageByKind[K], "timestamp" | "nonce" | "account">,
    timestamp: number,
  ) => {
    const who = signer === "issuer" ? issuer : account(signer);
    const message = {
      account: who,
      ...fields,
      timestamp: BigInt(timestamp),
      nonce: BigInt(++count),
    } as MessageByKind[K];
    const json = canonicalMessage(kind, message);
    const { signature, recid } = secp.ecdsaSign(
      hash(kind, message),
      signer === "issuer" ? issuerKey : (keys[signer] as Uint8Array),
    );
    batch.push({
      kind,
      signer: who,
      message: JSON.parse(json),
      json,
      signature: `${bytesToHex(signature)}${(27 + recid).toString(16)}`,
      receivedAt: timestamp,
    });
    if (batch.length === 10_000) {
      await store.appendMany(batch);
      batch = [];
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
    const mode = modes[i % modes.length] as PolicyMode;
    await line(
      "Policy",
      i * 2,
      {
        mode,
        communities: mode === PolicyMode.Communities ? [BigInt(1 + (i % COMMUNITIES))] : [],
        topics: mode === PolicyMode.Topics ? [`t${i % 40}`] : [],
        blockedPromoters: [],
      },
      t0,
    );
  }
  for (let i = 0; i < FOLLOWS; i++) {
    const from = pick(ACCOUNTS);
    const to = skewed(ACCOUNTS);
    await line("Follow", from, { target: account(to), follow: true }, t0 + pick(60 * DAY));
    // A fifth of follows are returned: mutual follows are friends.
    if (i % 5 === 0) await line("Follow", to, { target: account(from), follow: true }, t0 + pick(60 * DAY));
  }
  // Founders and moderators are active members of their communities.
  for (let c = 0; c < COMMUNITIES; c++) {
    for (const who of [c, COMMUNITIES + c]) {
      for (let k = 0; k < SEED_LIKES / 2; k++) {
        const postId = Math.min(POSTS, 1 + c + COMMUNITIES * pick(POSTS / COMMUNITIES));
        await line("Like", who, { postId: BigInt(postId) }, postTime(postId) + pick(DAY));
      }
    }
  }
  const kinds = ["View", "View", "View", "Like", "Like", "Comment", "Share"] as const;
  const organic = async (from: number, to: number) => {
    // Skewed towards popular and recent posts; engagement follows publication.
    const postId = POSTS - skewed(POSTS);
    const at = Math.max(from, Math.min(to - 1, postTime(postId) + pick(3 * DAY)));
    const kind = kinds[pick(kinds.length)] ?? "View";
    const who = pick(ACCOUNTS);
    const post = { postId: BigInt(postId) };
    if (kind === "View") await line("View", who, { ...post, dwellMs: 1000 + pick(9000), campaignId: 0n }, at);
    else if (kind === "Comment") await line("Comment", who, { ...post, text: "great post" }, at);
    else await line(kind, who, post, at);
  };
  const dayStart = t0 + 60 * DAY;
  const dayEnd = t0 + 61 * DAY;
  while (count < MESSAGES - EPOCH_MESSAGES) await organic(t0, dayStart);
  while (count < MESSAGES) {
    if (r() < 0.5) {
      await organic(dayStart + pick(DAY - HOUR), dayEnd);
      continue;
    }
    // A bought view of an amplified post, after the impression the indexer served its viewer (its
    // policySeq: the viewer's Policy entry, among the log's first entries; modes[p % 5] is
    // Everyone for p % 5 in {0, 1}).
    const c = pick(CAMPAIGNS);
    const postId = BigInt(campaignPost[c] as number);
    const p = 5 * skewed(POLICIES / 5) + pick(2);
    const at = dayStart + 60 + pick(DAY - 2 * HOUR);
    await line(
      "Impression",
      "issuer",
      {
        viewer: account(p * 2),
        campaignId: BigInt(c + 1),
        postId,
        // A small bid: the campaigns stay behind their pacing line and keep competing for slots.
        price: 10n ** 16n,
        policySeq: BigInt(p + 1),
        expiresAt: BigInt(at - 30 + HOUR),
      },
      at - 30,
    );
    await line("View", p * 2, { postId, dwellMs: 2000 + pick(8000), campaignId: BigInt(c + 1) }, at);
  }
  if (batch.length) await store.appendMany(batch);
  return count;
}

/** `npm run verify-epoch` as a stranger runs it: its own process, the two URLs only. */
function verifyEpoch(graphql: string, rpc: string): Promise<{ seconds: number; stdout: string }> {
  const prof = process.env.VERIFY_BENCH_CPU_PROF;
  const args = [
    ...(prof ? ["--cpu-prof", "--cpu-prof-dir", prof] : []),
    "--import",
    import.meta.resolve("tsx"),
    join(ROOT, "scripts", "verify-epoch.ts"),
    "--graphql",
    graphql,
    "--rpc",
    rpc,
    "--epoch",
    "1",
  ];
  const verifier = tempDir("amp-verify-bench-stranger-");
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // A fresh folder: nothing of the indexer's files is at hand (tsx resolves from the repository).
    const child = spawn(process.execPath, args, { cwd: verifier.dir, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += String(d);
    });
    child.stderr.on("data", (d) => {
      stderr += String(d);
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      const seconds = (performance.now() - started) / 1000;
      verifier.cleanup();
      if (code !== 0) reject(new Error(`verify-epoch exited with ${code}: ${stdout}${stderr}`));
      else resolve({ seconds, stdout });
    });
  });
}

const SETTLER_PHASES = ["export log", "read chain facts", "compute epoch", "store payouts"];

const tmp = tempDir("amp-verify-bench-");
let world: World | undefined;
let indexer: Indexer | undefined;
try {
  let mark = performance.now();
  world = await buildChain();
  const { node, d } = world;
  console.log(`chain ready in ${((performance.now() - mark) / 1000).toFixed(1)} s`);
  // The test indexer's 16-block batches: 4,000 posts per eth_getLogs answer at most.
  indexer = testIndexer(node.url, d, join(tmp.dir, "indexer.sqlite"), { host: "127.0.0.1" });
  const { url } = await indexer.start({ follow: false });
  if (!url) throw new Error("the indexer serves no HTTP");
  mark = performance.now();
  await catchUp(indexer);
  console.log(`indexed the chain in ${((performance.now() - mark) / 1000).toFixed(1)} s`);
  mark = performance.now();
  const entries = await writeLog(indexer, world);
  console.log(`${entries} signed log entries in ${((performance.now() - mark) / 1000).toFixed(1)} s`);

  const logs = captureLogs();
  const job = createSettlementJob({
    db: indexer.db,
    publicClient: node.publicClient as PublicClient,
    walletClient: node.wallets[ROLE_WALLET.settler] as Wallet,
    escrow: d.contracts.AMPEscrow,
    social: d.contracts.AMPSocial,
    startBlock: BigInt(d.startBlock),
    logger: logs.logger,
  });
  (globalThis as { gc?: () => void }).gc?.();
  mark = performance.now();
  const outcome = await job.runOnce();
  const settleRunSeconds = (performance.now() - mark) / 1000;
  await job.stop();
  if (outcome.status !== "settled") throw new Error(`the epoch did not settle: ${outcome.status}`);
  const phases = new Map<string, number>();
  for (const l of logs.lines())
    if (typeof l.phase === "string" && typeof l.ms === "number") phases.set(l.phase, l.ms);
  for (const p of SETTLER_PHASES) if (!phases.has(p)) throw new Error(`the settler logged no "${p}" phase`);
  const settleSeconds = SETTLER_PHASES.reduce((s, p) => s + (phases.get(p) as number), 0) / 1000;
  console.log(
    `settled epoch 1 (${outcome.accounts} accounts, ${outcome.totalSpent} wei spent): compute ${settleSeconds.toFixed(1)} s (${[...phases].map(([p, ms]) => `${p} ${ms} ms`).join(", ")}), whole run ${settleRunSeconds.toFixed(1)} s`,
  );
  if (outcome.totalSpent === 0n) throw new Error("the epoch spent nothing: the bought views were not paid");
  await catchUp(indexer);

  (globalThis as { gc?: () => void }).gc?.();
  const verified = await verifyEpoch(url, node.url);
  console.log(`verify-epoch: ${verified.stdout.trim()} in ${verified.seconds.toFixed(1)} s`);
  if (!/^epoch 1: OK root /m.test(verified.stdout))
    throw new Error(`epoch 1 did not verify: ${verified.stdout}`);
  if (!verified.stdout.includes(outcome.root)) throw new Error("the verifier recomputed another root");

  const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
  reportBench("verify", import.meta.filename, {
    verifyVsSettleRatio: { value: round(verified.seconds / settleSeconds), unit: "x", target: "<= 2" },
    verifySeconds: { value: round(verified.seconds), unit: "s", baseline: round(settleSeconds) },
    settleComputeSeconds: { value: round(settleSeconds), unit: "s" },
    settleRunSeconds: { value: round(settleRunSeconds), unit: "s" },
    ...Object.fromEntries(
      SETTLER_PHASES.map((p) => [
        `settle ${p} s`,
        { value: round((phases.get(p) as number) / 1000), unit: "s" },
      ]),
    ),
    "log entries": { value: entries, unit: "entries" },
    "accounts paid (leaves)": { value: outcome.accounts, unit: "accounts" },
  });
} finally {
  await indexer?.stop();
  await world?.node.stop();
  tmp.cleanup();
}
