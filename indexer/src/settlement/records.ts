/**
 * The settlement results an instance keeps per epoch: payouts with proofs and
 * roots, per-campaign payments, payout reasons and the run record. Written by
 * the settler after computing an epoch, and by the rebuilder after recomputing
 * an epoch the chain settled, in one transaction either way.
 */
import type { Db } from "../store/db.ts";
import { createPayoutReasonStore } from "../store/payout-reasons.ts";
import type { EpochResult } from "./epoch.ts";
import { paidKey } from "./payouts.ts";

export interface RunFields {
  fromSeq: number;
  toSeq: number;
  blockNumber: number;
  exportHash: string;
  inputsHash: string;
  root: string;
  totalSpent: string;
  manifest: string;
}

export function createSettlementRecords(db: Db) {
  const q = {
    upsertRun: db.prepare(
      `INSERT INTO settlement_runs (epoch, from_seq, to_seq, block_number, export_hash, inputs_hash, root, total_spent, manifest, status, tx_hash, updated_at)
       VALUES (@epoch, @fromSeq, @toSeq, @blockNumber, @exportHash, @inputsHash, @root, @totalSpent, @manifest, 'computed', NULL, @now)
       ON CONFLICT (epoch) DO UPDATE SET from_seq = excluded.from_seq, to_seq = excluded.to_seq,
         block_number = excluded.block_number, export_hash = excluded.export_hash, inputs_hash = excluded.inputs_hash,
         root = excluded.root, total_spent = excluded.total_spent, manifest = excluded.manifest, status = 'computed', tx_hash = NULL, updated_at = excluded.updated_at`,
    ),
    markSettled: db.prepare("UPDATE settlement_runs SET status = 'settled', updated_at = ? WHERE epoch = ?"),
    dropRunsFrom: db.prepare("DELETE FROM settlement_runs WHERE epoch > ?"),
    cumulative: db.prepare("SELECT account, cumulative FROM epoch_payouts WHERE epoch = ?"),
    paid: db.prepare("SELECT campaign_id AS campaignId, account FROM epoch_campaign_payouts WHERE epoch < ?"),
    deletePayouts: db.prepare("DELETE FROM epoch_payouts WHERE epoch >= ?"),
    deleteCampaignPayouts: db.prepare("DELETE FROM epoch_campaign_payouts WHERE epoch >= ?"),
    insertPayout: db.prepare(
      "INSERT INTO epoch_payouts (epoch, account, amount, cumulative, proof, root) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    insertCampaignPayout: db.prepare(
      "INSERT INTO epoch_campaign_payouts (epoch, campaign_id, account, amount) VALUES (?, ?, ?, ?)",
    ),
  };
  const reasons = createPayoutReasonStore(db);
  const now = () => Math.floor(Date.now() / 1000);

  /** Replaces epoch `epoch` and drops every later one (their trees continue this one). */
  const persist = db.transaction(
    (epoch: number, result: Omit<EpochResult, "reputations">, fields: RunFields, settled = false) => {
      q.dropRunsFrom.run(epoch);
      q.deletePayouts.run(epoch);
      q.deleteCampaignPayouts.run(epoch);
      reasons.deleteFrom(epoch);
      for (const d of result.decisions) reasons.insert(epoch, d.campaignId, d.account, d.reason, d.amount);
      for (const [account, cumulative] of result.cumulative) {
        q.insertPayout.run(
          epoch,
          account,
          (result.payouts.get(account) ?? 0n).toString(),
          cumulative.toString(),
          JSON.stringify(result.proofs.get(account) ?? []),
          result.root,
        );
      }
      const perCampaign = new Map<string, bigint>();
      for (const p of result.payments) {
        const key = `${p.campaignId}:${p.account}`;
        perCampaign.set(key, (perCampaign.get(key) ?? 0n) + p.amount);
      }
      for (const [key, amount] of perCampaign) {
        const [campaignId, account] = key.split(":") as [string, string];
        q.insertCampaignPayout.run(epoch, Number(campaignId), account, amount.toString());
      }
      q.upsertRun.run({ epoch, ...fields, now: now() });
      if (settled) q.markSettled.run(now(), epoch);
    },
  );

  /** Drops epoch `epoch` and later ones (a computation that is not posted). */
  const discard = db.transaction((epoch: number) => {
    q.dropRunsFrom.run(epoch - 1);
    q.deletePayouts.run(epoch);
    q.deleteCampaignPayouts.run(epoch);
    reasons.deleteFrom(epoch);
  });

  return {
    persist,
    discard,
    /** Cumulative amounts per account after `epoch` (none for epoch 0). */
    cumulativeAfter(epoch: number): Map<string, bigint> {
      const out = new Map<string, bigint>();
      for (const row of q.cumulative.all(epoch) as { account: string; cumulative: string }[]) {
        out.set(row.account, BigInt(row.cumulative));
      }
      return out;
    },
    /** `paidKey`s of viewers paid by epochs before `epoch`. */
    paidBefore(epoch: number): Set<string> {
      return new Set(
        (q.paid.all(epoch) as { campaignId: number; account: string }[]).map((r) =>
          paidKey(BigInt(r.campaignId), r.account),
        ),
      );
    },
  };
}
