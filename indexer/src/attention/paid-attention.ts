/**
 * Paid attention stays out of the organic graph. An account that claimed a
 * paid view of a post (a View receipt carrying a campaign id) was paid, or
 * asked to be paid, for its attention to that post, so its likes, comments,
 * shares and free views of the same post add only `paidAttentionWeight` of
 * their organic weight (0 by default) to the author, whenever they were
 * given: a promoter cannot turn a campaign's budget into reputation. The
 * rule depends on the set of messages, not their order: engagement that
 * arrived before the claim is taken back when the claim arrives.
 */
import type { EngagementEntry } from "./log.ts";

/** Accounts are interned below 2^24; post ids stay below 2^29, so the key is a safe integer. */
const ACCOUNT_SPAN = 2 ** 24;

export function claimKey(postId: number, account: number): number {
  return postId * ACCOUNT_SPAN + account;
}

/** Whether an engagement entry is a claim of a paid view. */
export function isPaidView(entry: EngagementEntry): boolean {
  return entry.kind === "View" && entry.message.campaignId !== 0n;
}

/** Organic units an engagement adds when its account claimed a paid view of the post. */
export function paidUnits(units: number, paidAttentionWeight: number): number {
  return Math.round(units * Math.min(1, Math.max(0, paidAttentionWeight)));
}

/**
 * Claims seen so far and, for (post, account) pairs not yet claimed, the organic engagement
 * added, so that a later claim can take it back.
 */
export class PaidAttentionLedger {
  readonly #claimed = new Set<number>();
  /** claimKey -> [timestamp, units, timestamp, units, ...] added before any claim. */
  readonly #added = new Map<number, number[]>();

  isClaimed(postId: number, account: number): boolean {
    return this.#claimed.has(claimKey(postId, account));
  }

  /** Records organic units added for an unclaimed pair. */
  record(postId: number, account: number, timestamp: number, units: number): void {
    const key = claimKey(postId, account);
    const list = this.#added.get(key);
    if (list) list.push(timestamp, units);
    else this.#added.set(key, [timestamp, units]);
  }

  /**
   * Marks the pair claimed. Returns, the first time only, the engagement added before the claim
   * as [timestamp, units] pairs (flattened); the caller takes back all but the paid fraction.
   */
  claim(postId: number, account: number): number[] | undefined {
    const key = claimKey(postId, account);
    if (this.#claimed.has(key)) return undefined;
    this.#claimed.add(key);
    const list = this.#added.get(key);
    this.#added.delete(key);
    return list ?? [];
  }
}
