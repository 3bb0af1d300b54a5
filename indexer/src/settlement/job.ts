/**
 * The settlement job: closes the next epoch and posts it on-chain.
 *
 * One run reads the escrow's `lastEpoch()`, takes the engagement log up to its
 * current end and the chain facts at the current block, computes the epoch
 * (`computeEpoch`), stores every payout and proof, writes the epoch's log export
 * and manifest, and sends `settle(...)` with the settler wallet. The run is
 * recorded before the transaction is sent, and the chain's `lastEpoch()` is
 * checked again just before sending, so an epoch is never settled twice; after
 * a crash the next run finds the recorded range and resumes with it (waiting
 * for a transaction already sent, or recomputing the same result).
 */
import type { Account, Address, Chain, Hex, PublicClient, Transport, WalletClient } from "viem";
import { ampEscrowAbi } from "../../../contracts/abi.ts";
import { loadLogExport } from "../attention/load.ts";
import { type AttentionParams, DEFAULT_PARAMS } from "../attention/params.ts";
import { exportLog } from "../engagement/export.ts";
import type { Db } from "../store/db.ts";
import { MAX_SPENDS_PER_EPOCH, readChainFacts } from "./chain-facts.ts";
import { computeEpoch, type EpochResult } from "./epoch.ts";
import { manifestFor, writeEpochFiles } from "./epoch-files.ts";
import { paidKey } from "./payouts.ts";

export interface SettlementJobOptions {
  db: Db;
  publicClient: PublicClient;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
  escrow: Address;
  social: Address;
  /** Deployment block (events are read from here). */
  startBlock: bigint;
  params?: AttentionParams;
  /** Where each epoch's log export and manifest are written (for the verifier); none when absent. */
  exportDir?: string;
  /** Settle even when no log entry arrived since the last epoch (default false). */
  settleEmpty?: boolean;
  log?: (line: string) => void;
}

export type SettleOutcome =
  | { status: "idle"; epoch: number }
  | { status: "busy"; epoch: number }
  | { status: "settled"; epoch: number; txHash: Hex; root: Hex; totalSpent: bigint; accounts: number }
  | { status: "raced"; epoch: number };

export interface SettlementJob {
  /** Settles the next epoch if there is anything to settle. */
  runOnce(): Promise<SettleOutcome>;
  /** Runs `runOnce` every `intervalMs` until `stop`; errors are logged and retried next time. */
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

export class SettlementError extends Error {
  override name = "SettlementError";
}

interface RunRow {
  epoch: number;
  fromSeq: number;
  toSeq: number;
  blockNumber: number;
  root: string | null;
  totalSpent: string;
  status: "computed" | "sent" | "settled";
  txHash: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS settlement_runs (
  epoch INTEGER PRIMARY KEY,
  from_seq INTEGER NOT NULL,
  to_seq INTEGER NOT NULL,
  block_number INTEGER NOT NULL,
  export_hash TEXT NOT NULL,
  inputs_hash TEXT NOT NULL,
  root TEXT NOT NULL,
  total_spent TEXT NOT NULL,
  status TEXT NOT NULL,
  tx_hash TEXT,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS settlement_lease (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  owner TEXT NOT NULL,
  until INTEGER NOT NULL
);`;

/** How long (seconds) one settler holds the lease on the database; renewed by every run. */
const LEASE_SECONDS = 600;

export function createSettlementJob(options: SettlementJobOptions): SettlementJob {
  const { db, publicClient, walletClient, escrow } = options;
  const params = options.params ?? DEFAULT_PARAMS;
  const log = options.log ?? (() => undefined);
  db.exec(SCHEMA);

  const q = {
    run: db.prepare(
      "SELECT epoch, from_seq AS fromSeq, to_seq AS toSeq, block_number AS blockNumber, root, total_spent AS totalSpent, status, tx_hash AS txHash FROM settlement_runs WHERE epoch = ?",
    ),
    upsertRun: db.prepare(
      `INSERT INTO settlement_runs (epoch, from_seq, to_seq, block_number, export_hash, inputs_hash, root, total_spent, status, tx_hash, updated_at)
       VALUES (@epoch, @fromSeq, @toSeq, @blockNumber, @exportHash, @inputsHash, @root, @totalSpent, 'computed', NULL, @now)
       ON CONFLICT (epoch) DO UPDATE SET from_seq = excluded.from_seq, to_seq = excluded.to_seq,
         block_number = excluded.block_number, export_hash = excluded.export_hash, inputs_hash = excluded.inputs_hash,
         root = excluded.root, total_spent = excluded.total_spent, status = 'computed', tx_hash = NULL, updated_at = excluded.updated_at`,
    ),
    countPayouts: db.prepare("SELECT COUNT(*) AS n FROM epoch_payouts WHERE epoch = ?"),
    markSent: db.prepare(
      "UPDATE settlement_runs SET status = 'sent', tx_hash = ?, updated_at = ? WHERE epoch = ?",
    ),
    markSettled: db.prepare("UPDATE settlement_runs SET status = 'settled', updated_at = ? WHERE epoch = ?"),
    dropRunsFrom: db.prepare("DELETE FROM settlement_runs WHERE epoch > ?"),
    lastSeq: db.prepare("SELECT COALESCE(MAX(seq), 0) AS n FROM engagement_log"),
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
  const getRun = (epoch: number) => q.run.get(epoch) as RunRow | undefined;
  // One settler at a time per database (e.g. the indexer's periodic settler and a one-off script).
  const owner = `${process.pid}:${Math.random().toString(36).slice(2)}`;
  const leaseStmt = db.prepare(
    `INSERT INTO settlement_lease (id, owner, until) VALUES (1, @owner, @until)
     ON CONFLICT (id) DO UPDATE SET owner = @owner, until = @until WHERE settlement_lease.owner = @owner OR settlement_lease.until < @now`,
  );
  const releaseStmt = db.prepare("DELETE FROM settlement_lease WHERE owner = ?");
  const acquire = () => {
    const t = Math.floor(Date.now() / 1000);
    return leaseStmt.run({ owner, until: t + LEASE_SECONDS, now: t }).changes > 0;
  };
  const now = () => Math.floor(Date.now() / 1000);

  const lastEpoch = async () =>
    Number(
      await publicClient.readContract({ address: escrow, abi: ampEscrowAbi, functionName: "lastEpoch" }),
    );
  const chainRoot = async (epoch: number) =>
    (
      await publicClient.readContract({
        address: escrow,
        abi: ampEscrowAbi,
        functionName: "epochs",
        args: [BigInt(epoch)],
      })
    )[0];

  /** Sends `restoreSpends` in chunks until no revoked spend is waiting (a no-op when none is). */
  const finishRestore = async () => {
    for (;;) {
      const pending = await publicClient.readContract({
        address: escrow,
        abi: ampEscrowAbi,
        functionName: "restorePending",
      });
      if (!pending) return;
      const hash = await walletClient.writeContract({
        address: escrow,
        abi: ampEscrowAbi,
        functionName: "restoreSpends",
        args: [BigInt(MAX_SPENDS_PER_EPOCH + 1)],
        chain: walletClient.chain,
        account: walletClient.account,
      });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new SettlementError(`restoreSpends reverted in ${hash}`);
    }
  };

  const persist = db.transaction((epoch: number, result: EpochResult, fields: Record<string, unknown>) => {
    q.dropRunsFrom.run(epoch);
    q.deletePayouts.run(epoch);
    q.deleteCampaignPayouts.run(epoch);
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
  });

  async function compute(epoch: number, fromSeq: number, toSeq: number, blockNumber: bigint) {
    const facts = await readChainFacts(publicClient, {
      social: options.social,
      escrow,
      startBlock: options.startBlock,
      blockNumber,
    });
    const history = fromSeq > 0 ? exportLog(db, 1, fromSeq).ndjson : "";
    const current = exportLog(db, fromSeq + 1, toSeq);
    const previousCumulative = new Map<string, bigint>();
    for (const row of q.cumulative.all(epoch - 1) as { account: string; cumulative: string }[]) {
      previousCumulative.set(row.account, BigInt(row.cumulative));
    }
    const previouslyPaid = new Set(
      (q.paid.all(epoch) as { campaignId: number; account: string }[]).map((r) =>
        paidKey(BigInt(r.campaignId), r.account),
      ),
    );
    const result = computeEpoch({
      epoch,
      entries: [...loadLogExport(history), ...loadLogExport(current.ndjson)],
      startSeq: fromSeq,
      endSeq: toSeq,
      posts: facts.posts,
      communities: facts.communities,
      campaigns: facts.campaigns,
      previousCumulative,
      previouslyPaid,
      params,
      blockNumber,
      asOf: facts.asOf,
      exportHash: current.hash,
    });
    persist(epoch, result, {
      fromSeq,
      toSeq,
      blockNumber: Number(blockNumber),
      exportHash: current.hash,
      inputsHash: result.inputsHash,
      root: result.root,
      totalSpent: result.totalSpent.toString(),
    });
    if (options.exportDir) {
      writeEpochFiles(
        options.exportDir,
        manifestFor(
          {
            epoch,
            fromSeq,
            toSeq,
            blockNumber: blockNumber.toString(),
            exportHash: current.hash,
            inputsHash: result.inputsHash,
            root: result.root,
            totalSpent: result.totalSpent.toString(),
          },
          params,
        ),
        current.ndjson,
      );
    }
    return { result, asOf: facts.asOf };
  }

  async function runOnce(): Promise<SettleOutcome> {
    const last = await lastEpoch();
    const epoch = last + 1;
    if (!acquire()) return { status: "busy", epoch };
    try {
      return await settleNext(last, epoch);
    } finally {
      releaseStmt.run(owner);
    }
  }

  async function settleNext(last: number, epoch: number): Promise<SettleOutcome> {
    let run = getRun(epoch);

    // A transaction sent before a crash: wait for it rather than sending another.
    if (run?.status === "sent" && run.txHash) {
      const receipt = await publicClient
        .waitForTransactionReceipt({ hash: run.txHash as Hex, timeout: 60_000 })
        .catch(() => null);
      if (receipt?.status === "success" && (await lastEpoch()) >= epoch) {
        q.markSettled.run(now(), epoch);
        log(`settlement: epoch ${epoch} settled by the transaction sent earlier, ${run.txHash}`);
        return {
          status: "settled",
          epoch,
          txHash: run.txHash as Hex,
          root: run.root as Hex,
          totalSpent: BigInt(run.totalSpent),
          accounts: (q.countPayouts.get(epoch) as { n: number }).n,
        };
      }
      run = undefined;
    }
    // A run recorded as settled for an epoch the chain no longer has was revoked: start it afresh.
    if (run && run.status !== "computed") run = undefined;

    const previous = epoch > 1 ? getRun(epoch - 1) : undefined;
    if (epoch > 1) {
      if (!previous)
        throw new SettlementError(
          `no local record of epoch ${epoch - 1}; cannot continue its cumulative tree`,
        );
      const root = await chainRoot(epoch - 1);
      if (root.toLowerCase() !== previous.root?.toLowerCase()) {
        throw new SettlementError(
          `epoch ${epoch - 1}: local root ${previous.root} differs from on-chain root ${root}`,
        );
      }
      if (previous.status !== "settled") q.markSettled.run(now(), epoch - 1);
    }
    const fromSeq = previous?.toSeq ?? 0;
    // Resume a computed-but-unsent run with its recorded range and block, so the result is the same.
    const toSeq = run ? run.toSeq : (q.lastSeq.get() as { n: number }).n;
    const blockNumber = run ? BigInt(run.blockNumber) : await publicClient.getBlockNumber({ cacheTime: 0 });
    if (!run && toSeq <= fromSeq && !options.settleEmpty) return { status: "idle", epoch };

    const { result, asOf } = await compute(epoch, fromSeq, toSeq, blockNumber);

    if ((await lastEpoch()) !== last) return { status: "raced", epoch };
    // A revoke gives its spends back in bounded chunks; the escrow settles again once all are back.
    await finishRestore();
    const hash = await walletClient.writeContract({
      address: escrow,
      abi: ampEscrowAbi,
      functionName: "settle",
      // Views up to the facts block's time: the escrow bounds each spend by the campaign's life so far.
      args: [BigInt(epoch), BigInt(asOf), result.root, result.inputsHash, result.campaignIds, result.amounts],
      chain: walletClient.chain,
      account: walletClient.account,
    });
    q.markSent.run(hash, now(), epoch);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new SettlementError(`settle(${epoch}) reverted in ${hash}`);
    q.markSettled.run(now(), epoch);
    log(
      `settlement: epoch ${epoch} settled (seq ${fromSeq + 1}..${toSeq}, block ${blockNumber}, ` +
        `${result.campaignIds.length} campaigns, ${result.totalSpent} spent, ${result.cumulative.size} accounts)`,
    );
    return {
      status: "settled",
      epoch,
      txHash: hash,
      root: result.root,
      totalSpent: result.totalSpent,
      accounts: result.cumulative.size,
    };
  }

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = false;
  return {
    runOnce,
    start(intervalMs) {
      stopped = false;
      const tick = () => {
        running = runOnce()
          .catch((e: unknown) => log(`settlement: ${(e as Error).message}`))
          .finally(() => {
            running = null;
            if (!stopped) timer = setTimeout(tick, intervalMs);
          });
      };
      timer = setTimeout(tick, intervalMs);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
