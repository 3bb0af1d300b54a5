/** Posts (joined with their stats and community), topics, stats and comments. */
import { conditions, type Keyset, type Reader, type Rows } from "./reader.ts";

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
export type PostOrder = "NEWEST" | "OLDEST" | "MOST_LIKED" | "MOST_VIEWED";

export interface PostFilter {
  communityId?: number;
  author?: string;
  topic?: string;
  orderBy?: PostOrder;
}

export const POST_COLUMNS =
  "p.id, p.community_id AS communityId, p.author, p.text, p.content_hash AS contentHash, p.uri, p.created_at AS createdAt, p.block_number AS blockNumber, p.tx_hash AS txHash, p.topics AS topicsJson, COALESCE(s.likes, 0) AS likes, COALESCE(s.views, 0) AS views, c.founder AS communityFounder, c.name AS communityName, c.description AS communityDescription, c.created_at AS communityCreatedAt, c.block_number AS communityBlockNumber";
// Every post query joins its stats and its community, so a page needs no per-row lookups.
const POST_FROM =
  "posts p LEFT JOIN post_stats s ON s.post_id = p.id JOIN communities c ON c.id = p.community_id";
const POST_FROM_TOPIC =
  "post_topics t JOIN posts p ON p.id = t.post_id LEFT JOIN post_stats s ON s.post_id = p.id JOIN communities c ON c.id = p.community_id";
const POST_FROM_STATS =
  "post_stats s JOIN posts p ON p.id = s.post_id JOIN communities c ON c.id = p.community_id";

/** A post (as `p`) its author has not deleted: every query that shows posts asks it. */
export const NOT_DELETED = "NOT EXISTS (SELECT 1 FROM post_deletions d WHERE d.post_id = p.id)";

export function postQueries({ all, get, page }: Reader) {
  return {
    post: (id: number) =>
      get<PostRow>(`SELECT ${POST_COLUMNS} FROM ${POST_FROM} WHERE p.id = ? AND ${NOT_DELETED}`, id) ?? null,
    /** A post whether or not its author deleted it (a campaign keeps naming its post). */
    postAnyState: (id: number) =>
      get<PostRow>(`SELECT ${POST_COLUMNS} FROM ${POST_FROM} WHERE p.id = ?`, id) ?? null,
    /** Posts by id in one read (missing ids are left out; order not guaranteed). */
    postsByIds: (ids: readonly number[]): PostRow[] =>
      ids.length === 0
        ? []
        : all<PostRow>(
            `SELECT ${POST_COLUMNS} FROM ${POST_FROM} WHERE p.id IN (SELECT value FROM json_each(?)) AND ${NOT_DELETED}`,
            JSON.stringify(ids),
          ),
    posts: (filter: PostFilter, first: number, after: Keyset | null): Rows<PostRow> => {
      const { where, params } = conditions([
        ["p.community_id = ?", filter.communityId],
        ["p.author = ?", filter.author],
      ]);
      where.push(NOT_DELETED);
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
  };
}
