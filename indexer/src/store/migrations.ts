/**
 * Schema migrations, applied in order and recorded in `migrations`. Never edit
 * a shipped migration: append a new one.
 *
 * Conventions: amounts are TEXT decimal strings (exact bigint), addresses and
 * hashes lowercase 0x hex, ids INTEGER. Rows derived from chain events carry
 * the `block_number` that created them so a reorg can delete them; columns
 * named `*_block` record the block of a later change so a reorg can undo it.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: "chain",
    sql: `
CREATE TABLE blocks (
  number INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  parent_hash TEXT NOT NULL,
  timestamp INTEGER NOT NULL
);
CREATE TABLE checkpoint (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  block_number INTEGER NOT NULL,
  block_hash TEXT,
  finalized_block INTEGER NOT NULL,
  head_block INTEGER NOT NULL
);
CREATE TABLE chain_events (
  block_number INTEGER NOT NULL,
  tx_index INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  block_hash TEXT NOT NULL,
  tx_hash TEXT NOT NULL,
  address TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  PRIMARY KEY (block_number, log_index)
) WITHOUT ROWID;
CREATE INDEX chain_events_kind ON chain_events (kind, block_number);

CREATE TABLE balances (
  account TEXT PRIMARY KEY,
  balance TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE communities (
  id INTEGER PRIMARY KEY,
  founder TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  block_number INTEGER NOT NULL
);
CREATE TABLE moderators (
  community_id INTEGER NOT NULL,
  account TEXT NOT NULL,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  removed_block INTEGER,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX moderators_community ON moderators (community_id, account);

CREATE TABLE posts (
  id INTEGER PRIMARY KEY,
  community_id INTEGER NOT NULL,
  author TEXT NOT NULL,
  text TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  uri TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  block_number INTEGER NOT NULL,
  tx_hash TEXT NOT NULL
);
CREATE INDEX posts_community ON posts (community_id, id);
CREATE INDEX posts_author ON posts (author, id);
CREATE TABLE post_topics (
  post_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  topic TEXT NOT NULL,
  block_number INTEGER NOT NULL,
  PRIMARY KEY (post_id, position)
) WITHOUT ROWID;
CREATE INDEX post_topics_topic ON post_topics (topic, post_id);

CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY,
  post_id INTEGER NOT NULL,
  promoter TEXT NOT NULL,
  payer TEXT NOT NULL,
  budget TEXT NOT NULL,
  spent TEXT NOT NULL,
  refunded_amount TEXT NOT NULL DEFAULT '0',
  refunded_block INTEGER,
  expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  block_number INTEGER NOT NULL
);
CREATE INDEX campaigns_post ON campaigns (post_id, id);
CREATE INDEX campaigns_promoter ON campaigns (promoter, id);
CREATE TABLE campaign_spends (
  campaign_id INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  amount TEXT NOT NULL,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  revoked_block INTEGER,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX campaign_spends_epoch ON campaign_spends (epoch, campaign_id);
CREATE INDEX campaign_spends_campaign ON campaign_spends (campaign_id, epoch);

-- One row per settlement; an epoch number settles again after a revoke.
CREATE TABLE epochs (
  epoch INTEGER NOT NULL,
  root TEXT NOT NULL,
  inputs_hash TEXT NOT NULL,
  total_spent TEXT NOT NULL,
  active_at INTEGER NOT NULL,
  revoked_block INTEGER,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX epochs_epoch ON epochs (epoch, block_number);

CREATE TABLE claims (
  account TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  amount TEXT NOT NULL,
  cumulative TEXT NOT NULL,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX claims_account ON claims (account, block_number);
`,
  },
  {
    version: 2,
    name: "engagement",
    sql: `
CREATE TABLE engagement_log (
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  account TEXT NOT NULL,
  signer TEXT NOT NULL,
  nonce TEXT NOT NULL,
  post_id INTEGER,
  campaign_id INTEGER,
  json TEXT NOT NULL,
  signature TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  UNIQUE (account, nonce)
);
CREATE INDEX engagement_post ON engagement_log (post_id, kind, seq) WHERE post_id IS NOT NULL;
CREATE INDEX engagement_campaign ON engagement_log (campaign_id) WHERE campaign_id IS NOT NULL;

CREATE TABLE delegations (
  account TEXT NOT NULL,
  session_key TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  seq INTEGER NOT NULL,
  PRIMARY KEY (account, session_key)
) WITHOUT ROWID;

CREATE TABLE follows (
  follower TEXT NOT NULL,
  target TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (follower, target)
) WITHOUT ROWID;
CREATE INDEX follows_target ON follows (target, follower);

CREATE TABLE policies (
  account TEXT PRIMARY KEY,
  mode INTEGER NOT NULL,
  communities TEXT NOT NULL,
  topics TEXT NOT NULL,
  blocked_promoters TEXT NOT NULL,
  seq INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE post_stats (
  post_id INTEGER PRIMARY KEY,
  likes INTEGER NOT NULL DEFAULT 0,
  comments INTEGER NOT NULL DEFAULT 0,
  shares INTEGER NOT NULL DEFAULT 0,
  views INTEGER NOT NULL DEFAULT 0,
  bought_views INTEGER NOT NULL DEFAULT 0
);
`,
  },
  {
    version: 3,
    name: "settlement",
    sql: `
-- Filled by settlement: per epoch, each account's payout, cumulative amount
-- (the Merkle leaf) and proof (JSON array of 0x hashes) under \`root\`.
CREATE TABLE epoch_payouts (
  epoch INTEGER NOT NULL,
  account TEXT NOT NULL,
  amount TEXT NOT NULL,
  cumulative TEXT NOT NULL,
  proof TEXT NOT NULL,
  root TEXT,
  PRIMARY KEY (epoch, account)
) WITHOUT ROWID;
CREATE INDEX epoch_payouts_account ON epoch_payouts (account, epoch);
CREATE TABLE epoch_campaign_payouts (
  epoch INTEGER NOT NULL,
  campaign_id INTEGER NOT NULL,
  account TEXT NOT NULL,
  amount TEXT NOT NULL,
  PRIMARY KEY (epoch, campaign_id, account)
) WITHOUT ROWID;
CREATE INDEX epoch_campaign_payouts_account ON epoch_campaign_payouts (account, epoch);
`,
  },
];

migrations.push({
  version: 4,
  name: "likes",
  sql: `
CREATE TABLE likes (
  post_id INTEGER NOT NULL,
  account TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (post_id, account)
) WITHOUT ROWID;
`,
});

migrations.push({
  version: 5,
  name: "post topics inline",
  sql: `
-- Topics also kept on the post row (JSON array) so a page of posts needs no per-post lookup.
ALTER TABLE posts ADD COLUMN topics TEXT NOT NULL DEFAULT '[]';
UPDATE posts SET topics = COALESCE((SELECT json_group_array(topic) FROM (SELECT topic FROM post_topics t WHERE t.post_id = posts.id ORDER BY position)), '[]');
`,
});

migrations.push({
  version: 6,
  name: "post stats for every post",
  sql: `
-- Every post has a stats row from publication, so "most liked/viewed" pages walk an index.
INSERT OR IGNORE INTO post_stats (post_id) SELECT id FROM posts;
CREATE INDEX post_stats_likes ON post_stats (likes, post_id);
CREATE INDEX post_stats_views ON post_stats (views, post_id);
`,
});

migrations.push({
  version: 7,
  name: "largest nonce per account",
  sql: `
-- Decimal nonces order by (length, text); this index answers an account's largest nonce directly.
CREATE INDEX engagement_nonce_order ON engagement_log (account, length(nonce), nonce);
`,
});

migrations.push({
  version: 8,
  name: "drop largest-nonce index",
  sql: `
-- Maintaining the expression index halved append throughput; an account's largest nonce is read
-- from its (account, nonce) entries instead.
DROP INDEX IF EXISTS engagement_nonce_order;
`,
});

migrations.push({
  version: 9,
  name: "settlement runs and lease",
  sql: `
-- The settler's record of each epoch it computed or sent, and the lease that keeps to one settler per
-- database. IF NOT EXISTS: databases from before this migration already have them.
CREATE TABLE IF NOT EXISTS settlement_runs (
  epoch INTEGER PRIMARY KEY,
  from_seq INTEGER NOT NULL,
  to_seq INTEGER NOT NULL,
  block_number INTEGER NOT NULL,
  export_hash TEXT NOT NULL,
  inputs_hash TEXT NOT NULL,
  root TEXT NOT NULL,
  total_spent TEXT NOT NULL,
  status TEXT NOT NULL,
  tx_hash TEXT,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS settlement_lease (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  owner TEXT NOT NULL,
  until INTEGER NOT NULL
);
`,
});

migrations.push({
  version: 10,
  name: "view payout reasons",
  sql: `
-- Filled by settlement: per epoch, campaign and attendee, why the view was or was not paid
-- (settlement/payouts.ts VIEW_REASONS) and what it received.
CREATE TABLE epoch_view_reasons (
  epoch INTEGER NOT NULL,
  campaign_id INTEGER NOT NULL,
  account TEXT NOT NULL,
  reason TEXT NOT NULL,
  amount TEXT NOT NULL,
  PRIMARY KEY (campaign_id, account, epoch)
) WITHOUT ROWID;
CREATE INDEX epoch_view_reasons_epoch ON epoch_view_reasons (epoch);
`,
});

migrations.push({
  version: 11,
  name: "view and share counts once per account",
  sql: `
-- Post counters count a view once per account, post and day (organic and bought apart) and a
-- share once per account and post; the log keeps every message.
CREATE TABLE post_view_marks (
  post_id INTEGER NOT NULL,
  account TEXT NOT NULL,
  day INTEGER NOT NULL,
  bought INTEGER NOT NULL,
  PRIMARY KEY (post_id, account, day, bought)
) WITHOUT ROWID;
CREATE TABLE post_share_marks (
  post_id INTEGER NOT NULL,
  account TEXT NOT NULL,
  PRIMARY KEY (post_id, account)
) WITHOUT ROWID;
`,
});

migrations.push({
  version: 12,
  name: "refund withdrawals and revocations",
  sql: `
-- RefundWithdrawn: what each promoter took of a campaign's refund credit.
CREATE TABLE refund_withdrawals (
  campaign_id INTEGER NOT NULL,
  promoter TEXT NOT NULL,
  amount TEXT NOT NULL,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX refund_withdrawals_campaign ON refund_withdrawals (campaign_id);
-- EpochsRevoked: a revoke (or an upheld or expired dispute) of fromEpoch..toEpoch; the epochs are
-- revoked from this event on, their spends go back as EpochRevoked says.
CREATE TABLE epoch_revocations (
  from_epoch INTEGER NOT NULL,
  to_epoch INTEGER NOT NULL,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
`,
});

migrations.push({
  version: 13,
  name: "escrow pause and roles",
  sql: `
-- Paused / Unpaused of the escrow, in order; the latest row is the state.
CREATE TABLE escrow_pauses (
  paused INTEGER NOT NULL,
  account TEXT NOT NULL,
  paused_for INTEGER,
  timestamp INTEGER NOT NULL,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
-- RoleGranted / RoleRevoked of any followed contract; the latest row per (contract, role, account) is
-- whether it holds the role.
CREATE TABLE role_events (
  contract TEXT NOT NULL,
  role TEXT NOT NULL,
  account TEXT NOT NULL,
  granted INTEGER NOT NULL,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX role_events_role ON role_events (contract, role, account, block_number);
-- The escrow's delayed role changes: scheduled, then executed or cancelled (closed_block).
CREATE TABLE role_changes (
  role TEXT NOT NULL,
  account TEXT NOT NULL,
  grant INTEGER NOT NULL,
  ready_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  closed_by TEXT,
  closed_block INTEGER,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX role_changes_open ON role_changes (role, account, grant, status);
`,
});

migrations.push({
  version: 14,
  name: "disputes",
  sql: `
-- EpochDisputed, tied to the settlement it disputes (settled_block, settled_log: the EpochSettled
-- row); DisputeResolved sets status (2 upheld, 3 rejected, 4 expired), paid and resolved_block.
CREATE TABLE disputes (
  epoch INTEGER NOT NULL,
  disputer TEXT NOT NULL,
  bond TEXT NOT NULL,
  deadline INTEGER NOT NULL,
  status INTEGER NOT NULL,
  paid TEXT,
  settled_block INTEGER,
  settled_log INTEGER,
  resolved_block INTEGER,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX disputes_epoch ON disputes (epoch, block_number);
CREATE INDEX disputes_settlement ON disputes (settled_block, settled_log);
-- DisputePoolFunded; the pool is funding plus rejected bonds minus upheld rewards.
CREATE TABLE dispute_pool_fundings (
  funder TEXT NOT NULL,
  amount TEXT NOT NULL,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
`,
});

migrations.push({
  version: 15,
  name: "epoch manifests",
  sql: `
-- The manifest each settlement published on chain (EpochManifest, hex of its UTF-8 bytes), beside the
-- EpochSettled of the same transaction; and the manifest text the settler sent with each run.
CREATE TABLE epoch_manifests (
  epoch INTEGER NOT NULL,
  manifest TEXT NOT NULL,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX epoch_manifests_epoch ON epoch_manifests (epoch, block_number);
ALTER TABLE settlement_runs ADD COLUMN manifest TEXT;
`,
});

migrations.push({
  version: 16,
  name: "organic impressions per campaign",
  sql: `
-- Written by the attention service: per campaign, the stream pages whose organic cut (the same
-- ranking without amplification) held the campaign's post, so lift survives a restart.
CREATE TABLE campaign_organic_impressions (
  campaign_id INTEGER PRIMARY KEY,
  impressions INTEGER NOT NULL
);
`,
});

migrations.push({
  version: 17,
  name: "replies and quotes",
  sql: `
-- A reply names its parent (and the root of its thread); a quote the post it quotes. Set by the
-- PostReplied / PostQuoted event that follows the post's PostPublished in the same transaction.
ALTER TABLE posts ADD COLUMN parent_id INTEGER;
ALTER TABLE posts ADD COLUMN root_id INTEGER;
ALTER TABLE posts ADD COLUMN quote_id INTEGER;
CREATE INDEX posts_parent ON posts (parent_id, id) WHERE parent_id IS NOT NULL;
CREATE INDEX posts_root ON posts (root_id, id) WHERE root_id IS NOT NULL;
CREATE INDEX posts_quote ON posts (quote_id, id) WHERE quote_id IS NOT NULL;
`,
});

migrations.push({
  version: 18,
  name: "notifications",
  sql: `
-- What happened to an account: derived from chain events (replies, quotes, mentions, earnings;
-- block_number set, so a reorg deletes them) and from the engagement log (likes, reposts,
-- follows, comments; seq set). created_at is the block's time or the message's receipt time.
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  kind TEXT NOT NULL,
  actor TEXT,
  post_id INTEGER,
  epoch INTEGER,
  amount TEXT,
  created_at INTEGER NOT NULL,
  block_number INTEGER,
  seq INTEGER
);
CREATE INDEX notifications_account ON notifications (account, id);
CREATE INDEX notifications_account_time ON notifications (account, created_at);
CREATE INDEX notifications_block ON notifications (block_number) WHERE block_number IS NOT NULL;
CREATE INDEX notifications_like ON notifications (post_id, actor) WHERE kind = 'LIKE';
-- The read marker of each account: everything created at or before read_until is read. Only a
-- NotificationsRead message signed for the account moves it, and only forward.
CREATE TABLE notification_reads (
  account TEXT PRIMARY KEY,
  read_until INTEGER NOT NULL,
  seq INTEGER NOT NULL
) WITHOUT ROWID;
`,
});

migrations.push({
  version: 19,
  name: "profiles",
  sql: `
-- The Profile message in force per account (the latest in log order). A rowid table: the
-- people search index reads it as its content.
CREATE TABLE profiles (
  account TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  bio TEXT NOT NULL,
  avatar TEXT NOT NULL,
  seq INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
`,
});

migrations.push({
  version: 20,
  name: "media",
  sql: `
-- Images in the content store (bytes on disk under their sha256), with what was read from them.
CREATE TABLE media (
  hash TEXT PRIMARY KEY,
  mime_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
`,
});

migrations.push({
  version: 21,
  name: "full-text search",
  sql: `
-- FTS5 indexes over posts (text, topics), communities (name, description) and profiles (name,
-- bio, account), kept in step with their tables by triggers (a reorg's deletes included).
-- Prefix indexes answer what is being typed (the last word matches as a prefix) without merging
-- every word that starts with it.
CREATE VIRTUAL TABLE post_search USING fts5(
  text, topics, content = 'posts', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3 4'
);
CREATE TRIGGER post_search_insert AFTER INSERT ON posts BEGIN
  INSERT INTO post_search (rowid, text, topics) VALUES (new.id, new.text, new.topics);
END;
CREATE TRIGGER post_search_delete AFTER DELETE ON posts BEGIN
  INSERT INTO post_search (post_search, rowid, text, topics) VALUES ('delete', old.id, old.text, old.topics);
END;
CREATE TRIGGER post_search_update AFTER UPDATE OF text, topics ON posts BEGIN
  INSERT INTO post_search (post_search, rowid, text, topics) VALUES ('delete', old.id, old.text, old.topics);
  INSERT INTO post_search (rowid, text, topics) VALUES (new.id, new.text, new.topics);
END;
INSERT INTO post_search (post_search) VALUES ('rebuild');
-- How many posts hold each word: a query ignores words in most posts, as bm25 gives them no weight.
CREATE VIRTUAL TABLE post_search_vocab USING fts5vocab(post_search, 'row');

CREATE VIRTUAL TABLE community_search USING fts5(
  name, description, content = 'communities', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3 4'
);
CREATE TRIGGER community_search_insert AFTER INSERT ON communities BEGIN
  INSERT INTO community_search (rowid, name, description) VALUES (new.id, new.name, new.description);
END;
CREATE TRIGGER community_search_delete AFTER DELETE ON communities BEGIN
  INSERT INTO community_search (community_search, rowid, name, description) VALUES ('delete', old.id, old.name, old.description);
END;
CREATE TRIGGER community_search_update AFTER UPDATE OF name, description ON communities BEGIN
  INSERT INTO community_search (community_search, rowid, name, description) VALUES ('delete', old.id, old.name, old.description);
  INSERT INTO community_search (rowid, name, description) VALUES (new.id, new.name, new.description);
END;
INSERT INTO community_search (community_search) VALUES ('rebuild');

CREATE VIRTUAL TABLE profile_search USING fts5(
  name, bio, account, content = 'profiles', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3 4'
);
CREATE TRIGGER profile_search_insert AFTER INSERT ON profiles BEGIN
  INSERT INTO profile_search (rowid, name, bio, account) VALUES (new.rowid, new.name, new.bio, new.account);
END;
CREATE TRIGGER profile_search_delete AFTER DELETE ON profiles BEGIN
  INSERT INTO profile_search (profile_search, rowid, name, bio, account) VALUES ('delete', old.rowid, old.name, old.bio, old.account);
END;
CREATE TRIGGER profile_search_update AFTER UPDATE ON profiles BEGIN
  INSERT INTO profile_search (profile_search, rowid, name, bio, account) VALUES ('delete', old.rowid, old.name, old.bio, old.account);
  INSERT INTO profile_search (rowid, name, bio, account) VALUES (new.rowid, new.name, new.bio, new.account);
END;
`,
});

migrations.push({
  version: 22,
  name: "community memberships",
  sql: `
-- From Membership messages: the latest join or leave per account and community.
CREATE TABLE memberships (
  community_id INTEGER NOT NULL,
  account TEXT NOT NULL,
  member INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (community_id, account)
) WITHOUT ROWID;
CREATE INDEX memberships_account ON memberships (account, community_id);
`,
});

migrations.push({
  version: 34,
  name: "mentions by display name",
  sql: `
-- Every display name an account has signed, from the Profile message that set it (a message that
-- keeps the name adds no row; an empty name ends the previous one). A post's @Name resolves
-- against the names in force at the post's block time; since is the message's timestamp.
CREATE TABLE profile_names (
  account TEXT NOT NULL,
  name TEXT NOT NULL,
  since INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (account, seq)
) WITHOUT ROWID;
CREATE INDEX profile_names_name ON profile_names (name COLLATE NOCASE, since, seq);
INSERT INTO profile_names (account, name, since, seq) SELECT account, name, updated_at, seq FROM profiles;
-- The accounts a post's text mentions (@Name or @0x address), resolved when the post was
-- indexed: start and length of the "@..." in the text, in UTF-16 code units.
CREATE TABLE post_mentions (
  post_id INTEGER NOT NULL,
  start INTEGER NOT NULL,
  length INTEGER NOT NULL,
  account TEXT NOT NULL,
  block_number INTEGER NOT NULL,
  PRIMARY KEY (post_id, start)
) WITHOUT ROWID;
CREATE INDEX post_mentions_block ON post_mentions (block_number);
`,
});

migrations.push({
  version: 35,
  name: "deleted posts",
  sql: `
-- Posts their authors deleted with a DeletePost message: hidden from the API (the chain's record
-- and the post's row stay). Derived from the log, so a reorg that re-mines the post keeps it hidden.
CREATE TABLE post_deletions (
  post_id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  seq INTEGER NOT NULL,
  timestamp INTEGER NOT NULL
);
`,
});
