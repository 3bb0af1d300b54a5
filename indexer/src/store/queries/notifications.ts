/** An account's notifications, newest first, and how many it has not read. */
import type { Rows } from "./sql-reader.ts";
import { type Reader, sql } from "./sql-reader.ts";

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

export function notificationQueries(r: Reader) {
  const readUntil = async (account: string) =>
    (
      await r.get<{ t: number }>(
        sql`SELECT read_until AS t FROM notification_reads WHERE account = ${account}`,
      )
    )?.t ?? 0;
  return {
    notificationReadUntil: readUntil,
    notifications: async (
      account: string,
      first: number,
      after: number | null,
    ): Promise<Rows<NotificationRow>> => {
      const until = await readUntil(account);
      const page = await r.page<Omit<NotificationRow, "readUntil">>(
        sql`SELECT id, kind, actor, post_id AS "postId", epoch, amount, created_at AS "createdAt"
         FROM notifications WHERE account = ${account} AND id < ${after ?? Number.MAX_SAFE_INTEGER} ORDER BY id DESC`,
        first,
      );
      return { rows: page.rows.map((row) => ({ ...row, readUntil: until })), hasNextPage: page.hasNextPage };
    },
    /** Counted up to `MAX_UNREAD` (a client shows "999+"), so a popular account costs no more than any other. */
    unreadCount: async (account: string) => {
      const until = await readUntil(account);
      return (
        (
          await r.get<{ n: number }>(
            sql`SELECT COUNT(*) AS n FROM (SELECT 1 FROM notifications WHERE account = ${account} AND created_at > ${until} LIMIT ${MAX_UNREAD}) AS unread`,
          )
        )?.n ?? 0
      );
    },
  };
}
