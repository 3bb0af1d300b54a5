/**
 * Accepts a signed engagement message: the client's quota, limits, field
 * validation, EIP-712 signer recovery, signer authority (the account or a
 * live session key), the account's quota, replay, reference and timestamp
 * checks, then one append. Any refusal throws an `EngagementError` and stores
 * nothing.
 *
 * Quotas are token buckets. The client's is spent before any work, so a flood
 * is refused cheaply; the account's only once the signature proves the signer
 * may act for the account, so nobody can spend another account's quota.
 *
 * The store is the Kysely engagement store on either engine, whose reads are
 * awaited. The (account, nonce) key is unique in
 * the log, so a nonce taken between the check and the commit (the same message
 * twice in one batch, or another writer on the same database) is refused at
 * the insert, as DUPLICATE or REPLAY like the check would have.
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
  NO_AVATAR,
} from "#protocol";
import {
  type AsyncEngagementStore,
  LogNonceTakenError,
  type NewLogEntry,
} from "../store/engine/engagement-store.ts";
import { authorityRefusal, recoverSigner } from "./authority.ts";
import { EngagementError } from "./errors.ts";
import { type BucketOptions, createTokenBuckets } from "./quota.ts";

/** Nonces are below 2^64 (the dApp's are milliseconds times 2^20 plus 20 random bits). */
export const MAX_NONCE = 2n ** 64n;

type StoreReads = Omit<AsyncEngagementStore, "append" | "appendBatch" | "appendMany" | "lastSeq" | "entries">;

/** The reads intake makes and its default append: the `AsyncEngagementStore`'s, or the same answered at once. */
export type IntakeStore = {
  [K in keyof StoreReads]: (
    ...args: Parameters<StoreReads[K]>
  ) => Awaited<ReturnType<StoreReads[K]>> | ReturnType<StoreReads[K]>;
} & { append(entry: NewLogEntry): number | Promise<number> };

/** The database refused the entry because its (account, nonce) is already in the log. */
function nonceTaken(error: unknown): boolean {
  // The Kysely store says so (its insert does nothing on that key); better-sqlite3 raises a unique violation.
  return (
    error instanceof LogNonceTakenError ||
    (error as { code?: unknown } | null)?.code === "SQLITE_CONSTRAINT_UNIQUE"
  );
}

export interface EngagementServiceOptions {
  store: IntakeStore;
  chainId: number;
  /** The AMPSocial address (EIP-712 verifying contract). */
  verifyingContract: Address;
  /** Current unix time in seconds (injected for tests). */
  now?: () => number;
  intake?: IntakeLimits;
  /** Appends a verified entry and resolves once it is durable (default: `store.append`). */
  append?: (entry: NewLogEntry) => number | Promise<number>;
  /**
   * The writer's own impression issuer: an Impression signed by this address (an API replica signs
   * with the same key and forwards it) is taken into the log; from anyone else, as without it, refused.
   */
  impressionIssuer?: Address;
}

export interface IntakeLimits {
  perAccount?: BucketOptions;
  perClient?: BucketOptions;
  /** Oldest accepted timestamp, in seconds before now. */
  maxAgeSeconds?: number;
  /**
   * Accept timestamps before the post they refer to and older than `maxAgeSeconds`
   * (importing a simulated history, as the demo world does); off by default.
   */
  allowBackdating?: boolean;
}

export interface SubmitMeta {
  /** The HTTP client's address, for its quota. */
  client?: string;
}

export const INTAKE_DEFAULTS = {
  perAccount: { ratePerSec: 5, burst: 100 },
  perClient: { ratePerSec: 50, burst: 500 },
  maxAgeSeconds: 2 * 86_400,
  allowBackdating: false,
} as const;

export interface SubmitResult {
  seq: number;
  kind: MessageKind;
  account: Address;
  signer: Address;
}

export interface EngagementService {
  submit(kind: string, messageJson: string, signature: string, meta?: SubmitMeta): Promise<SubmitResult>;
}

export function createEngagementService(options: EngagementServiceOptions): EngagementService {
  const { store, chainId, verifyingContract } = options;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const domain = engagementDomain(chainId, verifyingContract);
  const append = options.append ?? ((entry: NewLogEntry) => store.append(entry));
  const issuer = options.impressionIssuer?.toLowerCase();
  const intake = { ...INTAKE_DEFAULTS, ...options.intake };
  const accountQuota = createTokenBuckets(intake.perAccount);
  const clientQuota = createTokenBuckets(intake.perClient);
  const spend = (buckets: typeof accountQuota, key: string, who: string) => {
    const t = buckets.take(key);
    if (!t.ok) {
      throw new EngagementError(
        "RATE_LIMITED",
        `too many messages from ${who}; retry after ${t.retryAfterSeconds} s`,
        t.retryAfterSeconds,
      );
    }
  };

  async function submit(
    kind: string,
    messageJson: string,
    signature: string,
    meta: SubmitMeta = {},
  ): Promise<SubmitResult> {
    if (meta.client) spend(clientQuota, meta.client, `client ${meta.client}`);
    if (!(MESSAGE_KINDS as string[]).includes(kind)) {
      throw new EngagementError(
        "BAD_USER_INPUT",
        `unknown message kind ${JSON.stringify(kind.slice(0, 40))}`,
      );
    }
    const k = kind as MessageKind;
    const issued = ISSUED_KINDS.has(k);
    const notSubmitted = () =>
      new EngagementError("BAD_USER_INPUT", `${k} messages are issued by the indexer, not submitted`);
    if (issued && !issuer) throw notSubmitted();
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

    // Bounded so that `nextNonce` (the largest nonce plus one) stays far inside uint256; the issuer's
    // impression nonces are random 128-bit numbers (and only its signature gets one in).
    if (message.nonce >= MAX_NONCE && !issued) {
      throw new EngagementError("BAD_USER_INPUT", `nonce must be below 2^64, got ${message.nonce}`);
    }

    const receivedAt = now();
    if (message.timestamp > BigInt(receivedAt + MESSAGE_LIMITS.maxClockSkewSeconds)) {
      throw new EngagementError("FUTURE_TIMESTAMP", `timestamp ${message.timestamp} is ahead of the clock`);
    }

    const signer = await recoverSigner(domain, k, message, signature);
    if (!signer) throw new EngagementError("BAD_SIGNATURE", "signature cannot be recovered");
    const account = message.account;
    // Only the indexer's own key issues impressions (signed by it, for itself): no delegation, no quota.
    if (issued && (signer !== issuer || account.toLowerCase() !== issuer)) throw notSubmitted();
    const d = signer === account ? null : await store.delegation(account, signer);
    const refusal = authorityRefusal(
      k,
      message,
      signer,
      d && { expiresAt: BigInt(d.expiresAt), revoked: d.revoked },
      receivedAt,
    );
    if (refusal) throw refusal;
    if (!issued) spend(accountQuota, account, `account ${account}`);
    await checkTimestamp(k, message, receivedAt, d);

    const nonce = message.nonce.toString();
    const refuseTaken = async () => {
      const previous = await store.entryByNonce(account, nonce);
      if (previous && previous.signature.toLowerCase() === signature.toLowerCase()) {
        throw new EngagementError("DUPLICATE", `message already stored as #${previous.seq}`);
      }
      throw new EngagementError("REPLAY", `nonce ${nonce} of ${account} was already used`);
    };
    if (await store.entryByNonce(account, nonce)) await refuseTaken();

    await checkReferences(k, message);

    const json = canonicalMessage(k, message);
    let seq: number;
    try {
      seq = await append({
        kind: k,
        signer,
        message: JSON.parse(json),
        json,
        signature: signature.toLowerCase(),
        receivedAt,
      });
    } catch (error) {
      // Taken between the check and the insert: earlier in the same batch, or by another writer.
      if (nonceTaken(error)) await refuseTaken();
      throw error;
    }
    return { seq, kind: k, account, signer };
  }

  /** Lower bounds: not older than the window, not before the delegation that signed it, not before its post. */
  async function checkTimestamp(
    kind: MessageKind,
    message: MessageByKind[MessageKind],
    receivedAt: number,
    delegation: { since: number } | null,
  ): Promise<void> {
    const t = message.timestamp;
    if (delegation && t < BigInt(delegation.since)) {
      throw new EngagementError(
        "STALE_TIMESTAMP",
        `timestamp ${t} is before the delegation that signed it (${delegation.since})`,
      );
    }
    if (intake.allowBackdating) return;
    const oldest = receivedAt - intake.maxAgeSeconds;
    if (t < BigInt(oldest)) {
      throw new EngagementError(
        "STALE_TIMESTAMP",
        `timestamp ${t} is older than ${intake.maxAgeSeconds} s (oldest accepted ${oldest})`,
      );
    }
    const postId = (message as { postId?: bigint }).postId;
    if (postId === undefined || kind === "Policy") return;
    const createdAt = await store.postCreatedAt(postId);
    if (createdAt !== null && t < BigInt(createdAt - MESSAGE_LIMITS.maxClockSkewSeconds)) {
      throw new EngagementError(
        "STALE_TIMESTAMP",
        `timestamp ${t} is before post ${postId} was published (${createdAt})`,
      );
    }
  }

  async function checkReferences(kind: MessageKind, message: MessageByKind[MessageKind]): Promise<void> {
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
    if (
      kind === "RevokeDelegation" &&
      !(await store.delegation(m.account as string, m.sessionKey as string))
    ) {
      throw new EngagementError("UNKNOWN_DELEGATION", `no delegation to ${m.sessionKey}`);
    }
    if (kind === "Follow" && m.target === m.account) {
      throw new EngagementError("BAD_USER_INPUT", "an account cannot follow itself");
    }
    if (kind === "Profile") {
      const avatar = (message as MessageByKind["Profile"]).avatar;
      if (avatar !== NO_AVATAR && !(await store.mediaExists(avatar.slice(2)))) {
        throw new EngagementError(
          "UNKNOWN_MEDIA",
          `avatar ${avatar} is not in the media store; upload it first`,
        );
      }
    }
    const communityId = (message as Partial<MessageByKind["Membership"]>).communityId;
    if (kind === "Membership" && !(await store.communityExists(communityId as bigint))) {
      throw new EngagementError("UNKNOWN_COMMUNITY", `community ${communityId} does not exist`);
    }
    if (m.postId !== undefined && !(await store.postExists(m.postId))) {
      throw new EngagementError("UNKNOWN_POST", `post ${m.postId} does not exist`);
    }
    // A like is a toggle and a share a repost: one per account and post in the log.
    const account = m.account as string;
    if (kind === "DeletePost") {
      if ((await store.postAuthor(m.postId as bigint)) !== account.toLowerCase()) {
        throw new EngagementError("NOT_AUTHOR", `only the author of post ${m.postId} can delete it`);
      }
      if (await store.postDeleted(m.postId as bigint)) {
        throw new EngagementError("ALREADY_DELETED", `post ${m.postId} is already deleted`);
      }
    }
    if (
      (kind === "Like" || kind === "Comment" || kind === "Share") &&
      (await store.postDeleted(m.postId as bigint))
    ) {
      throw new EngagementError("POST_DELETED", `post ${m.postId} was deleted by its author`);
    }
    if (kind === "Like" && (await store.likes(account, m.postId as bigint))) {
      throw new EngagementError("ALREADY_LIKED", `${account} already likes post ${m.postId}`);
    }
    if (kind === "Unlike" && !(await store.likes(account, m.postId as bigint))) {
      throw new EngagementError("NOT_LIKED", `${account} does not like post ${m.postId}`);
    }
    if (kind === "Share" && (await store.shared(account, m.postId as bigint))) {
      throw new EngagementError("ALREADY_SHARED", `${account} already reposted post ${m.postId}`);
    }
    if (kind === "NotificationsRead") {
      const readUntil = (message as MessageByKind["NotificationsRead"]).readUntil;
      if (readUntil > BigInt(now() + MESSAGE_LIMITS.maxClockSkewSeconds)) {
        throw new EngagementError("FUTURE_TIMESTAMP", `readUntil ${readUntil} is ahead of the clock`);
      }
    }
    if (kind === "View" && m.campaignId !== undefined && m.campaignId !== 0n) {
      const post = await store.campaignPost(m.campaignId);
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
