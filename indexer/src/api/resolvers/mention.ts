/** `Post.mentions`: the accounts a post's text mentions, as the store resolved them. */
import type { MentionRow, PostRow } from "../../store/queries.ts";
import type { ApiContext } from "../context.ts";

type PostMention = MentionRow & { postText: string };

export const postMentions = {
  mentions: async (p: PostRow, _: unknown, ctx: ApiContext): Promise<PostMention[]> =>
    (await ctx.queries.postMentions(p.id)).map((m) => ({ ...m, postText: p.text })),
};

export const Mention = {
  text: (m: PostMention) => m.postText.slice(m.start, m.start + m.length),
};
