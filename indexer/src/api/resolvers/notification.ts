/** Notifications of an account and its unread count. */
import type { NotificationRow } from "../../store/queries.ts";
import * as args from "../args.ts";
import { connection } from "../connection.ts";
import type { ApiContext } from "../context.ts";

type Args = { account: string; first?: number | null; after?: string | null };

export const NotificationQuery = {
  notifications: (_: unknown, a: Args, ctx: ApiContext) =>
    connection(
      ctx.queries.notifications(
        args.address(a.account, "account"),
        args.pageSize(a.first),
        args.afterNumber(a.after),
      ),
      (r) => [r.id],
    ),
  unreadCount: (_: unknown, a: Args, ctx: ApiContext) =>
    ctx.queries.unreadCount(args.address(a.account, "account")),
};

export const Notification = {
  id: (n: NotificationRow) => String(n.id),
  post: (n: NotificationRow, _: unknown, ctx: ApiContext) =>
    n.postId === null ? null : ctx.queries.post(n.postId),
  amount: (n: NotificationRow) => (n.amount === null ? null : BigInt(n.amount)),
  read: (n: NotificationRow) => n.createdAt <= n.readUntil,
};
