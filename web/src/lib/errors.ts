import {
  type Abi,
  BaseError,
  ContractFunctionRevertedError,
  decodeErrorResult,
  type Hex,
  InsufficientFundsError,
  UserRejectedRequestError,
} from "viem";
import { AmpError } from "#protocol";
import { ampEscrowAbi, ampSocialAbi, ampTokenAbi } from "./chain/abi.ts";
import { GraphQLRequestError } from "./graphql/client.ts";
import { SessionRequiredError } from "./session/engagement.ts";
import { WalletGuardError } from "./wallet/guard.ts";

/** Every custom error the app's contracts can raise, including those bubbling up from the token. */
const ALL_ERRORS: Abi = [...ampTokenAbi, ...ampSocialAbi, ...ampEscrowAbi].filter(
  (item) => item.type === "error",
);

/** The error name of a revert, decoding against all three contracts when the called one did not know it. */
function revertName(revert: ContractFunctionRevertedError): string | undefined {
  if (revert.data?.errorName) return revert.data.errorName;
  if (!revert.raw || revert.raw === "0x") return undefined;
  try {
    return decodeErrorResult({ abi: ALL_ERRORS, data: revert.raw as Hex }).errorName;
  } catch {
    return undefined;
  }
}

export interface FriendlyError {
  title: string;
  message: string;
}

const CONTRACT_ERRORS: Record<string, string> = {
  ERC20InsufficientBalance: "Your AMP balance is too low for this amount.",
  ERC20InsufficientAllowance: "The escrow is not allowed to move that much AMP yet. Approve it first.",
  ERC2612ExpiredSignature: "The permit signature expired. Try again.",
  ERC2612InvalidSigner: "The permit signature does not match your account.",
  ERC20ExceededCap: "This would mint past the AMP supply cap.",
  AccessControlUnauthorizedAccount: "Your account is not allowed to do this.",
  EnforcedPause: "Amplification and claims are paused right now.",
  AMPEscrowPaused: "The escrow is paused right now: amplification, settlement and claims wait.",
  AMPEscrowZeroAmount: "The amount must be more than zero.",
  AMPEscrowInvalidDuration: "That duration is not allowed.",
  AMPEscrowUnknownPost: "That post does not exist on chain.",
  AMPEscrowUnknownCampaign: "That campaign does not exist.",
  AMPEscrowCampaignExpired: "This campaign has already expired.",
  AMPEscrowCampaignNotRefundable:
    "The campaign is not refundable yet; refunds open after expiry and the settlement grace.",
  AMPEscrowCampaignRefunded: "This campaign was already refunded.",
  AMPEscrowNotPromoter: "Only the campaign's promoter can withdraw its refund.",
  AMPEscrowNothingToWithdraw: "There is no refund left to withdraw.",
  AMPEscrowInvalidConsent: "The promoter has not signed consent for this campaign.",
  AMPEscrowConsentExpired: "The promoter's consent has expired.",
  AMPEscrowInvalidPromoter: "That address cannot be a promoter.",
  AMPEscrowPermitFailed: "The permit was not accepted and the allowance is too low.",
  AMPEscrowNoActiveEpoch: "No reward epoch is active yet; wait for the challenge window to pass.",
  AMPEscrowInvalidProof: "The claim proof does not match the latest active epoch.",
  AMPEscrowNothingToClaim: "There is nothing left to claim.",
  AMPSocialUnknownCommunity: "That community does not exist.",
  AMPSocialTooManyTopics: "A post can have at most 5 topics.",
  AMPSocialInvalidTopic: "Each topic must be 1 to 32 bytes long.",
  AMPSocialTextTooLong: "The text is longer than 1000 bytes.",
  AMPSocialUriTooLong: "The link is too long.",
  AMPSocialEmptyPost: "Write something first.",
  AMPSocialNotFounder: "Only the community's founder can change its moderators.",
  AMPSocialInvalidName: "A community name must be 1 to 64 bytes long.",
  AMPSocialDescriptionTooLong: "The description is longer than 1000 bytes.",
  AMPSocialInvalidModerator: "That address cannot be a moderator.",
  AMPSocialAlreadyModerator: "That account is already a moderator.",
  AMPSocialNotModerator: "That account is not a moderator.",
};

const INDEXER_CODES: Record<string, string> = {
  BAD_SIGNATURE: "The signature did not verify. Your session key may be stale; try again.",
  REPLAY: "This action was already recorded.",
  FUTURE_TIMESTAMP: "Your device clock is ahead; check the time settings.",
  UNKNOWN_DELEGATION: "Your session key is not known to the indexer. Reconnect it in Settings.",
  DELEGATION_EXPIRED: "Your session key expired. Engage again to create a new one.",
  DELEGATION_REVOKED: "Your session key was revoked. Engage again to create a new one.",
  DUPLICATE: "This action was already recorded.",
  UNKNOWN_CAMPAIGN: "The indexer does not know that campaign yet.",
  UNKNOWN_POST: "The indexer does not know that post yet.",
  UNKNOWN_COMMUNITY: "The indexer does not know that community yet.",
  PENDING_UNAVAILABLE: "What is pending this epoch cannot be computed right now; try again shortly.",
  PAYLOAD_TOO_LARGE: "That is too long to send.",
  BAD_USER_INPUT: "The indexer rejected the input.",
  NETWORK: "The indexer cannot be reached. Is it running?",
  ATTENTION_UNAVAILABLE: "Reputation and ranking are not computed yet; the attention model is not running.",
};

/** Splits "ErrorName" into "Error name" for errors we have no sentence for. */
function humanize(name: string): string {
  const words = name
    .replace(/^AMP(Escrow|Social|Token)/, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Turns any wallet, chain or indexer error into words a person can act on. */
export function describeError(error: unknown): FriendlyError {
  if (error instanceof WalletGuardError) {
    switch (error.code) {
      case "WRONG_CHAIN":
        return {
          title: "Wrong network",
          message: `Your wallet is on another network. Switch to chain ${error.expectedChainId ?? ""} and retry.`,
        };
      case "WRONG_ACCOUNT":
        return {
          title: "Wrong account",
          message:
            "Your wallet is on another account than the one this was started for. Nothing was signed; retry as the connected account.",
        };
      case "WALLET_CHANGED":
        return {
          title: "Cancelled",
          message: "Your wallet's account or network changed, so nothing was signed or sent.",
        };
      default:
        return { title: "Not connected", message: "Connect a wallet first." };
    }
  }
  if (error instanceof SessionRequiredError) {
    return { title: "Engagement is off", message: "Turn on engagement with one signature first." };
  }
  if (error instanceof GraphQLRequestError) {
    const known = error.code ? INDEXER_CODES[error.code] : undefined;
    return { title: "Indexer error", message: known ?? error.message };
  }
  if (error instanceof BaseError) {
    if (
      error.walk((e) => e instanceof UserRejectedRequestError) ||
      /user rejected|denied/i.test(error.message)
    ) {
      return { title: "Cancelled", message: "You rejected the request in your wallet." };
    }
    if (error.walk((e) => e instanceof InsufficientFundsError)) {
      return {
        title: "Insufficient funds",
        message: "Your account does not have enough ETH to pay for gas.",
      };
    }
    const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError) {
      const name = revertName(revert);
      if (name) {
        return { title: "Transaction refused", message: CONTRACT_ERRORS[name] ?? `${humanize(name)}.` };
      }
      if (revert.reason) return { title: "Transaction refused", message: revert.reason };
      return { title: "Transaction refused", message: "The contract refused the transaction." };
    }
    if (
      /chain mismatch|does not match the target chain|does not match the connection's active chain/i.test(
        error.message,
      )
    ) {
      return {
        title: "Wrong network",
        message: "Your wallet is on another network. Switch networks and retry.",
      };
    }
    if (/fetch failed|failed to fetch|HTTP request failed/i.test(error.message)) {
      return { title: "Network error", message: "The chain's RPC node cannot be reached." };
    }
    return { title: "Wallet error", message: error.shortMessage };
  }
  if (error instanceof AmpError) return { title: "Error", message: error.shortMessage };
  if (error instanceof Error) return { title: "Error", message: error.message };
  return { title: "Error", message: String(error) };
}
