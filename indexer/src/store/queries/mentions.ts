/** The accounts a post mentions, as resolved when the post was indexed. */
import type { Reader } from "./reader.ts";

export interface MentionRow {
  start: number;
  length: number;
  account: string;
}

export function mentionQueries({ all }: Reader) {
  return {
    /** In text order. */
    postMentions: (postId: number) =>
      all<MentionRow>(
        "SELECT start, length, account FROM post_mentions WHERE post_id = ? ORDER BY start",
        postId,
      ),
  };
}
