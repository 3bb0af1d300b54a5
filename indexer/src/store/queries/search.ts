/**
 * Full-text search over posts, communities and people (profiles by name, bio and address; any
 * known account by address prefix). Pages are offsets into the ranking, at most
 * SEARCH_LIMITS.maxOffset deep; posts are ranked among the newest SEARCH_LIMITS.postWindow
 * matches.
 *
 * SQLite: FTS5 indexes ranked by bm25. PostgreSQL: tsvector documents (`*_search_docs`, GIN
 * indexed, kept current by triggers on the same columns, schema v5) ranked by ts_rank with the
 * same column weights.
 * Both engines match the same words (every term, the last one also as a prefix) and leave out
 * the same rows; the scores differ (bm25 weighs rare words up and long documents down; ts_rank
 * counts weighted occurrences, divided by 1 + the log of the document's length, and gives a
 * rare word no more weight than a common one), so a query of several words, or documents
 * whose lengths and counts pull apart, may rank in another order.
 */
import {
  addressPrefix,
  matchExpression,
  type QueryTerm,
  queryTerms,
  SEARCH_LIMITS,
  tsQuery,
} from "../fts.ts";
import type { CommunityRow } from "./communities.ts";
import { NOT_DELETED, POST_COLUMNS, type PostRow } from "./posts.ts";
import type { Rows } from "./sql-reader.ts";
import { type RawBuilder, type Reader, sql } from "./sql-reader.ts";

/** `score` is bm25 negated on SQLite, ts_rank on PostgreSQL: higher is a better match. */
export interface Scored {
  score: number;
}

const COMMUNITY_COLUMNS = sql.raw(
  'c.id, c.founder, c.name, c.description, c.created_at AS "createdAt", c.block_number AS "blockNumber"',
);

/** How long the post count and word counts behind "a very common word" are reused, in ms. */
const COUNT_TTL_MS = 30_000;
/** Words counted and remembered at most (the least recently used go first). */
const MAX_COUNTED_WORDS = 10_000;
/** A word in more than this share of posts, and in more than `commonWordMinPosts` posts, is very common. */
export const COMMON_WORD_SHARE = 0.2;

/** ts_rank weights {D, C, B, A}: A is three times B (a name against a bio or a description). */
const PG_WEIGHTS_NAME = sql.raw("'{0, 0, 0.333333, 1}'::float4[]");
/** ts_rank weights {D, C, B, A} for posts: topics (A) weigh twice the text (B). */
const PG_WEIGHTS_POST = sql.raw("'{0, 0, 0.5, 1}'::float4[]");

export interface SearchOptions {
  /** Below this many posts holding it no word is very common (scoring them all costs little). */
  commonWordMinPosts?: number;
}

export function searchQueries(r: Reader, options: SearchOptions = {}) {
  const minPosts = options.commonWordMinPosts ?? 1000;
  const pg = r.kind === "postgres";
  let postCount = { n: 0, at: Number.NEGATIVE_INFINITY };
  const posts = async () => {
    if (performance.now() - postCount.at > COUNT_TTL_MS) {
      const n = (await r.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM posts`))?.n ?? 0;
      postCount = { n, at: performance.now() };
    }
    return postCount.n;
  };
  // Counting a word's posts walks its whole list of posts: the counts are remembered a while.
  const counted = new Map<string, { doc: number; at: number }>();
  const postsWith = async (term: string) => {
    const hit = counted.get(term);
    const t = performance.now();
    if (hit && t - hit.at <= COUNT_TTL_MS) {
      counted.delete(term);
      counted.set(term, hit);
      return hit.doc;
    }
    const word = pg ? tsQuery([{ term, prefix: false }]) : null;
    const doc = pg
      ? word === null
        ? 0
        : ((
            await r.get<{ doc: number }>(
              sql`SELECT COUNT(*) AS doc FROM post_search_docs WHERE doc @@ ${word}::tsquery`,
            )
          )?.doc ?? 0)
      : ((await r.get<{ doc: number }>(sql`SELECT doc FROM post_search_vocab WHERE term = ${term}`))?.doc ??
        0);
    counted.delete(term);
    counted.set(term, { doc, at: t });
    if (counted.size > MAX_COUNTED_WORDS) counted.delete(counted.keys().next().value as string);
    return doc;
  };
  /** Whether more than COMMON_WORD_SHARE of all posts hold `term`. */
  const common = async (term: string) => {
    const n = await postsWith(term);
    return n > minPosts && n > (await posts()) * COMMON_WORD_SHARE;
  };
  /** One page at `offset`: `first + 1` rows are read to know whether another page follows. */
  const window = async <T>(query: RawBuilder<T>, first: number, offset: number): Promise<Rows<T>> => {
    const rows = await r.all<T>(sql<T>`${query} LIMIT ${first + 1} OFFSET ${offset}`);
    const hasNextPage = rows.length > first;
    if (hasNextPage) rows.pop();
    return { rows, hasNextPage };
  };
  const empty = <T>(): Rows<T> => ({ rows: [], hasNextPage: false });
  /** The engine's match condition for `terms`: an FTS5 table's MATCH, or PostgreSQL's documents (as `d`). */
  const matching = (terms: readonly QueryTerm[], fts5Table: string): RawBuilder<unknown> | null => {
    if (pg) {
      const q = tsQuery(terms);
      return q === null ? null : sql`d.doc @@ ${q}::tsquery`;
    }
    const m = matchExpression(terms);
    return m === null ? null : sql`${sql.raw(fts5Table)} MATCH ${m}`;
  };

  return {
    searchPosts: async (query: string, first: number, offset: number): Promise<Rows<PostRow & Scored>> => {
      const terms = queryTerms(query);
      if (terms.length === 0) return empty();
      // Very common words weigh little in bm25 yet cost the most to score (and to intersect): a
      // query leaves them out when it has other words, and one of only such words lists the
      // newest posts holding them.
      const weighed: QueryTerm[] = [];
      for (const t of terms) if (t.prefix || !(await common(t.term))) weighed.push(t);
      const match = matching(weighed.length > 0 ? weighed : terms, "post_search");
      if (match === null) return empty();
      // Ranked inside the index among the newest matches; only the page's rows are joined.
      // Topics weigh twice the text.
      let ranked: RawBuilder<{ id: number; score: number }>;
      if (pg) {
        ranked =
          weighed.length > 0
            ? sql`SELECT id, score FROM (
                 SELECT d.post_id AS id, ts_rank(${PG_WEIGHTS_POST}, d.doc, ${tsQuery(weighed)}::tsquery, 1)::float8 AS score
                 FROM post_search_docs d WHERE ${match} ORDER BY d.post_id DESC LIMIT ${SEARCH_LIMITS.postWindow}
               ) AS w ORDER BY score DESC, id DESC`
            : sql`SELECT d.post_id AS id, 0.0::float8 AS score FROM post_search_docs d WHERE ${match} ORDER BY d.post_id DESC`;
      } else {
        ranked =
          weighed.length > 0
            ? sql`SELECT id, score FROM (
                 SELECT rowid AS id, -bm25(post_search, 1.0, 2.0) AS score FROM post_search WHERE ${match}
                 ORDER BY rowid DESC LIMIT ${SEARCH_LIMITS.postWindow}
               ) ORDER BY score DESC, id DESC`
            : sql`SELECT rowid AS id, 0.0 AS score FROM post_search WHERE ${match} ORDER BY rowid DESC`;
      }
      const rows = await window(ranked, first, offset);
      if (rows.rows.length === 0) return empty();
      const scores = new Map(rows.rows.map((row) => [row.id, row.score]));
      const found = await r.all<PostRow>(
        sql`SELECT ${POST_COLUMNS} FROM posts p LEFT JOIN post_stats s ON s.post_id = p.id JOIN communities c ON c.id = p.community_id WHERE p.id IN (${r.valuesIn([...scores.keys()])}) AND ${NOT_DELETED}`,
      );
      const byId = new Map(found.map((p) => [p.id, p]));
      return {
        rows: rows.rows.flatMap((row) => {
          const p = byId.get(row.id);
          return p ? [{ ...p, score: row.score }] : [];
        }),
        hasNextPage: rows.hasNextPage,
      };
    },
    searchCommunities: async (
      query: string,
      first: number,
      offset: number,
    ): Promise<Rows<CommunityRow & Scored>> => {
      const match = matching(queryTerms(query), "community_search");
      if (match === null) return empty();
      return window<CommunityRow & Scored>(
        pg
          ? sql`SELECT ${COMMUNITY_COLUMNS}, ts_rank(${PG_WEIGHTS_NAME}, d.doc, ${tsQuery(queryTerms(query))}::tsquery, 1)::float8 AS score
             FROM community_search_docs d JOIN communities c ON c.id = d.community_id WHERE ${match} ORDER BY score DESC, c.id`
          : sql`SELECT ${COMMUNITY_COLUMNS}, -bm25(community_search, 3.0, 1.0) AS score
             FROM community_search JOIN communities c ON c.id = community_search.rowid
             WHERE ${match} ORDER BY score DESC, c.id`,
        first,
        offset,
      );
    },
    searchPeople: async (
      query: string,
      first: number,
      offset: number,
    ): Promise<Rows<{ address: string } & Scored>> => {
      const prefix = addressPrefix(query);
      if (prefix) {
        // Every account the indexer knows of (profiles, token holders, authors); an exact address first.
        const upper = `${prefix}g`;
        return window<{ address: string } & Scored>(
          sql`SELECT address, CAST(CASE WHEN address = ${prefix} THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS score FROM (
             SELECT account AS address FROM profiles WHERE account >= ${prefix} AND account < ${upper}
             UNION SELECT account FROM balances WHERE account >= ${prefix} AND account < ${upper}
             UNION SELECT author FROM posts WHERE author >= ${prefix} AND author < ${upper}
           ) AS known ORDER BY score DESC, address`,
          first,
          offset,
        );
      }
      const match = matching(queryTerms(query), "profile_search");
      if (match === null) return empty();
      // The name weighs three times the bio and the address.
      return window<{ address: string } & Scored>(
        pg
          ? sql`SELECT p.account AS address, ts_rank(${PG_WEIGHTS_NAME}, d.doc, ${tsQuery(queryTerms(query))}::tsquery, 1)::float8 AS score
             FROM profile_search_docs d JOIN profiles p ON p.account = d.account WHERE ${match} ORDER BY score DESC, p.account`
          : sql`SELECT p.account AS address, -bm25(profile_search, 3.0, 1.0, 1.0) AS score
             FROM profile_search JOIN profiles p ON p.rowid = profile_search.rowid
             WHERE ${match} ORDER BY score DESC, p.account`,
        first,
        offset,
      );
    },
  };
}
