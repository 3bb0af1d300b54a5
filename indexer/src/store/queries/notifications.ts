/** An account's notifications, newest first, and how many it has not read. */
import type { Reader, Rows } from "./reader.ts";

export const MAX_UNREAD = 1000;

export interface NotificationRow {
  id: number;
  kind: string;
  actor: string | null;
  postId: number | null;
  epoch: number | null;
  amount: string | null;
  createdAt: number;
  readUntil: number;
}

export function notificationQueries({ get, page }: Reader) {
  const readUntil = (account: string) =>
    get<{ t: number }>("SELECT read_until AS t FROM notification_reads WHERE account = ?", account)?.t ?? 0;
  return {
    notificationReadUntil: readUntil,
    notifications: (account: string, first: number, after: number | null): Rows<NotificationRow> => {
      const until = readUntil(account);
      return page<NotificationRow>(
        `SELECT id, kind, actor, post_id AS postId, epoch, amount, created_at AS createdAt, ? AS readUntil
         FROM notifications WHERE account = ? AND id < ? ORDER BY id DESC`,
        [until, account, after ?? Number.MAX_SAFE_INTEGER],
        first,
      );
    },
    /** Counted up to `MAX_UNREAD` (a client shows "999+"), so a popular account costs no more than any other. */
    unreadCount: (account: string) =>
      get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM (SELECT 1 FROM notifications WHERE account = ? AND created_at > ? LIMIT ?)",
        account,
        readUntil(account),
        MAX_UNREAD,
      )?.n ?? 0,
  };
}
