/**
 * The API's chain time is a projection (latest indexed block time plus the wall time since it was
 * seen): on an idle Hardhat chain, where no block is mined until someone sends a transaction, an
 * epoch turns ACTIVE, the claim proof moves to it and a campaign stops being active when the next
 * block would say so, and the claim sent with that proof is accepted by the escrow.
 */
import { join } from "node:path";
import { type Address, type Hex, type PublicClient, parseEther } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AmpDeployment } from "#protocol";
import {
  ampEscrowAbi,
  ampSocialAbi,
  ampTokenAbi,
  canonicalMessage,
  type MessageByKind,
  type MessageKind,
  PolicyMode,
} from "#protocol";
import { deploy, type HardhatNode, ROLE_WALLET, send, startHardhat, type Wallet } from "#test-kit/hardhat.ts";
import { sign, tempDir } from "#test-kit/helpers.ts";
import { catchUp, gql, testIndexer } from "#test-kit/indexer.ts";
import { engagementStore } from "#test-kit/stores.ts";
import { createImpressionIssuer, impressionKey } from "../engagement/impressions.ts";
import type { Indexer } from "../main.ts";
import { createSettlementJob } from "../settlement/job.ts";
import { createProjectedChainTime } from "./chain-time.ts";

describe("createProjectedChainTime", () => {
  it("starts at the latest block, adds the wall time since it was seen, restarts at each new block", () => {
    let latest: number | null = null;
    let wall = 1_000_000;
    const clock = createProjectedChainTime({ latestBlockTime: () => latest }, () => wall);
    expect(clock()).toBe(0);
    latest = 500;
    expect(clock()).toBe(500);
    wall += 999;
    expect(clock()).toBe(500);
    wall += 1;
    expect(clock()).toBe(501);
    wall += 41_000;
    expect(clock()).toBe(542);
    // A new block: its own stamp, even one behind the projection (never ahead of what it says).
    latest = 520;
    expect(clock()).toBe(520);
    wall += 2500;
    expect(clock()).toBe(522);
    // A chain whose clock jumped (evm_increaseTime): the jump, then the wall clock again.
    latest = 90_000;
    expect(clock()).toBe(90_000);
    // The wall clock stepping back never takes the projection below the block.
    wall -= 10_000;
    expect(clock()).toBe(90_000);
  });
});

describe("chain time on an idle Hardhat chain", () => {
  const CHALLENGE_WINDOW = 6;
  const SHORT_CAMPAIGN = 8;
  let node: HardhatNode;
  let d: AmpDeployment;
  let tmp: ReturnType<typeof tempDir>;
  let a: Indexer;
  let w: Wallet[];
  let nonce = 1n;
  const [founder, viewer, promoter, author] = [0, 1, 3, 4];
  const addr = (i: number) => (w[i] as Wallet).account.address.toLowerCase() as Address;
  const chainNow = async () => Number((await node.publicClient.getBlock()).timestamp);

  const append = async <K extends MessageKind>(kind: K, message: MessageByKind[K]) => {
    const account = (message as { account: string }).account.toLowerCase();
    const wallet = w.find((x) => x.account.address.toLowerCase() === account) as Wallet;
    const { signature } = await sign(
      wallet.account as PrivateKeyAccount,
      kind,
      message,
      31337,
      d.contracts.AMPSocial,
    );
    const json = canonicalMessage(kind, message);
    await engagementStore(a.db).append({
      kind,
      signer: account,
      message: JSON.parse(json),
      json,
      signature,
      receivedAt: Date.now(),
    });
  };
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

  beforeAll(async () => {
    tmp = tempDir("amp-chain-time-");
    node = await startHardhat();
    d = await deploy(node, CHALLENGE_WINDOW);
    w = node.wallets;
    a = testIndexer(node.url, d, join(tmp.dir, "indexer.sqlite"));
    await a.start({ follow: false, http: false });
    const social = d.contracts.AMPSocial;
    await write(founder, social, ampSocialAbi, "createCommunity", ["Makers", "things people make"]);
    // The viewer is an author the founder likes: standing to be paid for a view.
    for (const who of [author, viewer])
      await write(who, social, ampSocialAbi, "publish", [1n, ["craft"], "hello", `0x${"0".repeat(64)}`, ""]);
    await write(founder, d.contracts.AMPToken, ampTokenAbi, "mint", [addr(promoter), parseEther("1000")]);
    await write(promoter, d.contracts.AMPToken, ampTokenAbi, "approve", [
      d.contracts.AMPEscrow,
      parseEther("1000"),
    ]);
    await write(promoter, d.contracts.AMPEscrow, ampEscrowAbi, "amplify", [1n, parseEther("100"), 86_400n]);
    await catchUp(a);
    const t = await chainNow();
    await append("Like", { account: addr(founder), postId: 1n, timestamp: BigInt(t), nonce: nonce++ });
    await append("Like", { account: addr(founder), postId: 2n, timestamp: BigInt(t), nonce: nonce++ });
    await append("Like", { account: addr(viewer), postId: 1n, timestamp: BigInt(t), nonce: nonce++ });
    await append("Policy", {
      account: addr(viewer),
      mode: PolicyMode.Everyone,
      communities: [],
      topics: [],
      blockedPromoters: [],
      timestamp: BigInt(t),
      nonce: nonce++,
    });
    const policySeq = a.db
      .prepare("SELECT seq FROM policies WHERE account = ?")
      .pluck()
      .get(addr(viewer)) as number;
    await createImpressionIssuer({
      store: engagementStore(a.db),
      key: impressionKey(undefined, 31337) as Hex,
      chainId: 31337,
      verifyingContract: social,
    }).issue(
      {
        viewer: addr(viewer),
        campaignId: 1n,
        postId: 1n,
        price: parseEther("1"),
        policySeq: BigInt(policySeq),
        expiresAt: BigInt(t + 3600),
        timestamp: BigInt(t),
      },
      t,
    );
    await append("View", {
      account: addr(viewer),
      postId: 1n,
      dwellMs: 5000,
      campaignId: 1n,
      timestamp: BigInt(t),
      nonce: nonce++,
    });
    await node.rpc("evm_increaseTime", [3600]);
    await node.rpc("evm_mine");
  }, 180_000);

  afterAll(async () => {
    await a?.stop();
    await node?.stop();
    tmp?.cleanup();
  });

  it("turns the epoch ACTIVE, moves the claim proof and ends a campaign with no block mined", async () => {
    const outcome = await createSettlementJob({
      db: a.db,
      publicClient: node.publicClient as PublicClient,
      walletClient: w[ROLE_WALLET.settler] as Wallet,
      escrow: d.contracts.AMPEscrow,
      social: d.contracts.AMPSocial,
      startBlock: BigInt(d.startBlock),
    }).runOnce();
    expect(outcome.status).toBe("settled");
    // The last transaction: a campaign that ends a few seconds from now.
    await write(promoter, d.contracts.AMPEscrow, ampEscrowAbi, "amplify", [
      1n,
      parseEther("1"),
      BigInt(SHORT_CAMPAIGN),
    ]);
    await catchUp(a);
    const idleBlock = await node.publicClient.getBlockNumber({ cacheTime: 0 });
    const state = async () =>
      (await gql(
        a,
        `{ epoch(number: 1) { status activeAt } campaign(id: "2") { active expiresAt }
             claim(account: "${addr(viewer)}") { epoch cumulativeAmount claimable proof } }`,
      )) as {
        epoch: { status: string; activeAt: number };
        campaign: { active: boolean; expiresAt: number };
        claim: { epoch: number | null; cumulativeAmount: string; claimable: string; proof: Hex[] };
      };
    const first = await state();
    expect(first.epoch.status).toBe("PENDING");
    expect(first.claim.epoch).toBeNull();
    expect(first.campaign.active).toBe(true);
    // Past both deadlines by the wall clock; the chain mines nothing meanwhile.
    const latest = await chainNow();
    const waitSeconds = Math.max(first.epoch.activeAt, first.campaign.expiresAt) - latest + 1;
    expect(waitSeconds).toBeLessThanOrEqual(SHORT_CAMPAIGN + 2);
    let now = first;
    for (let i = 0; i < 10 * (waitSeconds + 5); i++) {
      now = await state();
      if (now.epoch.status === "ACTIVE" && !now.campaign.active) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await node.publicClient.getBlockNumber({ cacheTime: 0 })).toBe(idleBlock);
    expect(now.epoch.status).toBe("ACTIVE");
    expect(now.campaign.active).toBe(false);
    expect(now.claim.epoch).toBe(1);
    expect(BigInt(now.claim.claimable)).toBeGreaterThan(0n);
    // What the API said is what the next block sees: the claim with that proof is accepted.
    await write(viewer, d.contracts.AMPEscrow, ampEscrowAbi, "claim", [
      addr(viewer),
      BigInt(now.claim.cumulativeAmount),
      now.claim.proof,
    ]);
    const claimed = await node.publicClient.readContract({
      address: d.contracts.AMPEscrow,
      abi: ampEscrowAbi,
      functionName: "claimed",
      args: [addr(viewer)],
    });
    expect(claimed).toBe(BigInt(now.claim.cumulativeAmount));
  }, 120_000);
});
