/** Settled epochs, payouts, claims and earnings. */
import type { Keyset } from "./sql-reader.ts";
import { type Reader, sql } from "./sql-reader.ts";

export interface EpochRow {
  epoch: number;
  root: string;
  inputsHash: string;
  totalSpent: string;
  activeAt: number;
  revokedBlock: number | null;
  blockNumber: number;
  logIndex: number;
  /** Hex of the manifest published in the same transaction (EpochManifest); null before it existed. */
  manifest: string | null;
}

const EPOCH_COLUMNS = sql.raw(
  `epoch, root, inputs_hash AS "inputsHash", total_spent AS "totalSpent", active_at AS "activeAt", revoked_block AS "revokedBlock", block_number AS "blockNumber", log_index AS "logIndex", ` +
    "(SELECT m.manifest FROM epoch_manifests m WHERE m.epoch = epochs.epoch AND m.block_number = epochs.block_number AND m.log_index < epochs.log_index ORDER BY m.log_index DESC LIMIT 1) AS manifest",
);

/** The lowest epoch with an open dispute of a current settlement (no root from it on activates), or +inf. */
const OPEN_DISPUTE_BLOCK = sql.raw(
  "COALESCE((SELECT MIN(d.epoch) FROM disputes d JOIN epochs s ON s.block_number = d.settled_block AND s.log_index = d.settled_log WHERE d.status = 1 AND s.revoked_block IS NULL), 9223372036854775807)",
);

export function epochQueries(r: Reader) {
  return {
    /** Current settlement of an epoch number (the latest one). */
    epoch: async (epoch: number) =>
      (await r.get<EpochRow>(
        sql`SELECT ${EPOCH_COLUMNS} FROM epochs WHERE epoch = ${epoch} ORDER BY block_number DESC, log_index DESC LIMIT 1`,
      )) ?? null,
    /** Settlements newest first; keyset (block_number, log_index). */
    epochs: (first: number, after: Keyset | null) =>
      r.page<EpochRow>(
        after
          ? sql`SELECT ${EPOCH_COLUMNS} FROM epochs WHERE block_number < ${after[0]} OR (block_number = ${after[0]} AND log_index < ${after[1]}) ORDER BY block_number DESC, log_index DESC`
          : sql`SELECT ${EPOCH_COLUMNS} FROM epochs ORDER BY block_number DESC, log_index DESC`,
        first,
      ),
    /** The latest settled, unrevoked epoch whose challenge window has passed at `now`, below any open dispute. */
    activeEpoch: async (now: number) =>
      (await r.get<EpochRow>(
        sql`SELECT ${EPOCH_COLUMNS} FROM epochs WHERE revoked_block IS NULL AND active_at <= ${now} AND epoch < ${OPEN_DISPUTE_BLOCK} ORDER BY epoch DESC, block_number DESC LIMIT 1`,
      )) ?? null,
    payout: async (epoch: number, account: string) =>
      (await r.get<{ amount: string; cumulative: string; proof: string; root: string | null }>(
        sql`SELECT amount, cumulative, proof, root FROM epoch_payouts WHERE epoch = ${epoch} AND account = ${account}`,
      )) ?? null,
    payouts: (epoch: number, first: number, after: string | null) =>
      r.page<{ account: string; amount: string; cumulative: string; proof: string }>(
        sql`SELECT account, amount, cumulative, proof FROM epoch_payouts WHERE epoch = ${epoch} AND account > ${after ?? ""} ORDER BY account`,
        first,
      ),
    claimed: async (account: string) =>
      (
        await r.get<{ cumulative: string }>(
          sql`SELECT cumulative FROM claims WHERE account = ${account} ORDER BY block_number DESC, log_index DESC LIMIT 1`,
        )
      )?.cumulative ?? "0",
    /**
     * An account's earnings from epochs the chain has settled and not revoked, and only where the
     * local payouts are the ones of the on-chain root (never a computed epoch whose settle
     * transaction is not mined, or lost a race).
     */
    earnings: (account: string) =>
      r.all<{ epoch: number; campaignId: number; amount: string }>(
        sql`SELECT p.epoch, p.campaign_id AS "campaignId", p.amount FROM epoch_campaign_payouts p
         WHERE p.account = ${account} AND EXISTS (
           SELECT 1 FROM epochs e WHERE e.epoch = p.epoch AND e.revoked_block IS NULL
             AND EXISTS (SELECT 1 FROM epoch_payouts x WHERE x.epoch = e.epoch AND x.root = e.root))
         ORDER BY p.epoch, p.campaign_id`,
      ),
  };
}
