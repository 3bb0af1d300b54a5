/**
 * The impression rule of payouts: a campaign pays a viewer only for a View
 * receipt that matches a valid, unexpired impression served to that viewer
 * for that campaign (`ImpressionLedger`), and the policy that counts is the
 * one recorded when the impression was served. Likes, comments and shares of
 * an amplified post never pay on their own.
 */
import { ImpressionLedger, type LedgerContext } from "../attention/impression-ledger.ts";
import type { CampaignInfo, EngagementEntry, LogEntry, PostInfo } from "../attention/log.ts";
import type { AttentionParams } from "../attention/params.ts";
import type { SocialState } from "../attention/policy.ts";

export class ImpressionRule {
  readonly ledger: ImpressionLedger;
  readonly #context: LedgerContext;

  /** `social` is the state the caller keeps current as it feeds entries in log order. */
  constructor(
    params: AttentionParams,
    posts: ReadonlyMap<bigint, PostInfo>,
    campaigns: readonly CampaignInfo[],
    social: SocialState,
  ) {
    this.ledger = new ImpressionLedger(params);
    const byId = new Map<bigint, CampaignInfo>();
    for (const c of campaigns) byId.set(c.id, c);
    // One context for every entry: a million entries must not build a million closures.
    this.#context = { social, post: (id) => posts.get(id), campaign: (id) => byId.get(id) };
  }

  /** Feeds one log entry, in log order, with the social state as of that entry. */
  observe(entry: LogEntry): void {
    this.ledger.observe(entry, this.#context);
  }

  /** The epoch entries that claim a paid view: View receipts carrying a campaign id. */
  claims(entries: readonly EngagementEntry[]): EngagementEntry[] {
    return entries.filter((e) => e.kind === "View" && e.message.campaignId !== 0n);
  }

  /**
   * Why a View receipt may not pay for want of an impression, or null when it matched one:
   * `policy` when the viewer's policy refused the campaign's impression, else `noImpression`.
   */
  unmatched(entry: EngagementEntry): "policy" | "noImpression" | null {
    if (entry.kind !== "View" || this.ledger.matchedViews.has(entry.seq)) return null;
    const m = entry.message;
    return this.ledger.refusedByPolicy(m.account, m.campaignId) ? "policy" : "noImpression";
  }

  /** The viewer's policy was checked when each payable entry's impression was served. */
  allows(): boolean {
    return true;
  }
}
