/**
 * The settlement job: closes the next epoch and posts it on-chain.
 *
 * One run reads the escrow's `lastEpoch()`, takes the engagement log up to its
 * current end and the chain facts at the current block, computes the epoch
 * (`computeEpoch`, in a worker thread that keeps the log it read between
 * epochs, so the API keeps answering), stores every payout and proof, sends
 * `settle(...)` with the root and the epoch's manifest, and once mined writes
 * the log export and the manifest as files. The run is
 * recorded before the transaction is sent, and the chain's `lastEpoch()` is
 * checked again just before sending, so an epoch is never settled twice; after
 * a crash the next run finds the recorded range and resumes with it (waiting
 * for a transaction already sent, or recomputing the same result).
 *
 * It runs on either engine (`store.ts`). One settler at a time per database:
 * on SQLite a renewed lease row, on PostgreSQL (where a standby writer's
 * settler shares the database) a session advisory lock held for the whole run,
 * so two settlers can never both submit an epoch.
 */
import type { Account, Address, Chain, Hex, PublicClient, Transport, WalletClient } from "viem";

import { ampEscrowAbi } from "#protocol";
import { MAX_SPENDS_PER_EPOCH } from "#protocol/deploy.ts";
import { type Logger, silentLogger } from "#protocol/logger.ts";

import { type AttentionParams, DEFAULT_PARAMS } from "../attention/params.ts";
import { readChainFacts } from "./chain-facts.ts";
import { createEpochThread } from "./epoch-thread.ts";
import { SettlementError } from "./errors.ts";
import { manifestHex } from "./manifest.ts";
import { createRebuilder } from "./rebuild.ts";
import { createSettlementStore, type StoreSource } from "./store.ts";

export interface SettlementJobOptions {
  /** The store on either engine (a better-sqlite3 handle is the SQLite engine). */
  db: StoreSource;
  publicClient: PublicClient;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
  escrow: Address;
  social: Address;
  /** Deployment block (events are read from here). */
  startBlock: bigint;
  params?: AttentionParams;
  /** Where each epoch's log export and manifest are written (for the verifier); none when absent. */
  exportDir?: string;
  /**
   * Settle even when nothing changed since the last epoch (default false): no log entry arrived, or
   * the new entries spend nothing and leave every cumulative amount as it was.
   */
  settleEmpty?: boolean;
  /** Each phase of a run with its duration, each settled epoch, each failed run. */
  logger?: Logger;
  /**
   * How long the SQLite lease lasts unless renewed (default 15 s); renewed every third of that while a
   * run lives. (The PostgreSQL lease is a session lock: it lasts as long as the holder's connection.)
   */
  leaseSeconds?: number;
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

export { SettlementError } from "./errors.ts";

export function createSettlementJob(options: SettlementJobOptions): SettlementJob {
  const { db, publicClient, walletClient, escrow } = options;
  const params = options.params ?? DEFAULT_PARAMS;
  const logger = options.logger ?? silentLogger();
  /** `done(phase)` logs the phase that ran since the previous mark, with its duration. */
  function phases(epoch: number) {
    let mark = performance.now();
    return {
      done(phase: string) {
        const now = performance.now();
        logger.info({ epoch, phase, ms: Math.round(now - mark) }, `settlement: ${phase}`);
        mark = now;
      },
    };
  }

  const store = createSettlementStore(db);
  // Epochs the chain holds that this database has no matching record of are recomputed first.
  const rebuilder = createRebuilder({
    db: store.engine,
    publicClient,
    escrow,
    social: options.social,
    startBlock: options.startBlock,
    logger,
  });
  const getRun = (epoch: number) => store.run(epoch);
  // One settler at a time per database (e.g. the indexer's periodic settler and a one-off script).
  const lease = store.lease({
    logger,
    ...(options.leaseSeconds !== undefined ? { seconds: options.leaseSeconds } : {}),
  });
  const leaseSeconds = options.leaseSeconds ?? 15;

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
      if (receipt.status !== "success")
        throw new SettlementError("SETTLEMENT_REVERTED", `restoreSpends reverted in ${hash}`);
    }
  };

  // The log is read, hashed and computed over in a worker thread, off the API's event loop.
  const thread = createEpochThread(store.engine);

  /**
   * Writes a settled epoch's log export and manifest, from its recorded run. Only once the chain
   * holds its root: a computation that lost a race or was abandoned never overwrites the files
   * that describe the root on chain.
   */
  async function publish(epoch: number): Promise<void> {
    const run = await getRun(epoch);
    if (!options.exportDir || !run?.root || !run.manifest) return;
    // Written by the worker: an epoch's export can be megabytes.
    await thread.publish({
      dir: options.exportDir,
      epoch,
      fromSeq: run.fromSeq,
      toSeq: run.toSeq,
      exportHash: run.exportHash,
      manifest: run.manifest,
    });
  }

  async function compute(epoch: number, fromSeq: number, toSeq: number, blockNumber: bigint) {
    const phase = phases(epoch);
    const current = await thread.load(fromSeq, toSeq);
    phase.done("export log");
    const facts = await readChainFacts(publicClient, {
      social: options.social,
      escrow,
      startBlock: options.startBlock,
      blockNumber,
    });
    phase.done("read chain facts");
    const { result } = await thread.compute({ epoch, fromSeq, toSeq, blockNumber, params, facts });
    phase.done("compute epoch");
    await store.persist(epoch, result, {
      fromSeq,
      toSeq,
      blockNumber: Number(blockNumber),
      exportHash: current.exportHash,
      inputsHash: result.inputsHash,
      root: result.root,
      totalSpent: result.totalSpent.toString(),
      manifest: result.manifest,
    });
    phase.done("store payouts");
    return { result, asOf: facts.asOf };
  }

  async function runOnce(): Promise<SettleOutcome> {
    const last = await lastEpoch();
    const epoch = last + 1;
    if (!(await lease.acquire())) return { status: "busy", epoch };
    const renewal = setInterval(
      () => {
        lease.renew().then(
          (held) => {
            if (!held) logger.warn("settlement: lost the lease during a run");
          },
          (err: unknown) => logger.warn({ err }, "settlement: could not renew the lease"),
        );
      },
      (leaseSeconds * 1000) / 3,
    );
    try {
      return await settleNext(last, epoch);
    } finally {
      clearInterval(renewal);
      await lease.release();
    }
  }

  async function settleNext(last: number, epoch: number): Promise<SettleOutcome> {
    await rebuilder.runOnce();
    let run = await getRun(epoch);

    // A transaction sent before a crash: wait for it rather than sending another.
    if (run?.status === "sent" && run.txHash) {
      const receipt = await publicClient
        .waitForTransactionReceipt({ hash: run.txHash as Hex, timeout: 60_000 })
        .catch(() => null);
      if (receipt?.status === "success" && (await lastEpoch()) >= epoch) {
        await store.markSettled(epoch);
        await publish(epoch);
        logger.info(
          { epoch, txHash: run.txHash },
          "settlement: epoch settled by the transaction sent earlier",
        );
        return {
          status: "settled",
          epoch,
          txHash: run.txHash as Hex,
          root: run.root as Hex,
          totalSpent: BigInt(run.totalSpent),
          accounts: await store.countPayouts(epoch),
        };
      }
      run = undefined;
    }
    // A run recorded as settled for an epoch the chain no longer has was revoked: start it afresh.
    if (run && run.status !== "computed") run = undefined;

    const previous = epoch > 1 ? await getRun(epoch - 1) : undefined;
    if (epoch > 1) {
      if (!previous)
        throw new SettlementError(
          "SETTLEMENT_HISTORY_MISSING",
          `no local record of epoch ${epoch - 1}; cannot continue its cumulative tree`,
        );
      const root = await chainRoot(epoch - 1);
      if (root.toLowerCase() !== previous.root?.toLowerCase()) {
        throw new SettlementError(
          "SETTLEMENT_ROOT_MISMATCH",
          `epoch ${epoch - 1}: local root ${previous.root} differs from on-chain root ${root}`,
        );
      }
      if (previous.status !== "settled") await store.markSettled(epoch - 1);
    }
    const fromSeq = previous?.toSeq ?? 0;
    // Resume a computed-but-unsent run with its recorded range and block, so the result is the same.
    const toSeq = run ? run.toSeq : await store.lastSeq();
    const blockNumber = run ? BigInt(run.blockNumber) : await publicClient.getBlockNumber({ cacheTime: 0 });
    if (!run && toSeq <= fromSeq && !options.settleEmpty) {
      logger.info({ epoch, afterSeq: fromSeq }, "settlement: no new log entries; nothing to settle");
      return { status: "idle", epoch };
    }

    const { result, asOf } = await compute(epoch, fromSeq, toSeq, blockNumber);
    // Nothing changed (no spend, the same leaves): no root to post. The entries stay unsettled and
    // join the next epoch's range.
    const unchanged =
      result.totalSpent === 0n && (previous ? result.root === previous.root : result.cumulative.size === 0);
    if (unchanged && !options.settleEmpty) {
      await store.discard(epoch);
      logger.info(
        { epoch, fromSeq: fromSeq + 1, toSeq },
        "settlement: nothing changed (no spend, no new leaves); epoch not settled",
      );
      return { status: "idle", epoch };
    }

    if ((await lastEpoch()) !== last) return { status: "raced", epoch };
    // A revoke gives its spends back in bounded chunks; the escrow settles again once all are back.
    await finishRestore();
    // Another settler took the lease over (this run stalled past it): leave the epoch to it.
    if (!(await lease.renew())) return { status: "busy", epoch };
    const phase = phases(epoch);
    const hash = await walletClient.writeContract({
      address: escrow,
      abi: ampEscrowAbi,
      functionName: "settle",
      // Views up to the facts block's time: the escrow bounds each spend by the campaign's life so far.
      // The manifest goes on chain with the root; the escrow records its hash as the inputs hash.
      args: [
        BigInt(epoch),
        BigInt(asOf),
        result.root,
        manifestHex(result.manifest),
        result.campaignIds,
        result.amounts,
      ],
      chain: walletClient.chain,
      account: walletClient.account,
    });
    phase.done("send settle transaction");
    await store.markSent(epoch, hash);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    phase.done("wait for receipt");
    if (receipt.status !== "success")
      throw new SettlementError("SETTLEMENT_REVERTED", `settle(${epoch}) reverted in ${hash}`);
    await store.markSettled(epoch);
    await publish(epoch);
    phase.done("write epoch files");
    logger.info(
      {
        epoch,
        fromSeq: fromSeq + 1,
        toSeq,
        blockNumber: Number(blockNumber),
        campaigns: result.campaignIds.length,
        totalSpent: result.totalSpent.toString(),
        accounts: result.cumulative.size,
        txHash: hash,
      },
      "settlement: epoch settled",
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
          .catch((err: unknown) => logger.error({ err }, "settlement: run failed; retrying next interval"))
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
      await thread.close();
    },
  };
}
