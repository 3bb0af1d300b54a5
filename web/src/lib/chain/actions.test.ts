// @vitest-environment node
/**
 * The transaction actions against the real contracts on an in-process Hardhat
 * chain, signed by the development wallet through wagmi.
 */

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { network } from "hardhat";
import {
  createWalletClient,
  custom,
  getContract,
  type Hex,
  type PublicClient,
  parseEther,
  toHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { beforeAll, describe, expect, it } from "vitest";
import { connect } from "wagmi/actions";
import { deployAmp, LOCAL_ROLE_KEYS } from "#protocol/deploy.ts";
import { parseAppConfig } from "../../config/appConfig.ts";
import { createWagmiConfig } from "../../config/wagmi.ts";
import { describeError } from "../errors.ts";
import { devAccount } from "../wallet/devWallet.ts";
import { ampEscrowAbi, ampSocialAbi, ampTokenAbi } from "./abi.ts";
import { type AmplifyStep, amplifyPost, claimRewards, publishPost, refundCampaign } from "./actions.ts";

const user = devAccount(5);

async function setup() {
  const connection = await network.create();
  const publicClient = (await connection.viem.getPublicClient()) as PublicClient;
  const [admin] = await connection.viem.getWalletClients();
  if (!admin) throw new Error("no admin wallet");
  const deployment = await deployAmp(admin, publicClient, { challengeWindow: 60 });
  const app = parseAppConfig({ ...deployment, rpcUrl: "http://in-process" });
  const client = { public: publicClient, wallet: admin };
  const token = getContract({ address: app.contracts.token, abi: ampTokenAbi, client });
  const social = getContract({ address: app.contracts.social, abi: ampSocialAbi, client });
  const settler = createWalletClient({
    account: privateKeyToAccount(LOCAL_ROLE_KEYS.settler),
    chain: admin.chain,
    transport: custom(connection.provider),
  });
  const escrow = getContract({
    address: app.contracts.escrow,
    abi: ampEscrowAbi,
    client: { public: publicClient, wallet: settler },
  });
  await token.write.mint([user.address, parseEther("100")]);
  await social.write.createCommunity(["Builders", "people who build"]);

  const config = createWagmiConfig(app, { transport: custom(connection.provider) });
  const dev = config.connectors[0] as (typeof config.connectors)[number] & {
    setAccountIndex(i: number): Promise<void>;
  };
  await dev.setAccountIndex(5);
  await connect(config, { connector: dev });
  return { connection, publicClient, app, config, token, escrow };
}

describe("transactions on a real chain", () => {
  let env: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    env = await setup();
  }, 60_000);

  it("publishes a post and returns its id from PostPublished", async () => {
    const hashes: string[] = [];
    const result = await publishPost(env.config, env.app, {
      account: user.address,
      communityId: 1n,
      topics: ["intro"],
      text: "hello from the web tests",
      onSubmitted: (h) => hashes.push(h),
    });
    expect(result.postId).toBe(1n);
    expect(hashes).toEqual([result.hash]);
  });

  it("amplifies with an EIP-2612 permit in one transaction", async () => {
    const steps: AmplifyStep[] = [];
    const before = await env.token.read.balanceOf([user.address]);
    const amount = parseEther("12.5");
    const result = await amplifyPost(env.config, env.app, {
      account: user.address,
      postId: 1n,
      amount,
      durationSeconds: 3600n,
      onStep: (s) => steps.push(s),
    });
    expect(steps).toEqual(["permit", "amplify", "confirm", "done"]);
    expect(result.campaignId).toBe(1n);
    expect(await env.token.read.balanceOf([user.address])).toBe(before - amount);
    const [postId, promoter, budget] = await env.escrow.read.campaigns([1n]);
    expect([postId, promoter, budget]).toEqual([1n, user.address, amount]);
    // The permit set no lasting allowance beyond what was spent.
    expect(await env.token.read.allowance([user.address, env.app.contracts.escrow])).toBe(0n);
  });

  it("names the contract's refusal when the balance is too low", async () => {
    const error = await amplifyPost(env.config, env.app, {
      account: user.address,
      postId: 1n,
      amount: parseEther("1000"),
      durationSeconds: 3600n,
    }).catch((e: unknown) => e);
    expect(describeError(error)).toEqual({
      title: "Transaction refused",
      message: "Your AMP balance is too low for this amount.",
    });
  });

  it("explains a claim before any epoch is active", async () => {
    const error = await claimRewards(env.config, env.app, {
      account: user.address,
      cumulativeAmount: 1n,
      proof: [],
    }).catch((e: unknown) => e);
    expect(describeError(error).message).toBe(
      "No reward epoch is active yet; wait for the challenge window to pass.",
    );
  });

  it("claims rewards with the proof of the latest active epoch", async () => {
    const reward = parseEther("2");
    const tree = StandardMerkleTree.of([[user.address, reward.toString()]], ["address", "uint256"]);
    // 2 of 12.5 AMP is earned after 16% of the campaign's hour.
    await env.connection.networkHelpers.time.increase(600);
    const periodEnd = BigInt(await env.connection.networkHelpers.time.latest());
    await env.escrow.write.settle([1n, periodEnd, tree.root as Hex, toHex("inputs"), [1n], [reward]]);
    await env.connection.networkHelpers.time.increase(61);
    const before = await env.token.read.balanceOf([user.address]);
    const result = await claimRewards(env.config, env.app, {
      account: user.address,
      cumulativeAmount: reward,
      proof: tree.getProof(0) as Hex[],
    });
    expect(result.amount).toBe(reward);
    expect(result.epoch).toBe(1n);
    expect(await env.token.read.balanceOf([user.address])).toBe(before + reward);
    const again = await claimRewards(env.config, env.app, {
      account: user.address,
      cumulativeAmount: reward,
      proof: tree.getProof(0) as Hex[],
    }).catch((e: unknown) => e);
    expect(describeError(again).message).toBe("There is nothing left to claim.");
  });

  it("refunds an expired campaign's unspent budget to the promoter after the settlement grace", async () => {
    const early = await refundCampaign(env.config, env.app, { account: user.address, campaignId: 1n }).catch(
      (e: unknown) => e,
    );
    expect(describeError(early).message).toMatch(/not refundable yet/);
    await env.connection.networkHelpers.time.increase(3601);
    const before = await env.token.read.balanceOf([user.address]);
    const { amount } = await refundCampaign(env.config, env.app, { account: user.address, campaignId: 1n });
    expect(amount).toBe(parseEther("10.5")); // 12.5 escrowed, 2 paid out in epoch 1
    expect(await env.token.read.balanceOf([user.address])).toBe(before + amount);
  });
});
