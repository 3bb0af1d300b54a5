/**
 * Organic impressions per campaign: stream pages whose organic cut (the same
 * ranking without amplification) held the campaign's post, the denominator of
 * a campaign's lift. Counted on the request path in memory and written to the
 * store shortly after (one transaction per flush), so the counts survive a
 * restart and every process serving the same store adds to the same rows:
 * on SQLite synchronously on the process's handle (once no Kysely transaction
 * is open on it), on PostgreSQL as one upsert of the pending counts (added to
 * what other replicas wrote).
 */
import type { Logger } from "#protocol/logger.ts";
import { silentLogger } from "#protocol/logger.ts";
import type { Db } from "../store/db.ts";
import { exclusiveSqlite, type StoreEngine, sqliteEngine } from "../store/engine/engine.ts";

export interface OrganicImpressionsOptions {
  /** Counts not yet written are flushed at most this long after the first of them (ms, default 1000). */
  flushMs?: number;
  logger?: Logger;
}

/** Where the counts live: written counts by campaign, and adding a batch of counts to them. */
interface CountStore {
  read(campaignId: bigint): Promise<number>;
  add(counts: ReadonlyMap<bigint, number>): Promise<void>;
}

function sqliteCounts(engine: StoreEngine): CountStore {
  const db = engine.sqlite as Db;
  const read = db
    .prepare("SELECT impressions FROM campaign_organic_impressions WHERE campaign_id = ?")
    .pluck();
  const upsert = db.prepare(
    `INSERT INTO campaign_organic_impressions (campaign_id, impressions) VALUES (?, ?)
      ON CONFLICT (campaign_id) DO UPDATE SET impressions = impressions + excluded.impressions`,
  );
  const write = db.transaction((counts: ReadonlyMap<bigint, number>) => {
    for (const [id, n] of counts) upsert.run(id, n);
  });
  return {
    read: async (campaignId) => (read.get(campaignId) as number | undefined) ?? 0,
    add: async (counts) => {
      await exclusiveSqlite(engine, () => write(counts));
    },
  };
}

function postgresCounts(engine: StoreEngine): CountStore {
  const pool = engine.pool as NonNullable<StoreEngine["pool"]>;
  return {
    read: async (campaignId) =>
      (
        await pool.query<{ impressions: number }>({
          name: "organic_impressions_read",
          text: "SELECT impressions FROM campaign_organic_impressions WHERE campaign_id = $1",
          values: [campaignId.toString()],
        })
      ).rows[0]?.impressions ?? 0,
    add: async (counts) => {
      // One statement: atomic, and concurrent replicas' upserts add up row by row.
      await pool.query({
        name: "organic_impressions_add",
        text: `INSERT INTO campaign_organic_impressions (campaign_id, impressions)
          SELECT * FROM unnest($1::bigint[], $2::bigint[]) ORDER BY 1
          ON CONFLICT (campaign_id) DO UPDATE
            SET impressions = campaign_organic_impressions.impressions + excluded.impressions`,
        values: [[...counts.keys()].map(String), [...counts.values()]],
      });
    },
  };
}

export class OrganicImpressions {
  #pending = new Map<bigint, number>();
  /** Counts handed to a write that has not finished yet (still counted by `count`). */
  #writing = new Map<bigint, number>();
  #flushing: Promise<void> | null = null;
  readonly #flushMs: number;
  readonly #logger: Logger;
  readonly #store: CountStore;
  #timer: NodeJS.Timeout | null = null;

  constructor(store: Db | StoreEngine, options: OrganicImpressionsOptions = {}) {
    this.#flushMs = options.flushMs ?? 1000;
    this.#logger = options.logger ?? silentLogger();
    const engine = "kind" in store && "pool" in store ? (store as StoreEngine) : sqliteEngine(store as Db);
    this.#store = engine.kind === "sqlite" ? sqliteCounts(engine) : postgresCounts(engine);
  }

  /** Counts one page whose organic cut held the campaign's post. */
  add(campaignId: bigint): void {
    this.#pending.set(campaignId, (this.#pending.get(campaignId) ?? 0) + 1);
    if (!this.#timer) this.#schedule();
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.flush().catch((err: unknown) => {
        // A busy or failing store: keep the counts and try again later.
        this.#logger.warn({ err }, "organic impressions not written; retrying");
        this.#schedule();
      });
    }, this.#flushMs);
    this.#timer.unref();
  }

  /** Organic impressions of the campaign: written ones plus those still pending. */
  async count(campaignId: bigint): Promise<number> {
    const local = () => (this.#pending.get(campaignId) ?? 0) + (this.#writing.get(campaignId) ?? 0);
    // A write finishing while the row is read would be counted twice (in the row and in `writing`).
    await this.#flushing?.catch(() => undefined);
    const stored = await this.#store.read(campaignId);
    return stored + local();
  }

  /** Writes the pending counts now (they stay pending if the write fails, to be retried). */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#flushing?.catch(() => undefined);
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    this.#writing = batch;
    const write = this.#store.add(batch);
    this.#flushing = write.then(
      () => {
        this.#writing = new Map();
        this.#flushing = null;
      },
      (error: unknown) => {
        // Not written: the batch joins the counts added meanwhile, to be written next time.
        for (const [id, n] of batch) this.#pending.set(id, (this.#pending.get(id) ?? 0) + n);
        this.#writing = new Map();
        this.#flushing = null;
        throw error;
      },
    );
    await this.#flushing;
  }
}
