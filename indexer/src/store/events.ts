/**
 * Chain events in their stored form: what the follower decodes from logs and
 * what the store folds into tables. Payload values are JSON-safe: uint256 and
 * uint64 as decimal strings, addresses and hashes lowercase hex.
 */
export interface ChainEventPayloads {
  Transfer: { from: string; to: string; value: string };
  CommunityCreated: { communityId: string; founder: string; name: string; description: string };
  ModeratorAdded: { communityId: string; account: string };
  ModeratorRemoved: { communityId: string; account: string };
  PostPublished: {
    postId: string;
    communityId: string;
    author: string;
    topics: string[];
    text: string;
    contentHash: string;
    uri: string;
  };
  PostReplied: { postId: string; parentId: string };
  PostQuoted: { postId: string; quotedId: string };
  CampaignCreated: {
    campaignId: string;
    postId: string;
    promoter: string;
    payer: string;
    budget: string;
    expiresAt: string;
  };
  CampaignToppedUp: { campaignId: string; payer: string; amount: string };
  CampaignRefunded: { campaignId: string; promoter: string; amount: string };
  CampaignSpent: { campaignId: string; epoch: string; amount: string };
  EpochSettled: {
    epoch: string;
    root: string;
    inputsHash: string;
    totalSpent: string;
    activeAt: string;
    periodEnd: string;
  };
  EpochRevoked: { epoch: string };
  /** `manifest` is the hex of the manifest's UTF-8 bytes. */
  EpochManifest: { epoch: string; manifest: string };
  Claimed: { account: string; epoch: string; amount: string; cumulativeAmount: string };
  RefundWithdrawn: { campaignId: string; promoter: string; amount: string };
  EpochsRevoked: { fromEpoch: string; toEpoch: string };
  /** The escrow's and the token's AccessControl events (`address` says which contract). */
  RoleGranted: { role: string; account: string; sender: string };
  RoleRevoked: { role: string; account: string; sender: string };
  RoleChangeScheduled: { role: string; account: string; grant: boolean; readyAt: string };
  RoleChangeExecuted: { role: string; account: string; grant: boolean };
  RoleChangeCancelled: { role: string; account: string; grant: boolean; by: string };
  Paused: { account: string };
  Unpaused: { account: string; pausedFor: string };
  EpochDisputed: { epoch: string; disputer: string; bond: string; deadline: string };
  DisputeResolved: { epoch: string; disputer: string; status: number; paidToDisputer: string };
  DisputePoolFunded: { funder: string; amount: string };
}

export type ChainEventKind = keyof ChainEventPayloads;
export const CHAIN_EVENT_KINDS = [
  "Transfer",
  "CommunityCreated",
  "ModeratorAdded",
  "ModeratorRemoved",
  "PostPublished",
  "CampaignCreated",
  "CampaignToppedUp",
  "CampaignRefunded",
  "CampaignSpent",
  "EpochSettled",
  "EpochRevoked",
  "Claimed",
  "EpochManifest",
  "RefundWithdrawn",
  "EpochsRevoked",
  "RoleGranted",
  "RoleRevoked",
  "RoleChangeScheduled",
  "RoleChangeExecuted",
  "RoleChangeCancelled",
  "Paused",
  "Unpaused",
  "EpochDisputed",
  "DisputeResolved",
  "DisputePoolFunded",
  "PostReplied",
  "PostQuoted",
] as const satisfies readonly ChainEventKind[];

interface EventPosition {
  blockNumber: number;
  blockHash: string;
  txIndex: number;
  logIndex: number;
  txHash: string;
  address: string;
  /** Timestamp (unix seconds) of the block. */
  timestamp: number;
}

export type ChainEvent = {
  [K in ChainEventKind]: EventPosition & { kind: K; payload: ChainEventPayloads[K] };
}[ChainEventKind];

export interface BlockRecord {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
}

/** How far the chain store has indexed. */
export interface Checkpoint {
  /** Last fully indexed block (-1 before the first batch). */
  blockNumber: number;
  blockHash: string | null;
  finalizedBlock: number;
  headBlock: number;
}

/** What the follower applies in one transaction: blocks, their events and the new checkpoint. */
export interface ChainBatch {
  blocks: BlockRecord[];
  events: ChainEvent[];
  checkpoint: Checkpoint;
}

/** Sort key of an event: (block, tx index, log index). */
export function compareEvents(a: ChainEvent, b: ChainEvent): number {
  return a.blockNumber - b.blockNumber || a.txIndex - b.txIndex || a.logIndex - b.logIndex;
}
