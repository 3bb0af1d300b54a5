/**
 * Impressions decided on a stream request and signed after it: the allocator's
 * choice is reserved here at once (per viewer and campaign, per viewer and hour,
 * per campaign in wei), so the ledger's caps and rations hold for the next
 * request, and a background batch signs the impressions, appends them to the
 * log and hands them to the ledger (`onLogged`) in the same tick as it drops
 * their reservations: an impression is counted once, never twice or not at all.
 * The issuer's append may be a promise (PostgreSQL's group commit): the batch's
 * appends are awaited before the ledger reads them back; one that fails is
 * logged and counted (`failed`), and its reservation dropped like the others.
 */
import type { Logger } from "#protocol/logger.ts";
import { silentLogger } from "#protocol/logger.ts";
import type { ImpressionFields, ImpressionIssuer, SignedImpression } from "../engagement/impressions.ts";
import { addr } from "./log.ts";

const HOUR = 3600;

interface Reserved {
  fields: ImpressionFields;
  receivedAt: number;
}

export class ImpressionQueue {
  readonly #issuer: ImpressionIssuer<number | Promise<number>>;
  readonly #onLogged: () => void;
  readonly #logger: Logger;
  readonly #chunk: number;
  #queue: Reserved[] = [];
  readonly #perCampaign = new Map<string, number>();
  readonly #hourly = new Map<string, number[]>();
  readonly #wei = new Map<bigint, bigint>();
  #running: Promise<void> | null = null;
  #failed = 0;

  constructor(options: {
    /** Appends synchronously (SQLite) or through a promise settled after the commit (PostgreSQL). */
    issuer: ImpressionIssuer<number | Promise<number>>;
    /** Reads the freshly appended log entries into the ledger (synchronously). */
    onLogged: () => void;
    logger?: Logger;
    /** Impressions signed and appended per turn of the event loop (default 4). */
    chunk?: number;
  }) {
    this.#issuer = options.issuer;
    this.#onLogged = options.onLogged;
    this.#logger = options.logger ?? silentLogger();
    this.#chunk = Math.max(1, options.chunk ?? 4);
  }

  /** Reserves one impression now and queues it for signing. */
  reserve(fields: ImpressionFields, receivedAt: number): void {
    const r: Reserved = {
      fields: { ...fields, viewer: addr(fields.viewer) as ImpressionFields["viewer"] },
      receivedAt,
    };
    this.#count(r, 1);
    this.#queue.push(r);
    if (!this.#running) this.#running = this.#drain();
  }

  /** Reserved, not yet logged impressions of the campaign for the viewer. */
  impressionsOf(viewer: string, campaignId: bigint): number {
    return this.#perCampaign.get(`${addr(viewer)}|${campaignId}`) ?? 0;
  }

  /** Reserved, not yet logged impressions the viewer received in the hour before `now`. */
  servedInHour(viewer: string, now: number): number {
    let n = 0;
    for (const t of this.#hourly.get(addr(viewer)) ?? []) if (t > now - HOUR) n++;
    return n;
  }

  /** Wei the campaign's reserved, not yet logged impressions commit. */
  committed(campaignId: bigint): bigint {
    return this.#wei.get(campaignId) ?? 0n;
  }

  /** Reserved impressions not yet logged. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Impressions signed but not appended (the append threw or its promise rejected). */
  get failed(): number {
    return this.#failed;
  }

  /** Resolves once every impression reserved so far is logged. */
  async settled(): Promise<void> {
    while (this.#running) await this.#running;
  }

  #count(r: Reserved, by: 1 | -1): void {
    const { viewer, campaignId, price, timestamp } = r.fields;
    const key = `${viewer}|${campaignId}`;
    const n = (this.#perCampaign.get(key) ?? 0) + by;
    if (n > 0) this.#perCampaign.set(key, n);
    else this.#perCampaign.delete(key);
    const w = (this.#wei.get(campaignId) ?? 0n) + (by > 0 ? price : -price);
    if (w > 0n) this.#wei.set(campaignId, w);
    else this.#wei.delete(campaignId);
    const list = this.#hourly.get(viewer) ?? [];
    if (by > 0) list.push(Number(timestamp));
    else list.splice(list.indexOf(Number(timestamp)), 1);
    if (list.length > 0) this.#hourly.set(viewer, list);
    else this.#hourly.delete(viewer);
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        // Let the requests waiting on the event loop go first.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const batch = this.#queue.slice(0, this.#chunk);
        const signed = await Promise.allSettled(batch.map((r) => this.#issuer.sign(r.fields)));
        // From here on synchronous on SQLite: append, read into the ledger, drop the reservations.
        this.#queue = this.#queue.slice(batch.length);
        const appending: Promise<void>[] = [];
        signed.forEach((s, i) => {
          const r = batch[i] as Reserved;
          if (s.status === "fulfilled") {
            const pending = this.#append(s.value, r);
            if (pending) appending.push(pending);
          } else
            this.#logger.error(
              { err: s.reason, campaignId: String(r.fields.campaignId) },
              "impression not signed",
            );
        });
        // An asynchronous log (PostgreSQL): the ledger reads the batch once it is committed.
        if (appending.length > 0) await Promise.all(appending);
        try {
          this.#onLogged();
        } finally {
          for (const r of batch) this.#count(r, -1);
        }
      }
    } catch (err) {
      this.#logger.error({ err }, "impressions not read back");
    } finally {
      this.#running = null;
    }
  }

  /** Appends one impression; a promise when the log's append is one (it never rejects). */
  #append(signed: SignedImpression, r: Reserved): Promise<void> | undefined {
    const failed = (err: unknown) => {
      this.#failed++;
      this.#logger.error({ err, campaignId: String(r.fields.campaignId) }, "impression not logged");
    };
    try {
      const seq: unknown = this.#issuer.append(signed, r.receivedAt);
      if (seq instanceof Promise) return seq.then(() => undefined, failed);
    } catch (err) {
      failed(err);
    }
    return undefined;
  }
}
