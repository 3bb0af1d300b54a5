/**
 * Read side of the store: keyset-paginated lists and lookups the API serves.
 * Every list fetches `first + 1` rows to know whether another page exists.
 * Statements are prepared once per distinct SQL text.
 */
import type { Statement } from "better-sqlite3";
import type { Db } from "./db.ts";

export interface PostRow {
  id: number;
  communityId: number;
  author: string;
  text: string;
  contentHash: string;
  uri: string;
  createdAt: number;
  blockNumber: number;
  txHash: string;
  /** JSON array of the post's topics, in order. */
  topicsJson: string;
  likes: number;
  views: number;
  communityFounder: string;
  communityName: string;
  communityDescription: string;
  communityCreatedAt: number;
  communityBlockNumber: number;
}
export interface CommunityRow {
  id: number;
  founder: string;
  name: string;
  description: string;
  createdAt: number;
  blockNumber: number;
}
export interface CampaignRow {
  id: number;
  postId: number;
  promoter: string;
  payer: string;
  budget: string;
  spent: string;
  refundedAmount: string;
  refundedBlock: number | null;
  expiresAt: number;
  createdAt: number;
  blockNumber: number;
}
export interface EpochRow {
  epoch: number;
  root: string;
  inputsHash: string;
  totalSpent: string;
  activeAt: number;
  revokedBlock: number | null;
  blockNumber: number;
  logIndex: number;
}
export interface PostStats {
  likes: number;
  comments: number;
  shares: number;
  views: number;
  boughtViews: number;
}
export interface CommentRow {
  seq: number;
  account: string;
  json: string;
  timestamp: number;
}
export interface MessageRow {
  seq: number;
  kind: string;
  account: string;
  signer: string;
  json: string;
  signature: string;
  timestamp: number;
  receivedAt: number;
}
export interface PolicyRow {
  mode: number;
  communities: string;
  topics: string;
  blockedPromoters: string;
}
export interface DelegationRow {
  sessionKey: string;
  expiresAt: number;
  revoked: number;
}
export interface SpendRow {
  epoch: number;
  amount: string;
  revokedBlock: number | null;
}

export type PostOrder = "NEWEST" | "OLDEST" | "MOST_LIKED" | "MOST_VIEWED";

export interface Rows<T> {
  rows: T[];
  hasNextPage: boolean;
}

/** Keyset position: the sort value(s) of the last row of the previous page. */
export type Keyset = number[];

export interface PostFilter {
  communityId?: number;
  author?: string;
  topic?: string;
  orderBy?: PostOrder;
}

const POST_COLUMNS =
  "p.id, p.community_id AS communityId, p.author, p.text, p.content_hash AS contentHash, p.uri, p.created_at AS createdAt, p.block_number AS blockNumber, p.tx_hash AS txHash, p.topics AS topicsJson, COALESCE(s.likes, 0) AS likes, COALESCE(s.views, 0) AS views, c.founder AS communityFounder, c.name AS communityName, c.description AS communityDescription, c.created_at AS communityCreatedAt, c.block_number AS communityBlockNumber";
// Every post query joins its stats and its community, so a page needs no per-row lookups.
const POST_FROM =
  "posts p LEFT JOIN post_stats s ON s.post_id = p.id JOIN communities c ON c.id = p.community_id";
const POST_FROM_TOPIC =
  "post_topics t JOIN posts p ON p.id = t.post_id LEFT JOIN post_stats s ON s.post_id = p.id JOIN communities c ON c.id = p.community_id";
const POST_FROM_STATS =
  "post_stats s JOIN posts p ON p.id = s.post_id JOIN communities c ON c.id = p.community_id";
const CAMPAIGN_COLUMNS =
  "id, post_id AS postId, promoter, payer, budget, spent, refunded_amount AS refundedAmount, refunded_block AS refundedBlock, expires_at AS expiresAt, created_at AS createdAt, block_number AS blockNumber";
const EPOCH_COLUMNS =
  "epoch, root, inputs_hash AS inputsHash, total_spent AS totalSpent, active_at AS activeAt, revoked_block AS revokedBlock, block_number AS blockNumber, log_index AS logIndex";

export function createQueries(db: Db) {
  const cache = new Map<string, Statement<unknown[]>>();
  const stmt = (sql: string) => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare<unknown[]>(sql);
      cache.set(sql, s);
    }
    return s;
  };
  const all = <T>(sql: string, ...params: unknown[]) => stmt(sql).all(...params) as T[];
  const get = <T>(sql: string, ...params: unknown[]) => stmt(sql).get(...params) as T | undefined;
  const page = <T>(sql: string, params: unknown[], first: number): Rows<T> => {
    const rows = all<T>(`${sql} LIMIT ?`, ...params, first + 1);
    const hasNextPage = rows.length > first;
    if (hasNextPage) rows.pop();
    return { rows, hasNextPage };
  };

  return {
    checkpoint: () =>
      get<{ blockNumber: number; finalizedBlock: number; headBlock: number }>(
        "SELECT block_number AS blockNumber, finalized_block AS finalizedBlock, head_block AS headBlock FROM checkpoint WHERE id = 1",
      ) ?? null,
    latestBlockTime: () =>
      get<{ t: number }>("SELECT timestamp AS t FROM blocks ORDER BY number DESC LIMIT 1")?.t ?? null,
    /** The log is append-only and never deleted from, so its size is its last seq. */
    logSize: () => get<{ n: number }>("SELECT COALESCE(MAX(seq), 0) AS n FROM engagement_log")?.n ?? 0,

    balance: (account: string) =>
      get<{ balance: string }>("SELECT balance FROM balances WHERE account = ?", account)?.balance ?? "0",

    community: (id: number) =>
      get<CommunityRow>(
        "SELECT id, founder, name, description, created_at AS createdAt, block_number AS blockNumber FROM communities WHERE id = ?",
        id,
      ) ?? null,
    communities: (first: number, after: number | null) =>
      page<CommunityRow>(
        "SELECT id, founder, name, description, created_at AS createdAt, block_number AS blockNumber FROM communities WHERE id > ? ORDER BY id",
        [after ?? 0],
        first,
      ),
    moderators: (communityId: number) =>
      all<{ account: string }>(
        "SELECT DISTINCT account FROM moderators WHERE community_id = ? AND removed_block IS NULL ORDER BY account",
        communityId,
      ).map((r) => r.account),
    postCount: (communityId: number) =>
      get<{ n: number }>("SELECT COUNT(*) AS n FROM posts WHERE community_id = ?", communityId)?.n ?? 0,

    post: (id: number) => get<PostRow>(`SELECT ${POST_COLUMNS} FROM ${POST_FROM} WHERE p.id = ?`, id) ?? null,
    /** Posts by id in one read (missing ids are left out; order not guaranteed). */
    postsByIds: (ids: readonly number[]): PostRow[] =>
      ids.length === 0
        ? []
        : all<PostRow>(
            `SELECT ${POST_COLUMNS} FROM ${POST_FROM} WHERE p.id IN (SELECT value FROM json_each(?))`,
            JSON.stringify(ids),
          ),
    posts: (filter: PostFilter, first: number, after: Keyset | null): Rows<PostRow> => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.communityId !== undefined) {
        where.push("p.community_id = ?");
        params.push(filter.communityId);
      }
      if (filter.author !== undefined) {
        where.push("p.author = ?");
        params.push(filter.author);
      }
      const order = filter.orderBy ?? "NEWEST";
      const byId = order === "NEWEST" || order === "OLDEST";
      // By id, a topic filter walks the topic index; a post naming a topic twice counts once.
      const topicDriven = filter.topic !== undefined && byId;
      if (filter.topic !== undefined) {
        where.push(
          topicDriven
            ? "t.topic = ? AND t.position = (SELECT MIN(position) FROM post_topics u WHERE u.post_id = t.post_id AND u.topic = t.topic)"
            : "p.id IN (SELECT post_id FROM post_topics WHERE topic = ?)",
        );
        params.push(filter.topic);
      }
      let orderBy: string;
      if (byId) {
        const desc = order === "NEWEST";
        const idColumn = topicDriven ? "t.post_id" : "p.id";
        if (after) {
          where.push(desc ? `${idColumn} < ?` : `${idColumn} > ?`);
          params.push(after[0]);
        }
        orderBy = desc ? `${idColumn} DESC` : idColumn;
      } else {
        // Walks the stats index (every post has a stats row) instead of sorting all posts.
        const col = order === "MOST_LIKED" ? "s.likes" : "s.views";
        if (after) {
          where.push(`(${col}, s.post_id) < (?, ?)`);
          params.push(after[0], after[1]);
        }
        orderBy = `${col} DESC, s.post_id DESC`;
      }
      const from = topicDriven ? POST_FROM_TOPIC : byId ? POST_FROM : POST_FROM_STATS;
      const sql = `SELECT ${POST_COLUMNS} FROM ${from}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${orderBy}`;
      return page<PostRow>(sql, params, first);
    },
    topics: (postId: number) =>
      all<{ topic: string }>("SELECT topic FROM post_topics WHERE post_id = ? ORDER BY position", postId).map(
        (r) => r.topic,
      ),
    postStats: (postId: number): PostStats =>
      get<PostStats>(
        "SELECT likes, comments, shares, views, bought_views AS boughtViews FROM post_stats WHERE post_id = ?",
        postId,
      ) ?? { likes: 0, comments: 0, shares: 0, views: 0, boughtViews: 0 },
    comments: (postId: number, first: number, after: number | null) =>
      page<CommentRow>(
        "SELECT seq, account, json, timestamp FROM engagement_log WHERE post_id = ? AND kind = 'Comment' AND seq > ? ORDER BY seq",
        [postId, after ?? 0],
        first,
      ),

    campaign: (id: number) =>
      get<CampaignRow>(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE id = ?`, id) ?? null,
    campaignsOfPost: (postId: number) =>
      all<CampaignRow>(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE post_id = ? ORDER BY id`, postId),
    campaigns: (
      filter: { promoter?: string; postId?: number; activeAt?: number },
      first: number,
      after: number | null,
    ) => {
      const where = ["id > ?"];
      const params: unknown[] = [after ?? 0];
      if (filter.promoter !== undefined) {
        where.push("promoter = ?");
        params.push(filter.promoter);
      }
      if (filter.postId !== undefined) {
        where.push("post_id = ?");
        params.push(filter.postId);
      }
      if (filter.activeAt !== undefined) {
        where.push("refunded_block IS NULL AND expires_at > ? AND budget != spent");
        params.push(filter.activeAt);
      }
      return page<CampaignRow>(
        `SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE ${where.join(" AND ")} ORDER BY id`,
        params,
        first,
      );
    },
    spends: (campaignId: number) =>
      all<SpendRow>(
        "SELECT epoch, amount, revoked_block AS revokedBlock FROM campaign_spends WHERE campaign_id = ? ORDER BY block_number, log_index",
        campaignId,
      ),
    boughtViews: (campaignId: number) =>
      get<{ n: number }>("SELECT COUNT(*) AS n FROM engagement_log WHERE campaign_id = ?", campaignId)?.n ??
      0,

    /** Current settlement of an epoch number (the latest one). */
    epoch: (epoch: number) =>
      get<EpochRow>(
        `SELECT ${EPOCH_COLUMNS} FROM epochs WHERE epoch = ? ORDER BY block_number DESC, log_index DESC LIMIT 1`,
        epoch,
      ) ?? null,
    /** Settlements newest first; keyset (block_number, log_index). */
    epochs: (first: number, after: Keyset | null) =>
      after
        ? page<EpochRow>(
            `SELECT ${EPOCH_COLUMNS} FROM epochs WHERE block_number < ? OR (block_number = ? AND log_index < ?) ORDER BY block_number DESC, log_index DESC`,
            [after[0], after[0], after[1]],
            first,
          )
        : page<EpochRow>(
            `SELECT ${EPOCH_COLUMNS} FROM epochs ORDER BY block_number DESC, log_index DESC`,
            [],
            first,
          ),
    /** The latest settled, unrevoked epoch whose challenge window has passed at `now`. */
    activeEpoch: (now: number) =>
      get<EpochRow>(
        `SELECT ${EPOCH_COLUMNS} FROM epochs WHERE revoked_block IS NULL AND active_at <= ? ORDER BY epoch DESC, block_number DESC LIMIT 1`,
        now,
      ) ?? null,
    payout: (epoch: number, account: string) =>
      get<{ amount: string; cumulative: string; proof: string; root: string | null }>(
        "SELECT amount, cumulative, proof, root FROM epoch_payouts WHERE epoch = ? AND account = ?",
        epoch,
        account,
      ) ?? null,
    payouts: (epoch: number, first: number, after: string | null) =>
      page<{ account: string; amount: string; cumulative: string; proof: string }>(
        "SELECT account, amount, cumulative, proof FROM epoch_payouts WHERE epoch = ? AND account > ? ORDER BY account",
        [epoch, after ?? ""],
        first,
      ),
    claimed: (account: string) =>
      get<{ cumulative: string }>(
        "SELECT cumulative FROM claims WHERE account = ? ORDER BY block_number DESC, log_index DESC LIMIT 1",
        account,
      )?.cumulative ?? "0",
    earnings: (account: string) =>
      all<{ epoch: number; campaignId: number; amount: string }>(
        "SELECT epoch, campaign_id AS campaignId, amount FROM epoch_campaign_payouts WHERE account = ? ORDER BY epoch, campaign_id",
        account,
      ),

    followers: (account: string, first: number, after: string | null) =>
      page<{ address: string }>(
        "SELECT follower AS address FROM follows WHERE target = ? AND follower > ? ORDER BY follower",
        [account, after ?? ""],
        first,
      ),
    following: (account: string, first: number, after: string | null) =>
      page<{ address: string }>(
        "SELECT target AS address FROM follows WHERE follower = ? AND target > ? ORDER BY target",
        [account, after ?? ""],
        first,
      ),
    followerCount: (account: string) =>
      get<{ n: number }>("SELECT COUNT(*) AS n FROM follows WHERE target = ?", account)?.n ?? 0,
    followingCount: (account: string) =>
      get<{ n: number }>("SELECT COUNT(*) AS n FROM follows WHERE follower = ?", account)?.n ?? 0,
    policy: (account: string) =>
      get<PolicyRow>(
        "SELECT mode, communities, topics, blocked_promoters AS blockedPromoters FROM policies WHERE account = ?",
        account,
      ) ?? null,
    delegations: (account: string) =>
      all<DelegationRow>(
        "SELECT session_key AS sessionKey, expires_at AS expiresAt, revoked FROM delegations WHERE account = ? ORDER BY seq",
        account,
      ),
    /** Largest nonce used: decimal strings without leading zeros order by (length, text). */
    maxNonce: (account: string) =>
      get<{ nonce: string }>(
        "SELECT nonce FROM engagement_log WHERE account = ? ORDER BY length(nonce) DESC, nonce DESC LIMIT 1",
        account,
      )?.nonce ?? null,
    messages: (filter: { account?: string; kind?: string }, first: number, after: number | null) => {
      const where = ["seq > ?"];
      const params: unknown[] = [after ?? 0];
      if (filter.account !== undefined) {
        where.push("account = ?");
        params.push(filter.account);
      }
      if (filter.kind !== undefined) {
        where.push("kind = ?");
        params.push(filter.kind);
      }
      return page<MessageRow>(
        `SELECT seq, kind, account, signer, json, signature, timestamp, received_at AS receivedAt FROM engagement_log WHERE ${where.join(" AND ")} ORDER BY seq`,
        params,
        first,
      );
    },
  };
}

export type Queries = ReturnType<typeof createQueries>;
