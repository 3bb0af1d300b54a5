/**
 * Transactions the app sends, as plain async functions over a wagmi config:
 * they resolve once the transaction is mined and decode the event that
 * carries the result.
 */

import {
  type Address,
  type Hex,
  parseEventLogs,
  parseSignature,
  type TransactionReceipt,
  zeroHash,
} from "viem";
import type { Config } from "wagmi";
import { readContract, waitForTransactionReceipt } from "wagmi/actions";
import { AmpError, type PermitMessage, permitTypedData as tokenPermit } from "#protocol";
import type { AppConfig } from "../../config/appConfig.ts";
import { guardedWallet, WalletGuardError } from "../wallet/guard.ts";
import { ampEscrowAbi, ampSocialAbi, ampTokenAbi } from "./abi.ts";

export class TransactionRevertedError extends AmpError {
  override name = "TransactionRevertedError";
  constructor(readonly hash: Hex) {
    super("TRANSACTION_REVERTED", "The transaction was mined but reverted.");
  }
}

async function mined(config: Config, hash: Hex): Promise<TransactionReceipt> {
  const receipt = await waitForTransactionReceipt(config, { hash });
  if (receipt.status !== "success") throw new TransactionRevertedError(hash);
  return receipt;
}

export interface PublishArgs {
  /** The account the post is published as: the wallet must still be on it. */
  account: Address;
  communityId: bigint;
  topics: string[];
  text: string;
  /** Images: the `contentHash` and `uri` from `mediaCommitment` (none: zero hash, empty uri). */
  media?: { contentHash: Hex; uri: string };
  onSubmitted?: (hash: Hex) => void;
}

export async function publishPost(config: Config, app: AppConfig, args: PublishArgs) {
  const wallet = guardedWallet(config, { chainId: app.chainId, account: args.account });
  const hash = await wallet.writeContract({
    address: app.contracts.social,
    abi: ampSocialAbi,
    functionName: "publish",
    args: [
      args.communityId,
      args.topics,
      args.text,
      args.media?.contentHash ?? zeroHash,
      args.media?.uri ?? "",
    ],
  });
  args.onSubmitted?.(hash);
  const receipt = await mined(config, hash);
  const [event] = parseEventLogs({ abi: ampSocialAbi, eventName: "PostPublished", logs: receipt.logs });
  return { hash, blockNumber: receipt.blockNumber, postId: event?.args.postId ?? null };
}

export type AmplifyStep = "permit" | "approve" | "amplify" | "confirm" | "done";

export interface AmplifyArgs {
  account: Address;
  postId: bigint;
  amount: bigint;
  durationSeconds: bigint;
  /** A step starts (the previous one is done). */
  onStep?: (step: AmplifyStep, hash?: Hex) => void;
  /** A step ended without success: the wallet refused it (`failed`) or the person rejected it (`declined`). */
  onStepFailed?: (step: AmplifyStep, outcome: StepFailure) => void;
  /** Unix seconds, for the permit deadline. */
  now?: number;
}

/** EIP-2612 typed data for AMPToken's domain (name "AMP", version "1"). */
export function permitTypedData(app: AppConfig, message: PermitMessage) {
  return tokenPermit(app.chainId, app.contracts.token, message);
}

export type StepFailure = "failed" | "declined";

/** EIP-1193 codes: 4001 the person rejected the request; 4200 the wallet does not support the method. */
function rpcCodes(error: unknown): number[] {
  const codes: number[] = [];
  let e: unknown = error;
  for (let depth = 0; e && depth < 10; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "number") codes.push(code);
    e = (e as { cause?: unknown }).cause;
  }
  return codes;
}

export function isUserRejection(error: unknown): boolean {
  if (rpcCodes(error).includes(4001)) return true;
  if (error instanceof WalletGuardError) return false;
  return error instanceof Error && /user rejected|rejected the request|denied/i.test(error.message);
}

/** How a step that threw ended: rejected by the person, or failed. */
export function stepFailure(error: unknown): StepFailure {
  return isUserRejection(error) ? "declined" : "failed";
}

/**
 * Escrows `amount` AMP for a post: one transaction with a permit signature
 * when the wallet can sign one, else approve then amplify.
 */
export async function amplifyPost(config: Config, app: AppConfig, args: AmplifyArgs) {
  const { account, postId, amount, durationSeconds, onStep, onStepFailed } = args;
  const wallet = guardedWallet(config, { chainId: app.chainId, account });
  const escrow = app.contracts.escrow;
  let hash: Hex | null = null;

  const nonce = await readContract(config, {
    address: app.contracts.token,
    abi: ampTokenAbi,
    functionName: "nonces",
    args: [account],
  }).catch(() => null);

  if (nonce !== null) {
    onStep?.("permit");
    const deadline = BigInt((args.now ?? Math.floor(Date.now() / 1000)) + 3600);
    let signature: Hex | null = null;
    try {
      signature = await wallet.signTypedData(
        permitTypedData(app, { owner: account, spender: escrow, value: amount, nonce, deadline }),
      );
    } catch (error) {
      // The guard's refusals and the person's "no" end here; a wallet that cannot sign a permit
      // (4200 unsupported, or any other refusal of the method) gets the approve path instead.
      if (error instanceof WalletGuardError || wallet.signal.aborted || isUserRejection(error)) {
        onStepFailed?.("permit", stepFailure(error));
        throw error;
      }
      onStepFailed?.("permit", "failed");
      signature = null;
    }
    if (signature) {
      const { r, s, v, yParity } = parseSignature(signature);
      onStep?.("amplify");
      hash = await wallet.writeContract({
        address: escrow,
        abi: ampEscrowAbi,
        functionName: "amplifyWithPermit",
        args: [postId, amount, durationSeconds, deadline, Number(v ?? BigInt(yParity + 27)), r, s],
      });
    }
  }

  if (!hash) {
    const allowance = await readContract(config, {
      address: app.contracts.token,
      abi: ampTokenAbi,
      functionName: "allowance",
      args: [account, escrow],
    });
    if (allowance < amount) {
      onStep?.("approve");
      const approveHash = await wallet.writeContract({
        address: app.contracts.token,
        abi: ampTokenAbi,
        functionName: "approve",
        args: [escrow, amount],
      });
      await mined(config, approveHash);
    }
    onStep?.("amplify");
    hash = await wallet.writeContract({
      address: escrow,
      abi: ampEscrowAbi,
      functionName: "amplify",
      args: [postId, amount, durationSeconds],
    });
  }

  onStep?.("confirm", hash);
  const receipt = await mined(config, hash);
  const [event] = parseEventLogs({ abi: ampEscrowAbi, eventName: "CampaignCreated", logs: receipt.logs });
  onStep?.("done", hash);
  return { hash, blockNumber: receipt.blockNumber, campaignId: event?.args.campaignId ?? null };
}

/**
 * The gas limit sent with a claim the node cannot estimate yet (its root became active after the
 * latest block); only the gas used is paid.
 */
export const CLAIM_GAS_LIMIT = 300_000n;

export async function claimRewards(
  config: Config,
  app: AppConfig,
  args: { account: Address; cumulativeAmount: bigint; proof: Hex[]; rootAheadOfChain?: boolean | undefined },
) {
  const wallet = guardedWallet(config, { chainId: app.chainId, account: args.account });
  const hash = await wallet.writeContract({
    address: app.contracts.escrow,
    abi: ampEscrowAbi,
    functionName: "claim",
    args: [args.account, args.cumulativeAmount, args.proof],
    // Estimating against the latest block would refuse a proof for the root that is active by now.
    ...(args.rootAheadOfChain ? { gas: CLAIM_GAS_LIMIT } : {}),
  });
  const receipt = await mined(config, hash);
  const [event] = parseEventLogs({ abi: ampEscrowAbi, eventName: "Claimed", logs: receipt.logs });
  return {
    hash,
    blockNumber: receipt.blockNumber,
    amount: event?.args.amount ?? 0n,
    epoch: event?.args.epoch ?? null,
  };
}

/**
 * The promoter's refund: closes the campaign if its settlement grace has passed (expiry plus the
 * escrow's `settlementGrace`) and withdraws its refund credit, in one transaction. Credit that a
 * revoked settlement gives back later is withdrawn the same way.
 */
export async function refundCampaign(
  config: Config,
  app: AppConfig,
  args: { account: Address; campaignId: bigint },
) {
  const { campaignId } = args;
  const wallet = guardedWallet(config, { chainId: app.chainId, account: args.account });
  const hash = await wallet.writeContract({
    address: app.contracts.escrow,
    abi: ampEscrowAbi,
    functionName: "withdrawRefund",
    args: [campaignId],
  });
  const receipt = await mined(config, hash);
  const [event] = parseEventLogs({ abi: ampEscrowAbi, eventName: "RefundWithdrawn", logs: receipt.logs });
  return { hash, blockNumber: receipt.blockNumber, amount: event?.args.amount ?? 0n };
}

/** When the campaign becomes refundable (unix seconds) and the refund credit waiting to be withdrawn. */
export async function readRefundState(config: Config, app: AppConfig, campaignId: bigint) {
  const [[, closesAt], credit] = await Promise.all([
    readContract(config, {
      address: app.contracts.escrow,
      abi: ampEscrowAbi,
      functionName: "campaignTimes",
      args: [campaignId],
    }),
    readContract(config, {
      address: app.contracts.escrow,
      abi: ampEscrowAbi,
      functionName: "refundCredit",
      args: [campaignId],
    }),
  ]);
  return { refundableAt: Number(closesAt), credit };
}
