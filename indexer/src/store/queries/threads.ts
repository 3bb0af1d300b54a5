/** Replies, threads and quotes of a post, and a viewer's like and repost of it. */
import { NOT_DELETED_TEXT as NOT_DELETED, type PostRow } from "./posts.ts";
import type { Reader, Rows } from "./reader.ts";

const COLUMNS =
  "p.id, p.community_id AS communityId, p.author, p.text, p.content_hash AS contentHash, p.uri, p.created_at AS createdAt, p.block_number AS blockNumber, p.tx_hash AS txHash, p.topics AS topicsJson, COALESCE(s.likes, 0) AS likes, COALESCE(s.views, 0) AS views, c.founder AS communityFounder, c.name AS communityName, c.description AS communityDescription, c.created_at AS communityCreatedAt, c.block_number AS communityBlockNumber";
const FROM = "posts p LEFT JOIN post_stats s ON s.post_id = p.id JOIN communities c ON c.id = p.community_id";

export interface PostLinks {
  parentId: number | null;
  rootId: number | null;
  quoteId: number | null;
}

export function threadQueries({ get, page }: Reader) {
  const after = (a: number | null, desc = false) => (a === null ? (desc ? Number.MAX_SAFE_INTEGER : 0) : a);
  return {
    postLinks: (id: number): PostLinks =>
      get<PostLinks>(
        "SELECT parent_id AS parentId, root_id AS rootId, quote_id AS quoteId FROM posts WHERE id = ?",
        id,
      ) ?? { parentId: null, rootId: null, quoteId: null },
    replies: (id: number, first: number, a: number | null): Rows<PostRow> =>
      page<PostRow>(
        `SELECT ${COLUMNS} FROM ${FROM} WHERE p.parent_id = ? AND p.id > ? AND ${NOT_DELETED} ORDER BY p.id`,
        [id, after(a)],
        first,
      ),
    replyCount: (id: number) =>
      get<{ n: number }>(`SELECT COUNT(*) AS n FROM posts p WHERE p.parent_id = ? AND ${NOT_DELETED}`, id)
        ?.n ?? 0,
    /** Replies at any depth below `id`, by id (a reply's id is above its parent's). */
    thread: (id: number, first: number, a: number | null): Rows<PostRow> => {
      const root = get<{ rootId: number | null }>("SELECT root_id AS rootId FROM posts WHERE id = ?", id);
      if (!root) return { rows: [], hasNextPage: false };
      if (root.rootId === null) {
        return page<PostRow>(
          `SELECT ${COLUMNS} FROM ${FROM} WHERE p.root_id = ? AND p.id > ? AND ${NOT_DELETED} ORDER BY p.id`,
          [id, after(a)],
          first,
        );
      }
      // Below a reply: walk down from it (the subtree is a subset of its root's thread).
      return page<PostRow>(
        `WITH RECURSIVE sub(id) AS (SELECT id FROM posts WHERE parent_id = ? UNION ALL SELECT p.id FROM posts p JOIN sub ON p.parent_id = sub.id)
         SELECT ${COLUMNS} FROM ${FROM} WHERE p.id IN (SELECT id FROM sub) AND p.id > ? AND ${NOT_DELETED} ORDER BY p.id`,
        [id, after(a)],
        first,
      );
    },
    quotes: (id: number, first: number, a: number | null): Rows<PostRow> =>
      page<PostRow>(
        `SELECT ${COLUMNS} FROM ${FROM} WHERE p.quote_id = ? AND p.id < ? AND ${NOT_DELETED} ORDER BY p.id DESC`,
        [id, after(a, true)],
        first,
      ),
    quoteCount: (id: number) =>
      get<{ n: number }>(`SELECT COUNT(*) AS n FROM posts p WHERE p.quote_id = ? AND ${NOT_DELETED}`, id)
        ?.n ?? 0,
    likedBy: (id: number, account: string) =>
      get("SELECT 1 FROM likes WHERE post_id = ? AND account = ?", id, account) !== undefined,
    sharedBy: (id: number, account: string) =>
      get("SELECT 1 FROM post_share_marks WHERE post_id = ? AND account = ?", id, account) !== undefined,
  };
}
