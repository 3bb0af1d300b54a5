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
  version: 30,
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
