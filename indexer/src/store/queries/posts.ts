/** Posts (joined with their stats and community), topics, stats and comments. */
import type { Keyset, Rows } from "./sql-reader.ts";
import { type Reader, sql, when, whereClause } from "./sql-reader.ts";

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

/**
 * Which optional column groups of a `PostRow` a posts page reads. A feed page
 * shows a post's text, author, counts and community name; the chain columns
 * (content hash, URI, block, transaction) and the community's other columns are
 * read only when the request asks for a field that needs them, so the database
 * sends (and, on PostgreSQL, `pg` parses) 9 of the 17 columns for a feed page.
 * A row read without a group lacks those properties. Two switches, so at most four
 * statement texts per query shape.
 */
export interface PostColumns {
  /** `contentHash`, `uri`, `blockNumber`, `txHash`. */
  readonly chain: boolean;
  /** `communityFounder`, `communityDescription`, `communityCreatedAt`, `communityBlockNumber`. */
  readonly community: boolean;
}
export const ALL_POST_COLUMNS: PostColumns = { chain: true, community: true };

const CORE_COLUMNS = `p.id, p.community_id AS "communityId", p.author, p.text, p.created_at AS "createdAt", p.topics AS "topicsJson", COALESCE(s.likes, 0) AS likes, COALESCE(s.views, 0) AS views, c.name AS "communityName"`;
const CHAIN_COLUMNS = `p.content_hash AS "contentHash", p.uri, p.block_number AS "blockNumber", p.tx_hash AS "txHash"`;
const COMMUNITY_COLUMNS = `c.founder AS "communityFounder", c.description AS "communityDescription", c.created_at AS "communityCreatedAt", c.block_number AS "communityBlockNumber"`;
/** The columns of a `PostRow` (as text, for queries composed as strings). */
export const POST_COLUMNS_TEXT = `${CORE_COLUMNS}, ${CHAIN_COLUMNS}, ${COMMUNITY_COLUMNS}`;
export const POST_COLUMNS = sql.raw(POST_COLUMNS_TEXT);
/** The select list of each column choice, built once: [chain][community]. */
const COLUMN_LISTS = [false, true].map((chain) =>
  [false, true].map((community) =>
    sql.raw(
      [CORE_COLUMNS, chain ? CHAIN_COLUMNS : null, community ? COMMUNITY_COLUMNS : null]
        .filter((x) => x !== null)
        .join(", "),
    ),
  ),
);
const columnsOf = (c: PostColumns) => COLUMN_LISTS[Number(c.chain)]?.[Number(c.community)] ?? POST_COLUMNS;
// Every post query joins its stats and its community, so a page needs no per-row lookups.
const POST_FROM = sql.raw(
  "posts p LEFT JOIN post_stats s ON s.post_id = p.id JOIN communities c ON c.id = p.community_id",
);
const POST_FROM_TOPIC = sql.raw(
  "post_topics t JOIN posts p ON p.id = t.post_id LEFT JOIN post_stats s ON s.post_id = p.id JOIN communities c ON c.id = p.community_id",
);
const POST_FROM_STATS = sql.raw(
  "post_stats s JOIN posts p ON p.id = s.post_id JOIN communities c ON c.id = p.community_id",
);

/** A post (as `p`) its author has not deleted: every query that shows posts asks it. */
export const NOT_DELETED_TEXT = "NOT EXISTS (SELECT 1 FROM post_deletions d WHERE d.post_id = p.id)";
export const NOT_DELETED = sql.raw(NOT_DELETED_TEXT);

export function postQueries(r: Reader) {
  return {
    post: async (id: number) =>
      (await r.get<PostRow>(
        sql`SELECT ${POST_COLUMNS} FROM ${POST_FROM} WHERE p.id = ${id} AND ${NOT_DELETED}`,
      )) ?? null,
    /** A post whether or not its author deleted it (a campaign keeps naming its post). */
    postAnyState: async (id: number) =>
      (await r.get<PostRow>(sql`SELECT ${POST_COLUMNS} FROM ${POST_FROM} WHERE p.id = ${id}`)) ?? null,
    /** Posts by id in one read (missing ids are left out; order not guaranteed). */
    postsByIds: async (ids: readonly number[]): Promise<PostRow[]> =>
      ids.length === 0
        ? []
        : r.all<PostRow>(
            sql`SELECT ${POST_COLUMNS} FROM ${POST_FROM} WHERE p.id IN (${r.valuesIn(ids)}) AND ${NOT_DELETED}`,
          ),
    /** A page of posts; `columns` leaves out the column groups the caller does not read. */
    posts: (
      filter: PostFilter,
      first: number,
      after: Keyset | null,
      columns: PostColumns = ALL_POST_COLUMNS,
    ): Promise<Rows<PostRow>> => {
      const where = [
        when(filter.communityId, (id) => sql`p.community_id = ${id}`),
        when(filter.author, (author) => sql`p.author = ${author}`),
        NOT_DELETED,
      ];
      const order = filter.orderBy ?? "NEWEST";
      const byId = order === "NEWEST" || order === "OLDEST";
      // By id, a topic filter walks the topic index; a post naming a topic twice counts once.
      const topicDriven = filter.topic !== undefined && byId;
      if (filter.topic !== undefined) {
        where.push(
          topicDriven
            ? sql`t.topic = ${filter.topic} AND t.position = (SELECT MIN(position) FROM post_topics u WHERE u.post_id = t.post_id AND u.topic = t.topic)`
            : sql`p.id IN (SELECT post_id FROM post_topics WHERE topic = ${filter.topic})`,
        );
      }
      let orderBy: ReturnType<typeof sql.raw>;
      if (byId) {
        const desc = order === "NEWEST";
        const idColumn = sql.raw(topicDriven ? "t.post_id" : "p.id");
        if (after) where.push(desc ? sql`${idColumn} < ${after[0]}` : sql`${idColumn} > ${after[0]}`);
        orderBy = sql.raw(`${topicDriven ? "t.post_id" : "p.id"}${desc ? " DESC" : ""}`);
      } else {
        // Walks the stats index (every post has a stats row) instead of sorting all posts.
        const col = sql.raw(order === "MOST_LIKED" ? "s.likes" : "s.views");
        if (after) where.push(sql`(${col}, s.post_id) < (${after[0]}, ${after[1]})`);
        orderBy = sql.raw(`${order === "MOST_LIKED" ? "s.likes" : "s.views"} DESC, s.post_id DESC`);
      }
      const from = topicDriven ? POST_FROM_TOPIC : byId ? POST_FROM : POST_FROM_STATS;
      return r.page<PostRow>(
        sql`SELECT ${columnsOf(columns)} FROM ${from}${whereClause(where)} ORDER BY ${orderBy}`,
        first,
      );
    },
    topics: async (postId: number) =>
      (
        await r.all<{ topic: string }>(
          sql`SELECT topic FROM post_topics WHERE post_id = ${postId} ORDER BY position`,
        )
      ).map((row) => row.topic),
    postStats: async (postId: number): Promise<PostStats> =>
      (await r.get<PostStats>(
        sql`SELECT likes, comments, shares, views, bought_views AS "boughtViews" FROM post_stats WHERE post_id = ${postId}`,
      )) ?? { likes: 0, comments: 0, shares: 0, views: 0, boughtViews: 0 },
    comments: (postId: number, first: number, after: number | null) =>
      r.page<CommentRow>(
        sql`SELECT seq, account, json, timestamp FROM engagement_log WHERE post_id = ${postId} AND kind = 'Comment' AND seq > ${after ?? 0} ORDER BY seq`,
        first,
      ),
  };
}
