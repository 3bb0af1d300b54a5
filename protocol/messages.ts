/**
 * EIP-712 definitions of the engagement log's messages. The web app signs
 * with these and the indexer verifies with them, so this file is the single
 * source of truth for the wire format.
 *
 * Every message names the `account` it acts for, a `timestamp` (unix seconds)
 * and a `nonce` unique per account. A message is signed either by the account
 * itself or by a session key the account delegated to with a `Delegation`.
 */
import type { Address, TypedDataDomain } from "viem";

export const EIP712_NAME = "AMP";
export const EIP712_VERSION = "1";

/** The domain binds signatures to one chain and one deployment of the social registry. */
export function engagementDomain(chainId: number, verifyingContract: Address): TypedDataDomain {
  return { name: EIP712_NAME, version: EIP712_VERSION, chainId, verifyingContract };
}

export const engagementTypes = {
  Delegation: [
    { name: "account", type: "address" },
    { name: "sessionKey", type: "address" },
    { name: "expiresAt", type: "uint64" },
    { name: "timestamp", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
  RevokeDelegation: [
    { name: "account", type: "address" },
    { name: "sessionKey", type: "address" },
    { name: "timestamp", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
  Follow: [
    { name: "account", type: "address" },
    { name: "target", type: "address" },
    { name: "follow", type: "bool" },
    { name: "timestamp", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
  View: [
    { name: "account", type: "address" },
    { name: "postId", type: "uint256" },
    { name: "dwellMs", type: "uint32" },
    { name: "campaignId", type: "uint256" },
    { name: "timestamp", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
  Like: [
    { name: "account", type: "address" },
    { name: "postId", type: "uint256" },
    { name: "timestamp", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
  Comment: [
    { name: "account", type: "address" },
    { name: "postId", type: "uint256" },
    { name: "text", type: "string" },
    { name: "timestamp", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
  Share: [
    { name: "account", type: "address" },
    { name: "postId", type: "uint256" },
    { name: "timestamp", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
  /**
   * Issued by an indexer (signed by its impression key, `account` is that key's address) when it
   * serves a stream page carrying an amplified item: the viewer, campaign and post, the price per
   * view the campaign bid for this viewer, until when a View receipt may match it, and the log seq
   * of the viewer's Policy message in effect (0 for the default policy).
   */
  Impression: [
    { name: "account", type: "address" },
    { name: "viewer", type: "address" },
    { name: "campaignId", type: "uint256" },
    { name: "postId", type: "uint256" },
    { name: "price", type: "uint256" },
    { name: "policySeq", type: "uint64" },
    { name: "expiresAt", type: "uint64" },
    { name: "timestamp", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
  Policy: [
    { name: "account", type: "address" },
    { name: "mode", type: "uint8" },
    { name: "communities", type: "uint256[]" },
    { name: "topics", type: "string[]" },
    { name: "blockedPromoters", type: "address[]" },
    { name: "timestamp", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
  /** Withdraws the account's like of `postId` (refused when the account does not like it). */
  Unlike: [
    { name: "account", type: "address" },
    { name: "postId", type: "uint256" },
    { name: "timestamp", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
  /** The account has read every notification created at or before `readUntil` (unix seconds). */
  NotificationsRead: [
    { name: "account", type: "address" },
    { name: "readUntil", type: "uint64" },
    { name: "timestamp", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
  /**
   * The account's public profile; the latest one (by log order) is in force. `avatar` is the
   * sha256 of an image in the indexer's media store (zero for none).
   */
  Profile: [
    { name: "account", type: "address" },
    { name: "name", type: "string" },
    { name: "avatar", type: "bytes32" },
    { name: "bio", type: "string" },
    { name: "timestamp", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
  /** Joins (`member` true) or leaves (false) a community; the latest message per account and community wins. */
  Membership: [
    { name: "account", type: "address" },
    { name: "communityId", type: "uint256" },
    { name: "member", type: "bool" },
    { name: "timestamp", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
  /**
   * The author deletes a post: the indexer hides it (and refuses new likes, comments and reposts
   * of it); the chain's record of the post is unchanged.
   */
  DeletePost: [
    { name: "account", type: "address" },
    { name: "postId", type: "uint256" },
    { name: "timestamp", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
} as const;

export type MessageKind = keyof typeof engagementTypes;
export const MESSAGE_KINDS = Object.keys(engagementTypes) as MessageKind[];
/** Kinds only an indexer's impression key issues: never accepted from a client. */
export const ISSUED_KINDS: ReadonlySet<MessageKind> = new Set<MessageKind>(["Impression"]);

/** Attention policy modes, in the order of the `mode` field. Default: friends. */
export const PolicyMode = {
  None: 0,
  Friends: 1,
  Communities: 2,
  Topics: 3,
  Everyone: 4,
} as const;
export type PolicyMode = (typeof PolicyMode)[keyof typeof PolicyMode];

interface Base {
  account: Address;
  timestamp: bigint;
  nonce: bigint;
}
export interface DelegationMessage extends Base {
  sessionKey: Address;
  expiresAt: bigint;
}
export interface RevokeDelegationMessage extends Base {
  sessionKey: Address;
}
export interface FollowMessage extends Base {
  target: Address;
  follow: boolean;
}
export interface ViewMessage extends Base {
  postId: bigint;
  dwellMs: number;
  /** The campaign whose amplified slot showed the post, or 0n for an organic view. */
  campaignId: bigint;
}
export interface LikeMessage extends Base {
  postId: bigint;
}
export interface CommentMessage extends Base {
  postId: bigint;
  text: string;
}
export interface ShareMessage extends Base {
  postId: bigint;
}
export interface ImpressionMessage extends Base {
  viewer: Address;
  campaignId: bigint;
  postId: bigint;
  price: bigint;
  policySeq: bigint;
  expiresAt: bigint;
}
export interface PolicyMessage extends Base {
  mode: PolicyMode;
  communities: bigint[];
  topics: string[];
  blockedPromoters: Address[];
}
export interface ProfileMessage extends Base {
  name: string;
  avatar: `0x${string}`;
  bio: string;
}

export interface UnlikeMessage extends Base {
  postId: bigint;
}
export interface NotificationsReadMessage extends Base {
  readUntil: bigint;
}

export interface MembershipMessage extends Base {
  communityId: bigint;
  member: boolean;
}

export interface DeletePostMessage extends Base {
  postId: bigint;
}

export interface MessageByKind {
  Delegation: DelegationMessage;
  RevokeDelegation: RevokeDelegationMessage;
  Follow: FollowMessage;
  View: ViewMessage;
  Like: LikeMessage;
  Comment: CommentMessage;
  Share: ShareMessage;
  Impression: ImpressionMessage;
  Policy: PolicyMessage;
  Unlike: UnlikeMessage;
  NotificationsRead: NotificationsReadMessage;
  Profile: ProfileMessage;
  Membership: MembershipMessage;
  DeletePost: DeletePostMessage;
}

/** A message as it travels: kind, fields and the signature over them. */
export type SignedMessage = {
  [K in MessageKind]: { kind: K; message: MessageByKind[K]; signature: `0x${string}` };
}[MessageKind];

/** Limits applied before any signature check. */
export const MESSAGE_LIMITS = {
  commentBytes: 1000,
  policyListItems: 64,
  topicBytes: 32,
  /** A message timestamped further ahead than this (seconds) is rejected. */
  maxClockSkewSeconds: 60,
  /** A delegation lasts at most this long (seconds). */
  maxDelegationSeconds: 30 * 24 * 3600,
  /** Serialized message JSON larger than this (bytes) is rejected. */
  maxPayloadBytes: 8192,
} as const;

/**
 * JSON wire form: bigints travel as decimal strings. `encodeMessage` and
 * `decodeMessage` are exact inverses for every kind.
 * `decodeMessage` (with field validation) lives in `./message-codec.ts`.
 */
export function encodeMessage(message: object): string {
  return JSON.stringify(message, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

/** Limits of a Profile message's fields (UTF-8 bytes); a name has no control characters. */
export const PROFILE_LIMITS = {
  nameBytes: 50,
  bioBytes: 300,
} as const;

/** `Profile.avatar` when the profile has no avatar. */
export const NO_AVATAR = `0x${"0".repeat(64)}` as const;
