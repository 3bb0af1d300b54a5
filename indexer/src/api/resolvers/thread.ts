/** `Post` fields of conversations: parent, root, quoted post, replies, thread, quotes, a viewer's like and repost. */
import type { PostRow } from "../../store/queries.ts";
import * as args from "../args.ts";
import { connection } from "../connection.ts";
import type { ApiContext } from "../context.ts";

type Page = { first?: number | null; after?: string | null };
const linked = async (ctx: ApiContext, id: number | null) => (id === null ? null : ctx.queries.post(id));
const links = (ctx: ApiContext, p: PostRow) => ctx.queries.postLinks(p.id);

export const PostThread = {
  parent: async (p: PostRow, _: unknown, ctx: ApiContext) => linked(ctx, (await links(ctx, p)).parentId),
  root: async (p: PostRow, _: unknown, ctx: ApiContext) => linked(ctx, (await links(ctx, p)).rootId),
  quoted: async (p: PostRow, _: unknown, ctx: ApiContext) => linked(ctx, (await links(ctx, p)).quoteId),
  replies: (p: PostRow, a: Page, ctx: ApiContext) =>
    connection(ctx.queries.replies(p.id, args.pageSize(a.first), args.afterNumber(a.after)), (r) => [r.id]),
  replyCount: (p: PostRow, _: unknown, ctx: ApiContext) => ctx.queries.replyCount(p.id),
  thread: (p: PostRow, a: Page, ctx: ApiContext) =>
    connection(ctx.queries.thread(p.id, args.pageSize(a.first), args.afterNumber(a.after)), (r) => [r.id]),
  quotes: (p: PostRow, a: Page, ctx: ApiContext) =>
    connection(ctx.queries.quotes(p.id, args.pageSize(a.first), args.afterNumber(a.after)), (r) => [r.id]),
  quoteCount: (p: PostRow, _: unknown, ctx: ApiContext) => ctx.queries.quoteCount(p.id),
  likedBy: (p: PostRow, a: { account: string }, ctx: ApiContext) =>
    ctx.queries.likedBy(p.id, args.address(a.account, "account")),
  sharedBy: (p: PostRow, a: { account: string }, ctx: ApiContext) =>
    ctx.queries.sharedBy(p.id, args.address(a.account, "account")),
};
