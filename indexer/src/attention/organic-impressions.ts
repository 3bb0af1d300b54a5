/**
 * Organic impressions per campaign: stream pages whose organic cut (the same
 * ranking without amplification) held the campaign's post, the denominator of
 * a campaign's lift. Counted on the request path in memory and written to the
 * store shortly after (one transaction per flush), so the counts survive a
 * restart and every process serving the same store adds to the same rows.
 */
import type { Logger } from "#protocol/logger.ts";
import { silentLogger } from "#protocol/logger.ts";
import type { Db } from "../store/db.ts";

export interface OrganicImpressionsOptions {
  /** Counts not yet written are flushed at most this long after the first of them (ms, default 1000). */
  flushMs?: number;
  logger?: Logger;
}

export class OrganicImpressions {
  readonly #pending = new Map<bigint, number>();
  readonly #flushMs: number;
  readonly #logger: Logger;
  readonly #read: ReturnType<Db["prepare"]>;
  readonly #write: () => void;
  #timer: NodeJS.Timeout | null = null;

  constructor(db: Db, options: OrganicImpressionsOptions = {}) {
    this.#flushMs = options.flushMs ?? 1000;
    this.#logger = options.logger ?? silentLogger();
    this.#read = db
      .prepare("SELECT impressions FROM campaign_organic_impressions WHERE campaign_id = ?")
      .pluck();
    const upsert = db.prepare(
      `INSERT INTO campaign_organic_impressions (campaign_id, impressions) VALUES (?, ?)
        ON CONFLICT (campaign_id) DO UPDATE SET impressions = impressions + excluded.impressions`,
    );
    this.#write = db.transaction(() => {
      for (const [id, n] of this.#pending) upsert.run(id, n);
    });
  }

  /** Counts one page whose organic cut held the campaign's post. */
  add(campaignId: bigint): void {
    this.#pending.set(campaignId, (this.#pending.get(campaignId) ?? 0) + 1);
    if (!this.#timer) this.#schedule();
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      try {
        this.flush();
      } catch (err) {
        // A busy or failing store: keep the counts and try again later.
        this.#logger.warn({ err }, "organic impressions not written; retrying");
        this.#schedule();
      }
    }, this.#flushMs);
    this.#timer.unref();
  }

  /** Organic impressions of the campaign: written ones plus those still pending. */
  count(campaignId: bigint): number {
    const stored = (this.#read.get(campaignId) as number | undefined) ?? 0;
    return stored + (this.#pending.get(campaignId) ?? 0);
  }

  /** Writes the pending counts now (they stay pending if the write fails, to be retried). */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending.size === 0) return;
    this.#write();
    this.#pending.clear();
  }
}
