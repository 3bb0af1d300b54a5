/**
 * The PostgreSQL schema, as SQL migrations of its own (applied in order,
 * recorded in `migrations`, never edited once shipped). Same tables, columns
 * and indexes as the SQLite migrations in `../migrations.ts`, so one set of
 * Kysely queries runs on both; the differences are the engine's types:
 * amounts are NUMERIC(78, 0) (every uint256 fits, sums stay exact), block
 * numbers, ids and times BIGINT, and generated ids are identity columns.
 */
import type { Migration } from "../migrations.ts";

/**
 * PostgreSQL schema text: `docs` holds one search document per row of `table` (its key
 * `key` from the row's `rowKey`), rewritten by statement-level triggers (transition tables,
 * so a bulk insert costs one statement) when a row comes, goes or changes one of `columns`.
 */
function searchDocs(
  table: string,
  docs: string,
  key: string,
  keyType: string,
  rowKey: string,
  columns: readonly string[],
  doc: (row: string) => string,
): string {
  const changed = columns.map((c) => `n.${c} IS DISTINCT FROM o.${c}`).join(" OR ");
  return `CREATE TABLE ${docs} (
  ${key} ${keyType} PRIMARY KEY,
  doc tsvector NOT NULL
);
CREATE INDEX ${docs}_doc ON ${docs} USING gin (doc);
CREATE FUNCTION ${docs}_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ${docs} (${key}, doc) SELECT n.${rowKey}, ${doc("n")} FROM new_rows n
  ON CONFLICT (${key}) DO UPDATE SET doc = EXCLUDED.doc;
  RETURN NULL;
END $$;
CREATE FUNCTION ${docs}_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM ${docs} d USING old_rows o WHERE d.${key} = o.${rowKey}
    AND NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.${rowKey} = o.${rowKey});
  INSERT INTO ${docs} (${key}, doc)
    SELECT n.${rowKey}, ${doc("n")} FROM new_rows n LEFT JOIN old_rows o ON o.${rowKey} = n.${rowKey}
    WHERE o.${rowKey} IS NULL OR ${changed}
  ON CONFLICT (${key}) DO UPDATE SET doc = EXCLUDED.doc;
  RETURN NULL;
END $$;
CREATE FUNCTION ${docs}_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM ${docs} d USING old_rows o WHERE d.${key} = o.${rowKey};
  RETURN NULL;
END $$;
CREATE FUNCTION ${docs}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE ${docs};
  RETURN NULL;
END $$;
CREATE TRIGGER ${docs}_insert AFTER INSERT ON ${table} REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ${docs}_insert();
CREATE TRIGGER ${docs}_update AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ${docs}_update();
CREATE TRIGGER ${docs}_delete AFTER DELETE ON ${table} REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ${docs}_delete();
CREATE TRIGGER ${docs}_truncate AFTER TRUNCATE ON ${table}
  FOR EACH STATEMENT EXECUTE FUNCTION ${docs}_truncate();`;
}

export const pgMigrations: Migration[] = [
  {
    version: 1,
    name: "chain",
    sql: `
CREATE TABLE blocks (
  number BIGINT PRIMARY KEY,
  hash TEXT NOT NULL,
  parent_hash TEXT NOT NULL,
  timestamp BIGINT NOT NULL
);
CREATE TABLE checkpoint (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  block_number BIGINT NOT NULL,
  block_hash TEXT,
  finalized_block BIGINT NOT NULL,
  head_block BIGINT NOT NULL
);
CREATE TABLE chain_events (
  block_number BIGINT NOT NULL,
  tx_index INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  block_hash TEXT NOT NULL,
  tx_hash TEXT NOT NULL,
  address TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX chain_events_kind ON chain_events (kind, block_number);
CREATE TABLE balances (
  account TEXT PRIMARY KEY,
  balance NUMERIC(78, 0) NOT NULL
);
CREATE TABLE communities (
  id BIGINT PRIMARY KEY,
  founder TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  block_number BIGINT NOT NULL
);
CREATE TABLE moderators (
  community_id BIGINT NOT NULL,
  account TEXT NOT NULL,
  block_number BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  removed_block BIGINT,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX moderators_community ON moderators (community_id, account);
CREATE TABLE posts (
  id BIGINT PRIMARY KEY,
  community_id BIGINT NOT NULL,
  author TEXT NOT NULL,
  text TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  uri TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  block_number BIGINT NOT NULL,
  tx_hash TEXT NOT NULL,
  topics TEXT NOT NULL DEFAULT '[]',
  parent_id BIGINT,
  root_id BIGINT,
  quote_id BIGINT
);
CREATE INDEX posts_community ON posts (community_id, id);
CREATE INDEX posts_author ON posts (author, id);
CREATE INDEX posts_parent ON posts (parent_id, id) WHERE parent_id IS NOT NULL;
CREATE INDEX posts_root ON posts (root_id, id) WHERE root_id IS NOT NULL;
CREATE INDEX posts_quote ON posts (quote_id, id) WHERE quote_id IS NOT NULL;
CREATE TABLE post_topics (
  post_id BIGINT NOT NULL,
  position INTEGER NOT NULL,
  topic TEXT NOT NULL,
  block_number BIGINT NOT NULL,
  PRIMARY KEY (post_id, position)
);
CREATE INDEX post_topics_topic ON post_topics (topic, post_id);
CREATE TABLE post_stats (
  post_id BIGINT PRIMARY KEY,
  likes INTEGER NOT NULL DEFAULT 0,
  comments INTEGER NOT NULL DEFAULT 0,
  shares INTEGER NOT NULL DEFAULT 0,
  views INTEGER NOT NULL DEFAULT 0,
  bought_views INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX post_stats_likes ON post_stats (likes, post_id);
CREATE INDEX post_stats_views ON post_stats (views, post_id);
CREATE TABLE campaigns (
  id BIGINT PRIMARY KEY,
  post_id BIGINT NOT NULL,
  promoter TEXT NOT NULL,
  payer TEXT NOT NULL,
  budget NUMERIC(78, 0) NOT NULL,
  spent NUMERIC(78, 0) NOT NULL,
  refunded_amount NUMERIC(78, 0) NOT NULL DEFAULT 0,
  refunded_block BIGINT,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  block_number BIGINT NOT NULL
);
CREATE INDEX campaigns_post ON campaigns (post_id, id);
CREATE INDEX campaigns_promoter ON campaigns (promoter, id);
CREATE TABLE campaign_spends (
  campaign_id BIGINT NOT NULL,
  epoch BIGINT NOT NULL,
  amount NUMERIC(78, 0) NOT NULL,
  block_number BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  revoked_block BIGINT,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX campaign_spends_epoch ON campaign_spends (epoch, campaign_id);
CREATE INDEX campaign_spends_campaign ON campaign_spends (campaign_id, epoch);
CREATE TABLE epochs (
  epoch BIGINT NOT NULL,
  root TEXT NOT NULL,
  inputs_hash TEXT NOT NULL,
  total_spent NUMERIC(78, 0) NOT NULL,
  active_at BIGINT NOT NULL,
  revoked_block BIGINT,
  block_number BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX epochs_epoch ON epochs (epoch, block_number);
CREATE TABLE epoch_manifests (
  epoch BIGINT NOT NULL,
  manifest TEXT NOT NULL,
  block_number BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX epoch_manifests_epoch ON epoch_manifests (epoch, block_number);
CREATE TABLE claims (
  account TEXT NOT NULL,
  epoch BIGINT NOT NULL,
  amount NUMERIC(78, 0) NOT NULL,
  cumulative NUMERIC(78, 0) NOT NULL,
  block_number BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX claims_account ON claims (account, block_number);
CREATE TABLE refund_withdrawals (
  campaign_id BIGINT NOT NULL,
  promoter TEXT NOT NULL,
  amount NUMERIC(78, 0) NOT NULL,
  block_number BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX refund_withdrawals_campaign ON refund_withdrawals (campaign_id);
CREATE TABLE epoch_revocations (
  from_epoch BIGINT NOT NULL,
  to_epoch BIGINT NOT NULL,
  block_number BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE TABLE escrow_pauses (
  paused INTEGER NOT NULL,
  account TEXT NOT NULL,
  paused_for BIGINT,
  timestamp BIGINT NOT NULL,
  block_number BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE TABLE role_events (
  contract TEXT NOT NULL,
  role TEXT NOT NULL,
  account TEXT NOT NULL,
  granted INTEGER NOT NULL,
  block_number BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX role_events_role ON role_events (contract, role, account, block_number);
CREATE TABLE role_changes (
  role TEXT NOT NULL,
  account TEXT NOT NULL,
  "grant" INTEGER NOT NULL,
  ready_at BIGINT NOT NULL,
  status TEXT NOT NULL,
  closed_by TEXT,
  closed_block BIGINT,
  block_number BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX role_changes_open ON role_changes (role, account, "grant", status);
CREATE TABLE disputes (
  epoch BIGINT NOT NULL,
  disputer TEXT NOT NULL,
  bond NUMERIC(78, 0) NOT NULL,
  deadline BIGINT NOT NULL,
  status INTEGER NOT NULL,
  paid NUMERIC(78, 0),
  settled_block BIGINT,
  settled_log INTEGER,
  resolved_block BIGINT,
  block_number BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX disputes_epoch ON disputes (epoch, block_number);
CREATE INDEX disputes_settlement ON disputes (settled_block, settled_log);
CREATE TABLE dispute_pool_fundings (
  funder TEXT NOT NULL,
  amount NUMERIC(78, 0) NOT NULL,
  block_number BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE TABLE epoch_payouts (
  epoch BIGINT NOT NULL,
  account TEXT NOT NULL,
  amount NUMERIC(78, 0) NOT NULL,
  cumulative NUMERIC(78, 0) NOT NULL,
  proof TEXT NOT NULL,
  root TEXT,
  PRIMARY KEY (epoch, account)
);
CREATE INDEX epoch_payouts_account ON epoch_payouts (account, epoch);
CREATE TABLE notifications (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  account TEXT NOT NULL,
  kind TEXT NOT NULL,
  actor TEXT,
  post_id BIGINT,
  epoch BIGINT,
  amount NUMERIC(78, 0),
  created_at BIGINT NOT NULL,
  block_number BIGINT,
  seq BIGINT
);
CREATE INDEX notifications_account ON notifications (account, id);
CREATE INDEX notifications_account_time ON notifications (account, created_at);
CREATE INDEX notifications_block ON notifications (block_number) WHERE block_number IS NOT NULL;
CREATE INDEX notifications_like ON notifications (post_id, actor) WHERE kind = 'LIKE';
`,
  },
  {
    version: 2,
    name: "engagement",
    sql: `
CREATE TABLE engagement_log (
  seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  kind TEXT NOT NULL,
  account TEXT NOT NULL,
  signer TEXT NOT NULL,
  nonce TEXT NOT NULL,
  post_id BIGINT,
  campaign_id BIGINT,
  json TEXT NOT NULL,
  signature TEXT NOT NULL,
  timestamp BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  UNIQUE (account, nonce)
);
CREATE INDEX engagement_post ON engagement_log (post_id, kind, seq) WHERE post_id IS NOT NULL;
CREATE INDEX engagement_campaign ON engagement_log (campaign_id) WHERE campaign_id IS NOT NULL;
CREATE TABLE delegations (
  account TEXT NOT NULL,
  session_key TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  seq BIGINT NOT NULL,
  PRIMARY KEY (account, session_key)
);
CREATE TABLE follows (
  follower TEXT NOT NULL,
  target TEXT NOT NULL,
  seq BIGINT NOT NULL,
  PRIMARY KEY (follower, target)
);
CREATE INDEX follows_target ON follows (target, follower);
CREATE TABLE policies (
  account TEXT PRIMARY KEY,
  mode INTEGER NOT NULL,
  communities TEXT NOT NULL,
  topics TEXT NOT NULL,
  blocked_promoters TEXT NOT NULL,
  seq BIGINT NOT NULL
);
CREATE TABLE likes (
  post_id BIGINT NOT NULL,
  account TEXT NOT NULL,
  seq BIGINT NOT NULL,
  PRIMARY KEY (post_id, account)
);
CREATE TABLE post_view_marks (
  post_id BIGINT NOT NULL,
  account TEXT NOT NULL,
  day BIGINT NOT NULL,
  bought INTEGER NOT NULL,
  PRIMARY KEY (post_id, account, day, bought)
);
CREATE TABLE post_share_marks (
  post_id BIGINT NOT NULL,
  account TEXT NOT NULL,
  PRIMARY KEY (post_id, account)
);
CREATE TABLE notification_reads (
  account TEXT PRIMARY KEY,
  read_until BIGINT NOT NULL,
  seq BIGINT NOT NULL
);
CREATE TABLE profiles (
  account TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  bio TEXT NOT NULL,
  avatar TEXT NOT NULL,
  seq BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE memberships (
  community_id BIGINT NOT NULL,
  account TEXT NOT NULL,
  member INTEGER NOT NULL,
  timestamp BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  PRIMARY KEY (community_id, account)
);
CREATE INDEX memberships_account ON memberships (account, community_id);
CREATE TABLE media (
  hash TEXT PRIMARY KEY,
  mime_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);
`,
  },
  {
    version: 3,
    name: "mentions by display name, deleted posts",
    sql: `
CREATE TABLE profile_names (
  account TEXT NOT NULL,
  name TEXT NOT NULL,
  since BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  PRIMARY KEY (account, seq)
);
CREATE INDEX profile_names_name ON profile_names (lower(name), since, seq);
CREATE TABLE post_mentions (
  post_id BIGINT NOT NULL,
  start INTEGER NOT NULL,
  length INTEGER NOT NULL,
  account TEXT NOT NULL,
  block_number BIGINT NOT NULL,
  PRIMARY KEY (post_id, start)
);
CREATE INDEX post_mentions_block ON post_mentions (block_number);
CREATE TABLE post_deletions (
  post_id BIGINT PRIMARY KEY,
  account TEXT NOT NULL,
  seq BIGINT NOT NULL,
  timestamp BIGINT NOT NULL
);
`,
  },
  {
    version: 4,
    name: "settlement results and runs, organic impressions",
    sql: `
CREATE TABLE epoch_campaign_payouts (
  epoch BIGINT NOT NULL,
  campaign_id BIGINT NOT NULL,
  account TEXT NOT NULL,
  amount NUMERIC(78, 0) NOT NULL,
  PRIMARY KEY (epoch, campaign_id, account)
);
CREATE INDEX epoch_campaign_payouts_account ON epoch_campaign_payouts (account, epoch);
CREATE TABLE epoch_view_reasons (
  epoch BIGINT NOT NULL,
  campaign_id BIGINT NOT NULL,
  account TEXT NOT NULL,
  reason TEXT NOT NULL,
  amount NUMERIC(78, 0) NOT NULL,
  PRIMARY KEY (campaign_id, account, epoch)
);
CREATE INDEX epoch_view_reasons_epoch ON epoch_view_reasons (epoch);
CREATE TABLE settlement_runs (
  epoch BIGINT PRIMARY KEY,
  from_seq BIGINT NOT NULL,
  to_seq BIGINT NOT NULL,
  block_number BIGINT NOT NULL,
  export_hash TEXT NOT NULL,
  inputs_hash TEXT NOT NULL,
  root TEXT NOT NULL,
  total_spent NUMERIC(78, 0) NOT NULL,
  status TEXT NOT NULL,
  tx_hash TEXT,
  updated_at BIGINT NOT NULL,
  manifest TEXT
);
CREATE TABLE settlement_lease (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  owner TEXT NOT NULL,
  until BIGINT NOT NULL
);
CREATE TABLE campaign_organic_impressions (
  campaign_id BIGINT PRIMARY KEY,
  impressions BIGINT NOT NULL
);
`,
  },
  {
    version: 5,
    name: "full-text search",
    sql: `
-- The words of a text as search matches them: NFKC, lowercase, accents removed (decomposed, the
-- combining diacritical marks U+0300..U+036F dropped, recomposed), and every run of characters
-- other than letters and digits a word break (Unicode classes through the ICU root collation,
-- whatever the database's locale). A query's terms are folded the same way (fts.ts foldTerm).
CREATE FUNCTION amp_search_text(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT regexp_replace(
    normalize(regexp_replace(normalize(lower(normalize(t, NFKC) COLLATE "und-x-icu"), NFD), '[\\u0300-\\u036f]+', '', 'g'), NFC)
      COLLATE "und-x-icu",
    '[^[:alnum:]]+', ' ', 'g')
$$;
-- A document holds the first 65536 characters of a text: a tsvector holds at most 1 MB, and no
-- indexed text can make a write fail (posts are at most 1000 bytes; community descriptions are
-- not bounded on chain).
CREATE FUNCTION amp_search_doc(t text) RETURNS tsvector LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT to_tsvector('simple'::regconfig, amp_search_text(left(t, 65536)))
$$;
-- One search document per post, community and profile, in tables of their own (GIN indexed),
-- kept current by statement triggers on the tables they index: every writer's inserts, updates
-- (of the indexed columns), deletes and truncations, a bulk COPY included. Posts weigh their
-- topics (A) over their text (B); communities and profiles their name (A) over the rest (B).
${searchDocs("posts", "post_search_docs", "post_id", "BIGINT", "id", ["text", "topics"], (r) => `setweight(amp_search_doc(${r}.text), 'B') || setweight(amp_search_doc(${r}.topics), 'A')`)}
${searchDocs("communities", "community_search_docs", "community_id", "BIGINT", "id", ["name", "description"], (r) => `setweight(amp_search_doc(${r}.name), 'A') || setweight(amp_search_doc(${r}.description), 'B')`)}
${searchDocs("profiles", "profile_search_docs", "account", "TEXT", "account", ["name", "bio"], (r) => `setweight(amp_search_doc(${r}.name), 'A') || setweight(amp_search_doc(${r}.bio), 'B') || setweight(amp_search_doc(${r}.account), 'B')`)}
`,
  },
];
