/**
 * A world for sync benchmarks, generated on a real Hardhat node: communities,
 * posts, mints and token transfers, amplification campaigns with top-ups,
 * settled epochs whose spends hit every campaign, and batched claims against
 * the last epoch's Merkle root. Automine is off: transactions go out as
 * JSON-RPC batches of eth_sendTransaction from the node's unlocked accounts
 * (the settler impersonated) and are mined many to a block. The chain then
 * idles for `idleBlocks` empty blocks.
 */
import { request } from "node:http";
import { type Address, encodeFunctionData, type Hex, keccak256, parseEther, toHex, zeroHash } from "viem";
import { DEFAULT_PARAMS } from "#indexer/attention/params.ts";
import { encodeManifest, manifestHex, manifestOf } from "#indexer/settlement/manifest.ts";
import { buildMerkle } from "#indexer/settlement/merkle.ts";
import type { AmpDeployment } from "#protocol";
import { ampEscrowAbi, ampSocialAbi, ampTokenAbi } from "#protocol";
import { MAX_SPENDS_PER_EPOCH } from "#protocol/deploy.ts";
import type { HardhatNode } from "#test-kit/hardhat.ts";

export interface WorldSize {
  communities: number;
  posts: number;
  mints: number;
  transfers: number;
  campaigns: number;
  topUps: number;
  /** Settled epochs, each spending from MAX_SPENDS_PER_EPOCH campaigns. */
  epochs: number;
  claims: number;
  /** Empty blocks mined after the last event (the chain idles at its head). */
  idleBlocks: number;
}

/** What the world holds once mined: the row counts an indexer must end with. */
export interface WorldCounts {
  communities: number;
  posts: number;
  campaigns: number;
  spends: number;
  epochs: number;
  claims: number;
  /** Transfer events: mints, transfers, escrow deposits (amplify, top-up), claim payouts, vault releases. */
  transfers: number;
  headBlock: number;
  transactions: number;
}

interface Tx {
  from: Address;
  to: Address;
  data: Hex;
  gas: Hex;
}

/** Transactions per JSON-RPC batch (and per mined block, as far as the block's gas allows). */
const PER_BATCH = 250;
const BUDGET = parseEther("10");
const TOP_UP = parseEther("1");
const SPEND = parseEther("0.01");
const CLAIM = parseEther("0.001");
const CLAIMS_PER_TX = 25;
const DAY = 86_400n;

/**
 * One JSON-RPC POST on a connection of its own: a kept-alive socket the node closes while idle
 * (building the next batch can take seconds) would fail a send the node may or may not have seen.
 */
function post<T>(url: string, body: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const options = { method: "POST", agent: false, headers: { "content-type": "application/json" } };
    const req = request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as T);
        } catch (error) {
          reject(error);
        }
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

const fresh = (i: number) => `0x${keccak256(toHex(`sync-world ${i}`)).slice(26)}` as Address;

export async function generateWorld(
  node: HardhatNode,
  d: AmpDeployment,
  size: WorldSize,
  log: (line: string) => void = () => undefined,
): Promise<WorldCounts> {
  let rpcId = 0;
  const rpc = async <T>(method: string, params: unknown[] = []): Promise<T> => {
    const out = await post<{ result?: T; error?: { message: string } }>(node.url, {
      jsonrpc: "2.0",
      id: ++rpcId,
      method,
      params,
    });
    if (out.error) throw new Error(`sync world: ${method}: ${out.error.message}`);
    return out.result as T;
  };
  const accounts = (await rpc<Address[]>("eth_accounts")).slice(0, 20);
  const [admin, ...users] = accounts as [Address, ...Address[]];
  const { AMPToken: token, AMPSocial: social, AMPEscrow: escrow } = d.contracts;
  const settler = d.roles.settler;
  // Transfers before the world (the deployment's mints and pool funding) count too.
  const transferTopic = keccak256(toHex("Transfer(address,address,uint256)"));
  const earlier = await rpc<unknown[]>("eth_getLogs", [
    { address: token, topics: [transferTopic], fromBlock: "0x0", toBlock: "latest" },
  ]);
  await rpc("hardhat_impersonateAccount", [settler]);
  await rpc("hardhat_setBalance", [settler, "0x56bc75e2d63100000"]);

  const tx = (from: Address, to: Address, data: Hex, gas = 300_000): Tx => ({
    from,
    to,
    data,
    gas: toHex(gas),
  });
  const social_ = (from: Address, functionName: string, args: unknown[]) =>
    tx(from, social, encodeFunctionData({ abi: ampSocialAbi, functionName, args } as never));
  const token_ = (from: Address, functionName: string, args: unknown[]) =>
    tx(from, token, encodeFunctionData({ abi: ampTokenAbi, functionName, args } as never));
  const escrow_ = (from: Address, functionName: string, args: unknown[], gas?: number) =>
    tx(from, escrow, encodeFunctionData({ abi: ampEscrowAbi, functionName, args } as never), gas);

  let transactions = 0;
  /** Sends `txs` in batches, mining after each until the pool is empty, and checks every receipt. */
  async function mine(txs: Tx[], perBatch = PER_BATCH): Promise<void> {
    for (let i = 0; i < txs.length; i += perBatch) {
      const batch = txs.slice(i, i + perBatch).map((params) => ({
        jsonrpc: "2.0",
        id: ++rpcId,
        method: "eth_sendTransaction",
        params: [params],
      }));
      const out = await post<Array<{ result?: Hex; error?: { message: string } }>>(node.url, batch);
      const failed = out.find((r) => r.error);
      if (failed) throw new Error(`sync world: send failed: ${failed.error?.message}`);
      const hashes = out.map((r) => r.result as Hex);
      for (;;) {
        await rpc("evm_mine");
        const pending = await rpc<{ transactions: Hex[] }>("eth_getBlockByNumber", ["pending", false]);
        if (pending.transactions.length === 0) break;
      }
      // Every transaction must have succeeded, or the world would hold fewer events than counted.
      const list = await post<Array<{ result?: { status: Hex } }>>(
        node.url,
        hashes.map((h) => ({
          jsonrpc: "2.0",
          id: ++rpcId,
          method: "eth_getTransactionReceipt",
          params: [h],
        })),
      );
      const bad = list.findIndex((r) => r.result?.status !== "0x1");
      if (bad >= 0) throw new Error(`sync world: transaction ${hashes[bad]} failed or is missing`);
      transactions += hashes.length;
    }
  }

  await rpc("evm_setAutomine", [false]);
  try {
    // Communities, and AMP for every promoter (each approves the escrow once).
    const setup: Tx[] = [];
    for (let c = 0; c < size.communities; c++) {
      setup.push(social_(users[c % users.length] as Address, "createCommunity", [`c${c}`, "sync world"]));
    }
    for (const user of users) setup.push(token_(admin, "mint", [user, parseEther("1000000")]));
    for (const user of users) setup.push(token_(user, "approve", [escrow, 2n ** 255n]));
    await mine(setup);
    log(`communities and promoters ready (${transactions} transactions)`);

    // Posts, mints to fresh accounts and transfers between holders, interleaved: each step takes
    // the kind furthest behind its share.
    const feed: Tx[] = [];
    const done = { posts: 0, mints: 0, transfers: 0 };
    const total = size.posts + size.mints + size.transfers;
    for (let i = 0; i < total; i++) {
      const user = users[i % users.length] as Address;
      const behind = (["posts", "mints", "transfers"] as const)
        .filter((k) => done[k] < size[k])
        .sort((a, b) => done[a] / size[a] - done[b] / size[b])[0];
      if (behind === "posts") {
        const n = done.posts++;
        feed.push(
          social_(user, "publish", [
            BigInt((n % size.communities) + 1),
            [`t${n % 50}`],
            `post ${n} on the sync world, about things that matter`,
            zeroHash,
            "",
          ]),
        );
      } else if (behind === "mints") {
        const n = done.mints++;
        feed.push(token_(admin, "mint", [fresh(n), parseEther(String(1 + (n % 100)))]));
      } else {
        const n = done.transfers++;
        const to = n % 3 === 0 ? (users[(i + 7) % users.length] as Address) : fresh(1_000_000 + n);
        feed.push(token_(user, "transfer", [to, parseEther("0.5")]));
      }
    }
    await mine(feed);
    log(`posts, mints and transfers mined (${transactions} transactions)`);

    // Campaigns over the posts, a day long (so a day's pacing slack makes the whole budget spendable).
    const campaigns: Tx[] = [];
    for (let c = 0; c < size.campaigns; c++) {
      campaigns.push(
        escrow_(users[c % users.length] as Address, "amplify", [BigInt((c % size.posts) + 1), BUDGET, DAY]),
      );
    }
    for (let u = 0; u < size.topUps; u++) {
      const c = (u * 7) % size.campaigns;
      campaigns.push(escrow_(users[c % users.length] as Address, "topUp", [BigInt(c + 1), TOP_UP]));
    }
    await mine(campaigns);
    log(`campaigns mined (${transactions} transactions)`);

    // Claimants and their cumulative amounts: one tree, the root of every epoch.
    const claimants = Array.from({ length: size.claims }, (_, i) => fresh(2_000_000 + i).toLowerCase());
    const tree = buildMerkle(claimants.map((a) => [a, CLAIM] as const));
    const block = await rpc<{ timestamp: Hex }>("eth_getBlockByNumber", ["latest", false]);
    const periodEnd = BigInt(block.timestamp);
    const settles: Tx[] = [];
    for (let e = 1; e <= size.epochs; e++) {
      const ids = Array.from({ length: Math.min(MAX_SPENDS_PER_EPOCH, size.campaigns) }, (_, i) =>
        BigInt((((e - 1) * MAX_SPENDS_PER_EPOCH + i) % size.campaigns) + 1),
      );
      const manifest = manifestHex(
        encodeManifest(
          manifestOf({
            epoch: e,
            periodEnd: Number(periodEnd),
            fromSeq: e,
            toSeq: e,
            exportHash: keccak256(toHex(`sync world export ${e}`)),
            factsBlock: Number(BigInt(block.timestamp)),
            params: DEFAULT_PARAMS,
          }),
        ),
      );
      settles.push(
        escrow_(
          settler,
          "settle",
          [BigInt(e), periodEnd, tree.root, manifest, ids, ids.map(() => SPEND)],
          14_000_000,
        ),
      );
    }
    await mine(settles, 2);
    log(`epochs settled (${transactions} transactions)`);

    // Past the challenge window: the last root is active and the claimants claim in batches.
    await rpc("evm_increaseTime", [Number(d.challengeWindow) + 1]);
    await rpc("evm_mine");
    const claims: Tx[] = [];
    for (let i = 0; i < claimants.length; i += CLAIMS_PER_TX) {
      const group = claimants.slice(i, i + CLAIMS_PER_TX) as Address[];
      claims.push(
        escrow_(
          users[(i / CLAIMS_PER_TX) % users.length] as Address,
          "claimBatch",
          [group, group.map(() => CLAIM), group.map((a) => tree.proofs.get(a) as Hex[])],
          3_000_000,
        ),
      );
    }
    await mine(claims);
    log(`claims mined (${transactions} transactions)`);
    // One evm_mine each (hardhat_mine's reserved blocks carry a zero parent hash and do not link).
    if (size.idleBlocks > 0) {
      await post(
        node.url,
        Array.from({ length: size.idleBlocks }, () => ({ jsonrpc: "2.0", id: ++rpcId, method: "evm_mine" })),
      );
    }
  } finally {
    await rpc("evm_setAutomine", [true]);
  }

  const head = Number(await rpc<Hex>("eth_blockNumber"));
  const spends = size.epochs * Math.min(MAX_SPENDS_PER_EPOCH, size.campaigns);
  // The vault releases what activated epochs spent to the escrow in one transfer each time the
  // activation cursor moves (on the claims above): as many as the chain says it moved.
  const vault = `0x${(
    await rpc<Hex>("eth_call", [
      { to: escrow, data: encodeFunctionData({ abi: ampEscrowAbi, functionName: "vault" }) },
      "latest",
    ])
  ).slice(-40)}`;
  const releases = (
    await rpc<unknown[]>("eth_getLogs", [
      {
        address: token,
        topics: [transferTopic, `0x${vault.slice(2).padStart(64, "0")}`],
        fromBlock: "0x0",
        toBlock: toHex(head),
      },
    ])
  ).length;
  return {
    communities: size.communities,
    posts: size.posts,
    campaigns: size.campaigns,
    spends,
    epochs: size.epochs,
    claims: size.claims,
    // Mints (to promoters and fresh accounts), transfers, escrow deposits, claim payouts and the
    // vault's releases to the escrow.
    transfers:
      earlier.length +
      releases +
      users.length +
      size.mints +
      size.transfers +
      size.campaigns +
      size.topUps +
      size.claims,
    headBlock: head,
    transactions,
  };
}
