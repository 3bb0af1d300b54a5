/** The accounts a post mentions, as resolved when the post was indexed. */
import { type Reader, sql } from "./sql-reader.ts";

export interface MentionRow {
  start: number;
  length: number;
  account: string;
}

export function mentionQueries(r: Reader) {
  return {
    /** In text order. */
    postMentions: (postId: number) =>
      r.all<MentionRow>(
        sql`SELECT start, length, account FROM post_mentions WHERE post_id = ${postId} ORDER BY start`,
      ),
  };
}
