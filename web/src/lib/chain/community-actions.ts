/**
 * Community and campaign transactions beside the ones in `actions.ts`: create a community, add or
 * remove a moderator (founder only), top up a campaign. Each goes through the wallet guard and
 * resolves once mined, with the event that carries its result.
 */
import { type Address, parseEventLogs, type TransactionReceipt } from "viem";
import type { Config } from "wagmi";
import { readContract, waitForTransactionReceipt } from "wagmi/actions";
import type { AppConfig } from "../../config/appConfig.ts";
import { guardedWallet } from "../wallet/guard.ts";
import { ampEscrowAbi, ampSocialAbi, ampTokenAbi } from "./abi.ts";
import { TransactionRevertedError } from "./actions.ts";

async function mined(config: Config, hash: `0x${string}`): Promise<TransactionReceipt> {
  const receipt = await waitForTransactionReceipt(config, { hash });
  if (receipt.status !== "success") throw new TransactionRevertedError(hash);
  return receipt;
}

export async function createCommunity(
  config: Config,
  app: AppConfig,
  args: { account: Address; name: string; description: string },
) {
  const wallet = guardedWallet(config, { chainId: app.chainId, account: args.account });
  const hash = await wallet.writeContract({
    address: app.contracts.social,
    abi: ampSocialAbi,
    functionName: "createCommunity",
    args: [args.name, args.description],
  });
  const receipt = await mined(config, hash);
  const [event] = parseEventLogs({ abi: ampSocialAbi, eventName: "CommunityCreated", logs: receipt.logs });
  return { hash, blockNumber: receipt.blockNumber, communityId: event?.args.communityId ?? null };
}

export async function setModerator(
  config: Config,
  app: AppConfig,
  args: { account: Address; communityId: bigint; moderator: Address; add: boolean },
) {
  const wallet = guardedWallet(config, { chainId: app.chainId, account: args.account });
  const hash = await wallet.writeContract({
    address: app.contracts.social,
    abi: ampSocialAbi,
    functionName: args.add ? "addModerator" : "removeModerator",
    args: [args.communityId, args.moderator],
  });
  const receipt = await mined(config, hash);
  return { hash, blockNumber: receipt.blockNumber };
}

/** Adds `amount` to a live campaign's budget, approving the escrow first when its allowance is short. */
export async function topUpCampaign(
  config: Config,
  app: AppConfig,
  args: { account: Address; campaignId: bigint; amount: bigint },
) {
  const wallet = guardedWallet(config, { chainId: app.chainId, account: args.account });
  const allowance = await readContract(config, {
    address: app.contracts.token,
    abi: ampTokenAbi,
    functionName: "allowance",
    args: [args.account, app.contracts.escrow],
  });
  if (allowance < args.amount) {
    await mined(
      config,
      await wallet.writeContract({
        address: app.contracts.token,
        abi: ampTokenAbi,
        functionName: "approve",
        args: [app.contracts.escrow, args.amount],
      }),
    );
  }
  const hash = await wallet.writeContract({
    address: app.contracts.escrow,
    abi: ampEscrowAbi,
    functionName: "topUp",
    args: [args.campaignId, args.amount],
  });
  const receipt = await mined(config, hash);
  const [event] = parseEventLogs({ abi: ampEscrowAbi, eventName: "CampaignToppedUp", logs: receipt.logs });
  return { hash, blockNumber: receipt.blockNumber, amount: event?.args.amount ?? args.amount };
}
