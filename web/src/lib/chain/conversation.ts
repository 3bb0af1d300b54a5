/** Replies and quotes as transactions: they resolve once mined, with the new post's id. */
import { type Address, type Hex, parseEventLogs, zeroHash } from "viem";
import type { Config } from "wagmi";
import { waitForTransactionReceipt } from "wagmi/actions";
import type { AppConfig } from "../../config/appConfig.ts";
import { guardedWallet } from "../wallet/guard.ts";
import { ampSocialAbi } from "./abi.ts";
import { TransactionRevertedError } from "./actions.ts";

export interface ReplyArgs {
  account: Address;
  parentId: bigint;
  text: string;
  onSubmitted?: (hash: Hex) => void;
}

export interface QuoteArgs {
  account: Address;
  quotedId: bigint;
  communityId: bigint;
  text: string;
  onSubmitted?: (hash: Hex) => void;
}

async function postFrom(config: Config, hash: Hex) {
  const receipt = await waitForTransactionReceipt(config, { hash });
  if (receipt.status !== "success") throw new TransactionRevertedError(hash);
  const [event] = parseEventLogs({ abi: ampSocialAbi, eventName: "PostPublished", logs: receipt.logs });
  return { hash, blockNumber: receipt.blockNumber, postId: event?.args.postId ?? null };
}

export async function replyToPost(config: Config, app: AppConfig, args: ReplyArgs) {
  const wallet = guardedWallet(config, { chainId: app.chainId, account: args.account });
  const hash = await wallet.writeContract({
    address: app.contracts.social,
    abi: ampSocialAbi,
    functionName: "reply",
    args: [args.parentId, [], args.text, zeroHash, ""],
  });
  args.onSubmitted?.(hash);
  return postFrom(config, hash);
}

export async function quotePost(config: Config, app: AppConfig, args: QuoteArgs) {
  const wallet = guardedWallet(config, { chainId: app.chainId, account: args.account });
  const hash = await wallet.writeContract({
    address: app.contracts.social,
    abi: ampSocialAbi,
    functionName: "quote",
    args: [args.quotedId, args.communityId, [], args.text, zeroHash, ""],
  });
  args.onSubmitted?.(hash);
  return postFrom(config, hash);
}
