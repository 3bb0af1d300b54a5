/**
 * Writing notifications as chain events and log entries are applied, inside the caller's
 * transaction. Nobody is notified of their own actions. A post notifies each account it mentions
 * once (`mentions.ts` resolves `@0x…` and `@Display Name`).
 */
import type { Db } from "./db.ts";

export const NOTIFICATION_KINDS = [
  "REPLY",
  "QUOTE",
  "MENTION",
  "LIKE",
  "REPOST",
  "FOLLOW",
  "COMMENT",
  "EARNING",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface NotificationInput {
  account: string;
  kind: NotificationKind;
  actor?: string | null;
  postId?: number | null;
  epoch?: number | null;
  amount?: string | null;
  createdAt: number;
  blockNumber?: number | null;
  seq?: number | null;
}

export function createNotificationWriter(db: Db) {
  const s = {
    insert: db.prepare(
      "INSERT INTO notifications (account, kind, actor, post_id, epoch, amount, created_at, block_number, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    author: db.prepare("SELECT author FROM posts WHERE id = ?").pluck(),
    unlike: db.prepare("DELETE FROM notifications WHERE post_id = ? AND actor = ? AND kind = 'LIKE'"),
    earnings: db.prepare(
      "INSERT INTO notifications (account, kind, epoch, amount, created_at, block_number) SELECT account, 'EARNING', epoch, amount, ?, ? FROM epoch_payouts WHERE epoch = ? AND lower(root) = ? AND amount <> '0'",
    ),
    read: db.prepare(
      "INSERT INTO notification_reads (account, read_until, seq) VALUES (?, ?, ?) ON CONFLICT (account) DO UPDATE SET read_until = max(read_until, excluded.read_until), seq = excluded.seq",
    ),
  };
  const add = (n: NotificationInput) => {
    if (n.actor && n.actor === n.account) return;
    s.insert.run(
      n.account,
      n.kind,
      n.actor ?? null,
      n.postId ?? null,
      n.epoch ?? null,
      n.amount ?? null,
      n.createdAt,
      n.blockNumber ?? null,
      n.seq ?? null,
    );
  };
  return {
    add,
    /** Notifies the author of `authorOf` (when that post is known) about `postId` (default: the same post). */
    toAuthor: (authorOf: number, n: Omit<NotificationInput, "account" | "postId">, postId = authorOf) => {
      const author = s.author.get(authorOf) as string | undefined;
      if (author) add({ ...n, account: author, postId });
    },
    mentions: (accounts: readonly string[], n: Omit<NotificationInput, "account" | "kind">) => {
      for (const account of new Set(accounts)) add({ ...n, account, kind: "MENTION" });
    },
    unlike: (postId: number, actor: string) => {
      s.unlike.run(postId, actor);
    },
    /** One EARNING per account the settled epoch pays (from the settlement's payouts under `root`). */
    earnings: (epoch: number, root: string, createdAt: number, blockNumber: number) => {
      s.earnings.run(createdAt, blockNumber, epoch, root.toLowerCase());
    },
    markRead: (account: string, readUntil: number, seq: number) => {
      s.read.run(account, readUntil, seq);
    },
  };
}
