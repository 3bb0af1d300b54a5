/**
 * The inputs the attention model reads: engagement log entries (as verified
 * messages with their log sequence) and the on-chain facts they refer to.
 * Addresses are compared lower-cased everywhere in the model.
 */
import type { Address } from "viem";
import type { MessageByKind, MessageKind } from "#protocol";

export type LogEntry = {
  [K in MessageKind]: { seq: number; kind: K; message: MessageByKind[K] };
}[MessageKind];
export type EngagementKind = "View" | "Like" | "Comment" | "Share";
export type EngagementEntry = Extract<LogEntry, { kind: EngagementKind }>;

export interface PostInfo {
  id: bigint;
  author: Address;
  communityId: bigint;
  topics: readonly string[];
  /** Unix seconds (block timestamp of publication). */
  createdAt: number;
}

export interface CommunityInfo {
  id: bigint;
  founder: Address;
  moderators: readonly Address[];
  /** Unix seconds of each moderator's appointment (lower-case address); a moderator absent here counts as appointed long ago. */
  appointedAt?: Readonly<Record<string, number>>;
}

export interface CampaignInfo {
  id: bigint;
  postId: bigint;
  promoter: Address;
  /** Budget not yet spent by earlier epochs (token wei). */
  remaining: bigint;
  /** Unix seconds; views at or after it do not pay. */
  expiresAt: number;
  /** Unix seconds; views before it do not pay. 0 when unknown. */
  createdAt: number;
  refunded: boolean;
}

export function isEngagement(entry: LogEntry): entry is EngagementEntry {
  return entry.kind === "View" || entry.kind === "Like" || entry.kind === "Comment" || entry.kind === "Share";
}

export function addr(a: string): string {
  return a.toLowerCase();
}
