/** Replies, threads and quotes of a post, and a viewer's like and repost of it. */
import { NOT_DELETED, POST_COLUMNS, type PostRow } from "./posts.ts";
import type { Rows } from "./sql-reader.ts";
import { type Reader, sql } from "./sql-reader.ts";

const FROM = sql.raw(
  "posts p LEFT JOIN post_stats s ON s.post_id = p.id JOIN communities c ON c.id = p.community_id",
);

export interface PostLinks {
  parentId: number | null;
  rootId: number | null;
  quoteId: number | null;
}

export function threadQueries(r: Reader) {
  const after = (a: number | null, desc = false) => (a === null ? (desc ? Number.MAX_SAFE_INTEGER : 0) : a);
  const count = async (query: ReturnType<typeof sql<{ n: number }>>) => (await r.get(query))?.n ?? 0;
  return {
    postLinks: async (id: number): Promise<PostLinks> =>
      (await r.get<PostLinks>(
        sql`SELECT parent_id AS "parentId", root_id AS "rootId", quote_id AS "quoteId" FROM posts WHERE id = ${id}`,
      )) ?? { parentId: null, rootId: null, quoteId: null },
    replies: (id: number, first: number, a: number | null): Promise<Rows<PostRow>> =>
      r.page<PostRow>(
        sql`SELECT ${POST_COLUMNS} FROM ${FROM} WHERE p.parent_id = ${id} AND p.id > ${after(a)} AND ${NOT_DELETED} ORDER BY p.id`,
        first,
      ),
    replyCount: (id: number) =>
      count(
        sql<{ n: number }>`SELECT COUNT(*) AS n FROM posts p WHERE p.parent_id = ${id} AND ${NOT_DELETED}`,
      ),
    /** Replies at any depth below `id`, by id (a reply's id is above its parent's). */
    thread: async (id: number, first: number, a: number | null): Promise<Rows<PostRow>> => {
      const root = await r.get<{ rootId: number | null }>(
        sql`SELECT root_id AS "rootId" FROM posts WHERE id = ${id}`,
      );
      if (!root) return { rows: [], hasNextPage: false };
      if (root.rootId === null) {
        return r.page<PostRow>(
          sql`SELECT ${POST_COLUMNS} FROM ${FROM} WHERE p.root_id = ${id} AND p.id > ${after(a)} AND ${NOT_DELETED} ORDER BY p.id`,
          first,
        );
      }
      // Below a reply: walk down from it (the subtree is a subset of its root's thread).
      return r.page<PostRow>(
        sql`WITH RECURSIVE sub(id) AS (SELECT id FROM posts WHERE parent_id = ${id} UNION ALL SELECT p.id FROM posts p JOIN sub ON p.parent_id = sub.id)
         SELECT ${POST_COLUMNS} FROM ${FROM} WHERE p.id IN (SELECT id FROM sub) AND p.id > ${after(a)} AND ${NOT_DELETED} ORDER BY p.id`,
        first,
      );
    },
    quotes: (id: number, first: number, a: number | null): Promise<Rows<PostRow>> =>
      r.page<PostRow>(
        sql`SELECT ${POST_COLUMNS} FROM ${FROM} WHERE p.quote_id = ${id} AND p.id < ${after(a, true)} AND ${NOT_DELETED} ORDER BY p.id DESC`,
        first,
      ),
    quoteCount: (id: number) =>
      count(
        sql<{ n: number }>`SELECT COUNT(*) AS n FROM posts p WHERE p.quote_id = ${id} AND ${NOT_DELETED}`,
      ),
    likedBy: async (id: number, account: string) =>
      (await r.get(sql`SELECT 1 AS one FROM likes WHERE post_id = ${id} AND account = ${account}`)) !==
      undefined,
    sharedBy: async (id: number, account: string) =>
      (await r.get(
        sql`SELECT 1 AS one FROM post_share_marks WHERE post_id = ${id} AND account = ${account}`,
      )) !== undefined,
  };
}
