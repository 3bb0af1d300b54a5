/**
 * Full-text search (FTS5, ranked by bm25) over posts, communities and people (profiles by
 * name, bio and address; any known account by address prefix). Pages are offsets into the
 * ranking, at most SEARCH_LIMITS.maxOffset deep; posts are ranked among the newest
 * SEARCH_LIMITS.postWindow matches.
 */
import { addressPrefix, ftsQuery, matchExpression, queryTerms, SEARCH_LIMITS } from "../fts.ts";
import type { CommunityRow } from "./communities.ts";
import { NOT_DELETED_TEXT as NOT_DELETED, POST_COLUMNS_TEXT as POST_COLUMNS, type PostRow } from "./posts.ts";
import type { Reader, Rows } from "./reader.ts";

/** `score` is bm25 negated: higher is a better match. */
export interface Scored {
  score: number;
}

const COMMUNITY_COLUMNS =
  "c.id, c.founder, c.name, c.description, c.created_at AS createdAt, c.block_number AS blockNumber";

/** How long the post count and word counts behind "a very common word" are reused, in ms. */
const COUNT_TTL_MS = 30_000;
/** Words counted and remembered at most (the least recently used go first). */
const MAX_COUNTED_WORDS = 10_000;
/** A word in more than this share of posts, and in more than `commonWordMinPosts` posts, is very common. */
export const COMMON_WORD_SHARE = 0.2;

export interface SearchOptions {
  /** Below this many posts holding it no word is very common (scoring them all costs little). */
  commonWordMinPosts?: number;
}

export function searchQueries({ all, get }: Reader, options: SearchOptions = {}) {
  const minPosts = options.commonWordMinPosts ?? 1000;
  let postCount = { n: 0, at: Number.NEGATIVE_INFINITY };
  const posts = () => {
    if (performance.now() - postCount.at > COUNT_TTL_MS) {
      postCount = { n: get<{ n: number }>("SELECT COUNT(*) AS n FROM posts")?.n ?? 0, at: performance.now() };
    }
    return postCount.n;
  };
  // Counting a word's posts walks its whole list of posts: the counts are remembered a while.
  const counted = new Map<string, { doc: number; at: number }>();
  const postsWith = (term: string) => {
    const hit = counted.get(term);
    const t = performance.now();
    if (hit && t - hit.at <= COUNT_TTL_MS) {
      counted.delete(term);
      counted.set(term, hit);
      return hit.doc;
    }
    const doc = get<{ doc: number }>("SELECT doc FROM post_search_vocab WHERE term = ?", term)?.doc ?? 0;
    counted.delete(term);
    counted.set(term, { doc, at: t });
    if (counted.size > MAX_COUNTED_WORDS) counted.delete(counted.keys().next().value as string);
    return doc;
  };
  /** Whether more than COMMON_WORD_SHARE of all posts hold `term`. */
  const common = (term: string) => {
    const n = postsWith(term);
    return n > minPosts && n > posts() * COMMON_WORD_SHARE;
  };
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
      const terms = queryTerms(query);
      if (terms.length === 0) return empty();
      // Very common words weigh little in bm25 yet cost the most to score (and to intersect): a
      // query leaves them out when it has other words, and one of only such words lists the
      // newest posts holding them.
      const weighed = terms.filter((t) => t.prefix || !common(t.term));
      const match = matchExpression(weighed.length > 0 ? weighed : terms) as string;
      // Ranked inside the index among the newest matches; only the page's rows are joined.
      // Topics weigh twice the text.
      const rows = window<{ id: number; score: number }>(
        weighed.length > 0
          ? `SELECT id, score FROM (
               SELECT rowid AS id, -bm25(post_search, 1.0, 2.0) AS score FROM post_search WHERE post_search MATCH ?
               ORDER BY rowid DESC LIMIT ${SEARCH_LIMITS.postWindow}
             ) ORDER BY score DESC, id DESC`
          : "SELECT rowid AS id, 0.0 AS score FROM post_search WHERE post_search MATCH ? ORDER BY rowid DESC",
        [match],
        first,
        offset,
      );
      if (rows.rows.length === 0) return empty();
      const scores = new Map(rows.rows.map((r) => [r.id, r.score]));
      const posts = all<PostRow>(
        `SELECT ${POST_COLUMNS} FROM posts p LEFT JOIN post_stats s ON s.post_id = p.id JOIN communities c ON c.id = p.community_id WHERE p.id IN (SELECT value FROM json_each(?)) AND ${NOT_DELETED}`,
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
