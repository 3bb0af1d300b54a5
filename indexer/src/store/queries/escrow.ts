/** The escrow's own state: pause, role holders and delayed changes, disputes, refund withdrawals. */
import { type Reader, sql } from "./sql-reader.ts";

export interface DisputeRow {
  epoch: number;
  disputer: string;
  bond: string;
  deadline: number;
  /** 1 open, 2 upheld, 3 rejected, 4 expired. */
  status: number;
  paid: string | null;
  blockNumber: number;
  resolvedBlock: number | null;
}

export interface RoleChangeRow {
  role: string;
  account: string;
  grant: number;
  readyAt: number;
  blockNumber: number;
}

const DISPUTE_COLUMNS = sql.raw(
  `epoch, disputer, bond, deadline, status, paid, block_number AS "blockNumber", resolved_block AS "resolvedBlock"`,
);

// Amounts are summed as bigint here: SQLite holds them as text (its SUM would round), PostgreSQL as NUMERIC.
const sum = (rows: readonly { amount: string }[]) =>
  rows.reduce((total, row) => total + BigInt(row.amount), 0n);

export function escrowQueries(r: Reader) {
  return {
    /** The latest dispute of one settlement (the EpochSettled row at blockNumber, logIndex). */
    disputeOf: async (blockNumber: number, logIndex: number) =>
      (await r.get<DisputeRow>(
        sql`SELECT ${DISPUTE_COLUMNS} FROM disputes WHERE settled_block = ${blockNumber} AND settled_log = ${logIndex} ORDER BY block_number DESC, log_index DESC LIMIT 1`,
      )) ?? null,
    /** The lowest epoch with an open dispute of a settlement not revoked: no epoch from it on activates. */
    lowestOpenDispute: async () =>
      (
        await r.get<{ epoch: number | null }>(
          sql`SELECT MIN(d.epoch) AS epoch FROM disputes d JOIN epochs e ON e.block_number = d.settled_block AND e.log_index = d.settled_log WHERE d.status = 1 AND e.revoked_block IS NULL`,
        )
      )?.epoch ?? null,
    /** Sum of a campaign's refund withdrawals, wei. */
    refundWithdrawn: async (campaignId: number) =>
      sum(
        await r.all<{ amount: string }>(
          sql`SELECT amount FROM refund_withdrawals WHERE campaign_id = ${campaignId}`,
        ),
      ),
    /** The escrow's latest Paused/Unpaused, or null before any. */
    pauseState: async () =>
      (await r.get<{ paused: number; timestamp: number; blockNumber: number }>(
        sql`SELECT paused, timestamp, block_number AS "blockNumber" FROM escrow_pauses ORDER BY block_number DESC, log_index DESC LIMIT 1`,
      )) ?? null,
    /** Accounts holding each role of `contract`, from its RoleGranted/RoleRevoked events. */
    roleHolders: (contract: string) =>
      r.all<{ role: string; account: string }>(
        sql`SELECT role, account FROM role_events r WHERE contract = ${contract} AND granted = 1 AND NOT EXISTS (
           SELECT 1 FROM role_events later WHERE later.contract = r.contract AND later.role = r.role
             AND later.account = r.account
             AND (later.block_number > r.block_number OR (later.block_number = r.block_number AND later.log_index > r.log_index)))
         ORDER BY block_number, log_index`,
      ),
    /** Scheduled role changes not yet executed or cancelled, oldest first. */
    pendingRoleChanges: () =>
      r.all<RoleChangeRow>(
        sql`SELECT role, account, "grant", ready_at AS "readyAt", block_number AS "blockNumber" FROM role_changes WHERE status = 'scheduled' ORDER BY block_number, log_index`,
      ),
    /** AMP in the dispute pool: funding, plus rejected bonds, minus the rewards of upheld disputes. */
    disputePool: async () => {
      const funded = sum(await r.all<{ amount: string }>(sql`SELECT amount FROM dispute_pool_fundings`));
      const resolved = await r.all<{ status: number; bond: string; paid: string | null }>(
        sql`SELECT status, bond, paid FROM disputes WHERE status IN (2, 3)`,
      );
      return resolved.reduce(
        (pool, d) =>
          d.status === 3 ? pool + BigInt(d.bond) : pool - (BigInt(d.paid ?? "0") - BigInt(d.bond)),
        funded,
      );
    },
  };
}
