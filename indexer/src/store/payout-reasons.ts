/**
 * Why views were or were not paid (written by settlement, read by the API),
 * and the reputation seeds of a community with the time each becomes one.
 *
 * The reads go through the read path (`queries/sql-reader.ts`) on either
 * engine. The writes come in two forms: synchronous statements on the SQLite
 * handle (settlement records them inside its own better-sqlite3 transaction)
 * and the same statements through Kysely (`payoutReasonWrites`) for either
 * engine, inside the caller's transaction when it passes one.
 */
import { type Kysely, sql } from "kysely";
import type { Db } from "./db.ts";
import type { Reader } from "./queries/sql-reader.ts";

export interface ViewReasonRow {
  epoch: number;
  campaignId: number;
  account: string;
  reason: string;
  amount: string;
}

export interface SeedRow {
  account: string;
  /** Unix seconds of the appointment (block timestamp); 0 for the founder. */
  appointedAt: number;
  founder: boolean;
}

/** One viewer's decision in one epoch, as settlement reports it. */
export interface ViewReason {
  campaignId: bigint;
  account: string;
  reason: string;
  amount: bigint;
}

const INSERT_TEXT =
  "INSERT INTO epoch_view_reasons (epoch, campaign_id, account, reason, amount) VALUES (?, ?, ?, ?, ?) ON CONFLICT (campaign_id, account, epoch) DO UPDATE SET reason = excluded.reason, amount = excluded.amount";

/** The reasons and seeds the API reads, on either engine. */
export function payoutReasonQueries(r: Reader) {
  return {
    forViewer: (campaignId: number, account: string) =>
      r.all<ViewReasonRow>(
        sql`SELECT epoch, campaign_id AS "campaignId", account, reason, amount FROM epoch_view_reasons WHERE campaign_id = ${campaignId} AND account = ${account.toLowerCase()} ORDER BY epoch`,
      ),
    async seeds(communityId: number): Promise<SeedRow[]> {
      const c = await r.get<{ founder: string }>(
        sql`SELECT founder FROM communities WHERE id = ${communityId}`,
      );
      if (!c) return [];
      const founder = c.founder.toLowerCase();
      const mods = await r.all<{ account: string; appointedAt: number }>(
        sql`SELECT m.account, MAX(COALESCE(b.timestamp, 0)) AS "appointedAt"
          FROM moderators m LEFT JOIN blocks b ON b.number = m.block_number
          WHERE m.community_id = ${communityId} AND m.removed_block IS NULL GROUP BY m.account ORDER BY m.account`,
      );
      return [
        { account: founder, appointedAt: 0, founder: true },
        ...mods
          .map((m) => ({ account: m.account.toLowerCase(), appointedAt: m.appointedAt, founder: false }))
          .filter((m) => m.account !== founder),
      ];
    },
  };
}
export type PayoutReasonQueries = ReturnType<typeof payoutReasonQueries>;

/** The writes through Kysely, on either engine (`db` may be a transaction). */
export function payoutReasonWrites(db: Kysely<unknown>) {
  return {
    /** Drops the reasons of epochs >= `epoch` (a recomputed epoch drops what it said before). */
    deleteFrom: async (epoch: number) => {
      await sql`DELETE FROM epoch_view_reasons WHERE epoch >= ${epoch}`.execute(db);
    },
    /** Records (or replaces) one epoch's decisions. */
    insertMany: async (epoch: number, reasons: readonly ViewReason[]) => {
      for (const d of reasons)
        await sql`INSERT INTO epoch_view_reasons (epoch, campaign_id, account, reason, amount) VALUES (${epoch}, ${Number(d.campaignId)}, ${d.account.toLowerCase()}, ${d.reason}, ${d.amount.toString()}) ON CONFLICT (campaign_id, account, epoch) DO UPDATE SET reason = excluded.reason, amount = excluded.amount`.execute(
          db,
        );
    },
  };
}

/** The synchronous writes on the SQLite handle (inside settlement's better-sqlite3 transaction). */
export function createPayoutReasonStore(db: Db) {
  const q = {
    insert: db.prepare(INSERT_TEXT),
    deleteFrom: db.prepare("DELETE FROM epoch_view_reasons WHERE epoch >= ?"),
  };
  return {
    /** Replaces the reasons of epochs >= `epoch` (a recomputed epoch drops what it said before). */
    deleteFrom: (epoch: number) => q.deleteFrom.run(epoch),
    insert: (epoch: number, campaignId: bigint, account: string, reason: string, amount: bigint) =>
      q.insert.run(epoch, Number(campaignId), account.toLowerCase(), reason, amount.toString()),
  };
}
export type PayoutReasonStore = ReturnType<typeof createPayoutReasonStore>;
