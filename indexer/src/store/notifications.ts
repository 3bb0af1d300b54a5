/**
 * The notifications the chain store and the engagement log write as chain events and log entries
 * are applied, inside their transaction. Nobody is notified of their own actions. A post notifies
 * each account it mentions once (`mentions.ts` resolves `@0x…` and `@Display Name`).
 */
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
