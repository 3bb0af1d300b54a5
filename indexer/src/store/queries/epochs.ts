/** Settled epochs, payouts, claims and earnings. */
import type { Keyset, Reader } from "./reader.ts";

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

const EPOCH_COLUMNS =
  "epoch, root, inputs_hash AS inputsHash, total_spent AS totalSpent, active_at AS activeAt, revoked_block AS revokedBlock, block_number AS blockNumber, log_index AS logIndex, " +
  "(SELECT m.manifest FROM epoch_manifests m WHERE m.epoch = epochs.epoch AND m.block_number = epochs.block_number AND m.log_index < epochs.log_index ORDER BY m.log_index DESC LIMIT 1) AS manifest";

/** The lowest epoch with an open dispute of a current settlement (no root from it on activates), or +inf. */
const OPEN_DISPUTE_BLOCK =
  "COALESCE((SELECT MIN(d.epoch) FROM disputes d JOIN epochs s ON s.block_number = d.settled_block AND s.log_index = d.settled_log WHERE d.status = 1 AND s.revoked_block IS NULL), 9223372036854775807)";

export function epochQueries({ all, get, page }: Reader) {
  return {
    /** Current settlement of an epoch number (the latest one). */
    epoch: (epoch: number) =>
      get<EpochRow>(
        `SELECT ${EPOCH_COLUMNS} FROM epochs WHERE epoch = ? ORDER BY block_number DESC, log_index DESC LIMIT 1`,
        epoch,
      ) ?? null,
    /** Settlements newest first; keyset (block_number, log_index). */
    epochs: (first: number, after: Keyset | null) =>
      after
        ? page<EpochRow>(
            `SELECT ${EPOCH_COLUMNS} FROM epochs WHERE block_number < ? OR (block_number = ? AND log_index < ?) ORDER BY block_number DESC, log_index DESC`,
            [after[0], after[0], after[1]],
            first,
          )
        : page<EpochRow>(
            `SELECT ${EPOCH_COLUMNS} FROM epochs ORDER BY block_number DESC, log_index DESC`,
            [],
            first,
          ),
    /** The latest settled, unrevoked epoch whose challenge window has passed at `now`, below any open dispute. */
    activeEpoch: (now: number) =>
      get<EpochRow>(
        `SELECT ${EPOCH_COLUMNS} FROM epochs WHERE revoked_block IS NULL AND active_at <= ? AND epoch < ${OPEN_DISPUTE_BLOCK} ORDER BY epoch DESC, block_number DESC LIMIT 1`,
        now,
      ) ?? null,
    payout: (epoch: number, account: string) =>
      get<{ amount: string; cumulative: string; proof: string; root: string | null }>(
        "SELECT amount, cumulative, proof, root FROM epoch_payouts WHERE epoch = ? AND account = ?",
        epoch,
        account,
      ) ?? null,
    payouts: (epoch: number, first: number, after: string | null) =>
      page<{ account: string; amount: string; cumulative: string; proof: string }>(
        "SELECT account, amount, cumulative, proof FROM epoch_payouts WHERE epoch = ? AND account > ? ORDER BY account",
        [epoch, after ?? ""],
        first,
      ),
    claimed: (account: string) =>
      get<{ cumulative: string }>(
        "SELECT cumulative FROM claims WHERE account = ? ORDER BY block_number DESC, log_index DESC LIMIT 1",
        account,
      )?.cumulative ?? "0",
    /**
     * An account's earnings from epochs the chain has settled and not revoked, and only where the
     * local payouts are the ones of the on-chain root (never a computed epoch whose settle
     * transaction is not mined, or lost a race).
     */
    earnings: (account: string) =>
      all<{ epoch: number; campaignId: number; amount: string }>(
        `SELECT p.epoch, p.campaign_id AS campaignId, p.amount FROM epoch_campaign_payouts p
         WHERE p.account = ? AND EXISTS (
           SELECT 1 FROM epochs e WHERE e.epoch = p.epoch AND e.revoked_block IS NULL
             AND EXISTS (SELECT 1 FROM epoch_payouts x WHERE x.epoch = e.epoch AND x.root = e.root))
         ORDER BY p.epoch, p.campaign_id`,
        account,
      ),
  };
}
