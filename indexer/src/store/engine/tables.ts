/**
 * Row types of the store's tables for Kysely, shared by both engines. Amounts
 * are decimal strings on both (TEXT on SQLite, NUMERIC(78, 0) on PostgreSQL,
 * which `pg` returns as strings); block numbers, ids and times are numbers
 * (BIGINT on PostgreSQL, parsed to numbers by the pool, see `engine.ts`).
 */
import type { Generated } from "kysely";

export interface BlocksTable {
  number: number;
  hash: string;
  parent_hash: string;
  timestamp: number;
}

export interface CheckpointTable {
  id: number;
  block_number: number;
  block_hash: string | null;
  finalized_block: number;
  head_block: number;
}

export interface ChainEventsTable {
  block_number: number;
  tx_index: number;
  log_index: number;
  block_hash: string;
  tx_hash: string;
  address: string;
  kind: string;
  payload: string;
}

export interface BalancesTable {
  account: string;
  balance: string;
}

export interface CommunitiesTable {
  id: number;
  founder: string;
  name: string;
  description: string;
  created_at: number;
  block_number: number;
}

export interface ModeratorsTable {
  community_id: number;
  account: string;
  block_number: number;
  log_index: number;
  removed_block: number | null;
}

export interface PostsTable {
  id: number;
  community_id: number;
  author: string;
  text: string;
  content_hash: string;
  uri: string;
  created_at: number;
  block_number: number;
  tx_hash: string;
  topics: string;
  parent_id: number | null;
  root_id: number | null;
  quote_id: number | null;
}

export interface PostTopicsTable {
  post_id: number;
  position: number;
  topic: string;
  block_number: number;
}

export interface PostStatsTable {
  post_id: number;
  likes: Generated<number>;
  comments: Generated<number>;
  shares: Generated<number>;
  views: Generated<number>;
  bought_views: Generated<number>;
}

export interface CampaignsTable {
  id: number;
  post_id: number;
  promoter: string;
  payer: string;
  budget: string;
  spent: string;
  refunded_amount: Generated<string>;
  refunded_block: number | null;
  expires_at: number;
  created_at: number;
  block_number: number;
}

export interface CampaignSpendsTable {
  campaign_id: number;
  epoch: number;
  amount: string;
  block_number: number;
  log_index: number;
  revoked_block: number | null;
}

export interface EpochsTable {
  epoch: number;
  root: string;
  inputs_hash: string;
  total_spent: string;
  active_at: number;
  revoked_block: number | null;
  block_number: number;
  log_index: number;
}

export interface EpochManifestsTable {
  epoch: number;
  manifest: string;
  block_number: number;
  log_index: number;
}

export interface ClaimsTable {
  account: string;
  epoch: number;
  amount: string;
  cumulative: string;
  block_number: number;
  log_index: number;
}

export interface RefundWithdrawalsTable {
  campaign_id: number;
  promoter: string;
  amount: string;
  block_number: number;
  log_index: number;
}

export interface EpochRevocationsTable {
  from_epoch: number;
  to_epoch: number;
  block_number: number;
  log_index: number;
}

export interface EscrowPausesTable {
  paused: number;
  account: string;
  paused_for: number | null;
  timestamp: number;
  block_number: number;
  log_index: number;
}

export interface RoleEventsTable {
  contract: string;
  role: string;
  account: string;
  granted: number;
  block_number: number;
  log_index: number;
}

export interface RoleChangesTable {
  role: string;
  account: string;
  grant: number;
  ready_at: number;
  status: string;
  closed_by: string | null;
  closed_block: number | null;
  block_number: number;
  log_index: number;
}

export interface DisputesTable {
  epoch: number;
  disputer: string;
  bond: string;
  deadline: number;
  status: number;
  paid: string | null;
  settled_block: number | null;
  settled_log: number | null;
  resolved_block: number | null;
  block_number: number;
  log_index: number;
}

export interface DisputePoolFundingsTable {
  funder: string;
  amount: string;
  block_number: number;
  log_index: number;
}

export interface EpochPayoutsTable {
  epoch: number;
  account: string;
  amount: string;
  cumulative: string;
  proof: string;
  root: string | null;
}

export interface NotificationsTable {
  id: Generated<number>;
  account: string;
  kind: string;
  actor: string | null;
  post_id: number | null;
  epoch: number | null;
  amount: string | null;
  created_at: number;
  block_number: number | null;
  seq: number | null;
}

export interface EngagementLogTable {
  seq: Generated<number>;
  kind: string;
  account: string;
  signer: string;
  nonce: string;
  post_id: number | null;
  campaign_id: number | null;
  json: string;
  signature: string;
  timestamp: number;
  received_at: number;
}

export interface DelegationsTable {
  account: string;
  session_key: string;
  expires_at: number;
  revoked: Generated<number>;
  seq: number;
}

export interface FollowsTable {
  follower: string;
  target: string;
  seq: number;
}

export interface PoliciesTable {
  account: string;
  mode: number;
  communities: string;
  topics: string;
  blocked_promoters: string;
  seq: number;
}

export interface LikesTable {
  post_id: number;
  account: string;
  seq: number;
}

export interface PostViewMarksTable {
  post_id: number;
  account: string;
  day: number;
  bought: number;
}

export interface PostShareMarksTable {
  post_id: number;
  account: string;
}

export interface NotificationReadsTable {
  account: string;
  read_until: number;
  seq: number;
}

export interface ProfilesTable {
  account: string;
  name: string;
  bio: string;
  avatar: string;
  seq: number;
  updated_at: number;
}

export interface MembershipsTable {
  community_id: number;
  account: string;
  member: number;
  timestamp: number;
  seq: number;
}

export interface MediaTable {
  hash: string;
  mime_type: string;
  size: number;
  width: number;
  height: number;
  created_at: number;
}

export interface ProfileNamesTable {
  account: string;
  name: string;
  since: number;
  seq: number;
}

export interface PostMentionsTable {
  post_id: number;
  start: number;
  length: number;
  account: string;
  block_number: number;
}

export interface PostDeletionsTable {
  post_id: number;
  account: string;
  seq: number;
  timestamp: number;
}

/** The tables the chain store and the engagement log write (and the payouts EARNING notifications read). */
export interface StoreTables {
  blocks: BlocksTable;
  checkpoint: CheckpointTable;
  chain_events: ChainEventsTable;
  balances: BalancesTable;
  communities: CommunitiesTable;
  moderators: ModeratorsTable;
  posts: PostsTable;
  post_topics: PostTopicsTable;
  post_stats: PostStatsTable;
  campaigns: CampaignsTable;
  campaign_spends: CampaignSpendsTable;
  epochs: EpochsTable;
  epoch_manifests: EpochManifestsTable;
  claims: ClaimsTable;
  refund_withdrawals: RefundWithdrawalsTable;
  epoch_revocations: EpochRevocationsTable;
  escrow_pauses: EscrowPausesTable;
  role_events: RoleEventsTable;
  role_changes: RoleChangesTable;
  disputes: DisputesTable;
  dispute_pool_fundings: DisputePoolFundingsTable;
  epoch_payouts: EpochPayoutsTable;
  notifications: NotificationsTable;
  engagement_log: EngagementLogTable;
  delegations: DelegationsTable;
  follows: FollowsTable;
  policies: PoliciesTable;
  likes: LikesTable;
  post_view_marks: PostViewMarksTable;
  post_share_marks: PostShareMarksTable;
  notification_reads: NotificationReadsTable;
  profiles: ProfilesTable;
  memberships: MembershipsTable;
  media: MediaTable;
  profile_names: ProfileNamesTable;
  post_mentions: PostMentionsTable;
  post_deletions: PostDeletionsTable;
}
