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
import { readContract, signTypedData, waitForTransactionReceipt, writeContract } from "wagmi/actions";
import { type PermitMessage, permitTypedData as tokenPermit } from "../../../../contracts/permit.ts";
import type { AppConfig } from "../../config/appConfig.ts";
import { ampEscrowAbi, ampSocialAbi, ampTokenAbi } from "./abi.ts";

export class TransactionRevertedError extends Error {
  override name = "TransactionRevertedError";
  constructor(readonly hash: Hex) {
    super("The transaction was mined but reverted.");
  }
}

async function mined(config: Config, hash: Hex): Promise<TransactionReceipt> {
  const receipt = await waitForTransactionReceipt(config, { hash });
  if (receipt.status !== "success") throw new TransactionRevertedError(hash);
  return receipt;
}

export interface PublishArgs {
  communityId: bigint;
  topics: string[];
  text: string;
  onSubmitted?: (hash: Hex) => void;
}

export async function publishPost(config: Config, app: AppConfig, args: PublishArgs) {
  const hash = await writeContract(config, {
    address: app.contracts.social,
    abi: ampSocialAbi,
    functionName: "publish",
    args: [args.communityId, args.topics, args.text, zeroHash, ""],
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
  onStep?: (step: AmplifyStep, hash?: Hex) => void;
  /** Unix seconds, for the permit deadline. */
  now?: number;
}

/** EIP-2612 typed data for AMPToken's domain (name "AMP", version "1"). */
export function permitTypedData(app: AppConfig, message: PermitMessage) {
  return tokenPermit(app.chainId, app.contracts.token, message);
}

function isUserRejection(error: unknown): boolean {
  return error instanceof Error && /reject|denied|cancel/i.test(error.message);
}

/**
 * Escrows `amount` AMP for a post: one transaction with a permit signature
 * when the wallet can sign one, else approve then amplify.
 */
export async function amplifyPost(config: Config, app: AppConfig, args: AmplifyArgs) {
  const { account, postId, amount, durationSeconds, onStep } = args;
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
      signature = await signTypedData(
        config,
        permitTypedData(app, { owner: account, spender: escrow, value: amount, nonce, deadline }),
      );
    } catch (error) {
      if (isUserRejection(error)) throw error;
      signature = null; // the wallet cannot sign typed data: fall back to approve
    }
    if (signature) {
      const { r, s, v, yParity } = parseSignature(signature);
      onStep?.("amplify");
      hash = await writeContract(config, {
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
      const approveHash = await writeContract(config, {
        address: app.contracts.token,
        abi: ampTokenAbi,
        functionName: "approve",
        args: [escrow, amount],
      });
      await mined(config, approveHash);
    }
    onStep?.("amplify");
    hash = await writeContract(config, {
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

export async function claimRewards(
  config: Config,
  app: AppConfig,
  args: { account: Address; cumulativeAmount: bigint; proof: Hex[] },
) {
  const hash = await writeContract(config, {
    address: app.contracts.escrow,
    abi: ampEscrowAbi,
    functionName: "claim",
    args: [args.account, args.cumulativeAmount, args.proof],
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
export async function refundCampaign(config: Config, app: AppConfig, campaignId: bigint) {
  const hash = await writeContract(config, {
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
