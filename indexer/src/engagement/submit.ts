/**
 * Accepts a signed engagement message: limits, field validation, EIP-712
 * signer recovery, signer authority (the account or a live session key),
 * replay and reference checks, then one append. Any refusal throws an
 * `EngagementError` and stores nothing.
 */
import type { Address } from "viem";
import {
  canonicalMessage,
  decodeMessage,
  engagementDomain,
  ISSUED_KINDS,
  MESSAGE_KINDS,
  MESSAGE_LIMITS,
  type MessageByKind,
  MessageDecodeError,
  type MessageKind,
} from "#protocol";
import type { EngagementStore } from "../store/engagement-store.ts";
import { authorityRefusal, recoverSigner } from "./authority.ts";
import { EngagementError } from "./errors.ts";

export interface EngagementServiceOptions {
  store: EngagementStore;
  chainId: number;
  /** The AMPSocial address (EIP-712 verifying contract). */
  verifyingContract: Address;
  /** Current unix time in seconds (injected for tests). */
  now?: () => number;
}

export interface SubmitResult {
  seq: number;
  kind: MessageKind;
  account: Address;
  signer: Address;
}

export interface EngagementService {
  submit(kind: string, messageJson: string, signature: string): Promise<SubmitResult>;
}

export function createEngagementService(options: EngagementServiceOptions): EngagementService {
  const { store, chainId, verifyingContract } = options;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const domain = engagementDomain(chainId, verifyingContract);

  async function submit(kind: string, messageJson: string, signature: string): Promise<SubmitResult> {
    if (!(MESSAGE_KINDS as string[]).includes(kind)) {
      throw new EngagementError(
        "BAD_USER_INPUT",
        `unknown message kind ${JSON.stringify(kind.slice(0, 40))}`,
      );
    }
    const k = kind as MessageKind;
    if (ISSUED_KINDS.has(k)) {
      throw new EngagementError("BAD_USER_INPUT", `${k} messages are issued by the indexer, not submitted`);
    }
    if (Buffer.byteLength(messageJson, "utf8") > MESSAGE_LIMITS.maxPayloadBytes) {
      throw new EngagementError(
        "PAYLOAD_TOO_LARGE",
        `message exceeds ${MESSAGE_LIMITS.maxPayloadBytes} bytes`,
      );
    }
    if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) {
      throw new EngagementError("BAD_SIGNATURE", "signature must be 65 bytes of 0x-prefixed hex");
    }
    let message: MessageByKind[typeof k];
    try {
      message = decodeMessage(k, messageJson);
    } catch (error) {
      if (error instanceof MessageDecodeError) throw new EngagementError("BAD_USER_INPUT", error.message);
      throw error;
    }

    const receivedAt = now();
    if (message.timestamp > BigInt(receivedAt + MESSAGE_LIMITS.maxClockSkewSeconds)) {
      throw new EngagementError("FUTURE_TIMESTAMP", `timestamp ${message.timestamp} is ahead of the clock`);
    }

    const signer = await recoverSigner(domain, k, message, signature);
    if (!signer) throw new EngagementError("BAD_SIGNATURE", "signature cannot be recovered");
    const account = message.account;
    const d = signer === account ? null : store.delegation(account, signer);
    const refusal = authorityRefusal(
      k,
      message,
      signer,
      d && { expiresAt: BigInt(d.expiresAt), revoked: d.revoked },
      receivedAt,
    );
    if (refusal) throw refusal;

    const nonce = message.nonce.toString();
    const previous = store.entryByNonce(account, nonce);
    if (previous) {
      if (previous.signature.toLowerCase() === signature.toLowerCase()) {
        throw new EngagementError("DUPLICATE", `message already stored as #${previous.seq}`);
      }
      throw new EngagementError("REPLAY", `nonce ${nonce} of ${account} was already used`);
    }

    checkReferences(k, message);

    const json = canonicalMessage(k, message);
    let seq: number;
    try {
      seq = store.append({
        kind: k,
        signer,
        message: JSON.parse(json),
        json,
        signature: signature.toLowerCase(),
        receivedAt,
      });
    } catch (error) {
      // Another writer on the same file took the nonce between the check and the insert.
      if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") {
        throw new EngagementError("REPLAY", `nonce ${nonce} of ${account} was already used`);
      }
      throw error;
    }
    return { seq, kind: k, account, signer };
  }

  function checkReferences(kind: MessageKind, message: MessageByKind[MessageKind]): void {
    const m = message as Partial<
      MessageByKind["View"] & MessageByKind["Delegation"] & MessageByKind["Follow"]
    >;
    if (kind === "Delegation") {
      const expiresAt = m.expiresAt as bigint;
      if (expiresAt <= BigInt(now()))
        throw new EngagementError("DELEGATION_EXPIRED", "delegation is already expired");
      if (expiresAt - (m.timestamp as bigint) > BigInt(MESSAGE_LIMITS.maxDelegationSeconds)) {
        throw new EngagementError("BAD_USER_INPUT", "delegation lasts longer than 30 days");
      }
      if (m.sessionKey === m.account)
        throw new EngagementError("BAD_USER_INPUT", "session key equals the account");
    }
    if (kind === "RevokeDelegation" && !store.delegation(m.account as string, m.sessionKey as string)) {
      throw new EngagementError("UNKNOWN_DELEGATION", `no delegation to ${m.sessionKey}`);
    }
    if (kind === "Follow" && m.target === m.account) {
      throw new EngagementError("BAD_USER_INPUT", "an account cannot follow itself");
    }
    if (m.postId !== undefined && !store.postExists(m.postId)) {
      throw new EngagementError("UNKNOWN_POST", `post ${m.postId} does not exist`);
    }
    if (kind === "View" && m.campaignId !== undefined && m.campaignId !== 0n) {
      const post = store.campaignPost(m.campaignId);
      if (post === null)
        throw new EngagementError("UNKNOWN_CAMPAIGN", `campaign ${m.campaignId} does not exist`);
      if (BigInt(post) !== m.postId) {
        throw new EngagementError(
          "UNKNOWN_CAMPAIGN",
          `campaign ${m.campaignId} does not amplify post ${m.postId}`,
        );
      }
    }
  }

  return { submit };
}
