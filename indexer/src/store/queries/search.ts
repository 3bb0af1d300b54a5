/**
 * Full-text search (FTS5, ranked by bm25) over posts, communities and people (profiles by
 * name, bio and address; any known account by address prefix). Pages are offsets into the
 * ranking, at most SEARCH_LIMITS.maxOffset deep.
 */
import { addressPrefix, ftsQuery } from "../fts.ts";
import type { CommunityRow } from "./communities.ts";
import { POST_COLUMNS, type PostRow } from "./posts.ts";
import type { Reader, Rows } from "./reader.ts";

/** `score` is bm25 negated: higher is a better match. */
export interface Scored {
  score: number;
}

const COMMUNITY_COLUMNS =
  "c.id, c.founder, c.name, c.description, c.created_at AS createdAt, c.block_number AS blockNumber";

export function searchQueries({ all }: Reader) {
  /** One page at `offset`: `first + 1` rows are read to know whether another page follows. */
  const window = <T>(sql: string, params: unknown[], first: number, offset: number): Rows<T> => {
    const rows = all<T>(`${sql} LIMIT ? OFFSET ?`, ...params, first + 1, offset);
    const hasNextPage = rows.length > first;
    if (hasNextPage) rows.pop();
    return { rows, hasNextPage };
  };
  const empty = <T>(): Rows<T> => ({ rows: [], hasNextPage: false });

  return {
    searchPosts: (query: string, first: number, offset: number): Rows<PostRow & Scored> => {
      const match = ftsQuery(query);
      if (!match) return empty();
      // Ranked inside the index first; only the page's rows are joined. Topics weigh twice the text.
      const rows = window<{ id: number; score: number }>(
        "SELECT rowid AS id, -bm25(post_search, 1.0, 2.0) AS score FROM post_search WHERE post_search MATCH ? ORDER BY score DESC, rowid DESC",
        [match],
        first,
        offset,
      );
      if (rows.rows.length === 0) return empty();
      const scores = new Map(rows.rows.map((r) => [r.id, r.score]));
      const posts = all<PostRow>(
        `SELECT ${POST_COLUMNS} FROM posts p LEFT JOIN post_stats s ON s.post_id = p.id JOIN communities c ON c.id = p.community_id WHERE p.id IN (SELECT value FROM json_each(?))`,
        JSON.stringify([...scores.keys()]),
      );
      const byId = new Map(posts.map((p) => [p.id, p]));
      return {
        rows: rows.rows.flatMap((r) => {
          const p = byId.get(r.id);
          return p ? [{ ...p, score: r.score }] : [];
        }),
        hasNextPage: rows.hasNextPage,
      };
    },
    searchCommunities: (query: string, first: number, offset: number): Rows<CommunityRow & Scored> => {
      const match = ftsQuery(query);
      if (!match) return empty();
      return window<CommunityRow & Scored>(
        `SELECT ${COMMUNITY_COLUMNS}, -bm25(community_search, 3.0, 1.0) AS score
         FROM community_search JOIN communities c ON c.id = community_search.rowid
         WHERE community_search MATCH ? ORDER BY score DESC, c.id`,
        [match],
        first,
        offset,
      );
    },
    searchPeople: (query: string, first: number, offset: number): Rows<{ address: string } & Scored> => {
      const prefix = addressPrefix(query);
      if (prefix) {
        // Every account the indexer knows of (profiles, token holders, authors); an exact address first.
        const upper = `${prefix}g`;
        return window<{ address: string } & Scored>(
          `SELECT address, CASE WHEN address = ? THEN 1.0 ELSE 0.0 END AS score FROM (
             SELECT account AS address FROM profiles WHERE account >= ? AND account < ?
             UNION SELECT account FROM balances WHERE account >= ? AND account < ?
             UNION SELECT author FROM posts WHERE author >= ? AND author < ?
           ) ORDER BY score DESC, address`,
          [prefix, prefix, upper, prefix, upper, prefix, upper],
          first,
          offset,
        );
      }
      const match = ftsQuery(query);
      if (!match) return empty();
      // The name weighs three times the bio and the address.
      return window<{ address: string } & Scored>(
        `SELECT p.account AS address, -bm25(profile_search, 3.0, 1.0, 1.0) AS score
         FROM profile_search JOIN profiles p ON p.rowid = profile_search.rowid
         WHERE profile_search MATCH ? ORDER BY score DESC, p.account`,
        [match],
        first,
        offset,
      );
    },
  };
}
