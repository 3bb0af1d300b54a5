/**
 * Settlement results rebuilt from the chain: for every epoch the escrow holds
 * (settled, not revoked) that this instance has no matching record of, the
 * epoch is recomputed from its on-chain manifest (`EpochManifest`) and the
 * local engagement log, and the recomputed root and inputs hash must equal the
 * chain's, or the rebuild stops with a loud error. Payouts, proofs, per-campaign
 * payments, payout reasons and the run record are then stored as the settler
 * stores them, so a fresh instance (a new data folder, the same chain and log)
 * serves the same claims, earnings, epochs and campaigns, and a fresh settler
 * continues the cumulative tree.
 */
import type { Address, Hex, PublicClient } from "viem";
import { ampEscrowAbi } from "#protocol";
import { type Logger, silentLogger } from "#protocol/logger.ts";
import { loadLogExport } from "../attention/load.ts";
import { ALGORITHM_VERSION, paramsHash } from "../attention/params.ts";
import { exportLogFrom } from "../engagement/export.ts";
import { computeEpoch } from "./epoch.ts";
import { epochInput } from "./epoch-input.ts";
import { SettlementError } from "./errors.ts";
import { type EpochManifest, manifestHash, manifestText, parseManifest } from "./manifest.ts";
import { createSettlementStore, type StoreSource } from "./store.ts";

export interface RebuildOptions {
  /** The store on either engine (a better-sqlite3 handle is the SQLite engine). */
  db: StoreSource;
  publicClient: PublicClient;
  escrow: Address;
  social: Address;
  startBlock: bigint;
  logger?: Logger;
}

export interface Rebuilder {
  /** Rebuilds every chain epoch without a matching local record, in order; returns those rebuilt. */
  runOnce(): Promise<number[]>;
}

/** The manifest text an epoch's current settlement published (the latest whose hash is its inputs hash). */
export async function onChainManifest(
  client: PublicClient,
  escrow: Address,
  startBlock: bigint,
  epoch: number,
  inputsHash: Hex,
): Promise<string | null> {
  const logs = await client.getContractEvents({
    address: escrow,
    abi: ampEscrowAbi,
    eventName: "EpochManifest",
    args: { epoch: BigInt(epoch) },
    fromBlock: startBlock,
    toBlock: "latest",
    strict: true,
  });
  for (const log of logs.reverse()) {
    const hex = log.args.manifest as Hex;
    let text: string;
    try {
      text = manifestText(hex);
    } catch {
      continue;
    }
    if (manifestHash(text) === inputsHash) return text;
  }
  return null;
}

export function createRebuilder(options: RebuildOptions): Rebuilder {
  const { db, publicClient: client, escrow } = options;
  const logger = options.logger ?? silentLogger();
  const store = createSettlementStore(db);
  /** Epochs found matching the chain in this process, with their root (dropped when the chain revokes). */
  const checked = new Map<number, Hex>();

  const read = <T>(functionName: string, args: unknown[] = []) =>
    client.readContract({
      address: escrow,
      abi: ampEscrowAbi,
      functionName: functionName as never,
      args: args as never,
    }) as Promise<T>;

  async function rebuild(epoch: number, root: Hex, inputsHash: Hex): Promise<void> {
    const mismatch = (why: string) =>
      new SettlementError("SETTLEMENT_ROOT_MISMATCH", `rebuild of epoch ${epoch}: ${why}`, {
        details: `on-chain root ${root}, inputs hash ${inputsHash}`,
      });
    const text = await onChainManifest(client, escrow, options.startBlock, epoch, inputsHash);
    if (text === null) throw mismatch("no EpochManifest on chain hashes to the epoch's inputs hash");
    let manifest: EpochManifest;
    try {
      manifest = parseManifest(text);
    } catch (error) {
      throw mismatch(`its on-chain manifest is not valid (${(error as Error).message})`);
    }
    if (manifest.epoch !== epoch) throw mismatch(`its manifest names epoch ${manifest.epoch}`);
    if (manifest.algorithm !== ALGORITHM_VERSION)
      throw mismatch(`its manifest's algorithm ${manifest.algorithm} is not ${ALGORITHM_VERSION}`);
    if (paramsHash(manifest.params) !== manifest.paramsHash)
      throw mismatch("its parameters do not match paramsHash");
    const previousTo = epoch > 1 ? (await store.run(epoch - 1))?.toSeq : 0;
    if (previousTo !== manifest.fromSeq)
      throw mismatch(
        `its range starts after seq ${manifest.fromSeq}, epoch ${epoch - 1} ended at ${previousTo}`,
      );
    const have = await store.lastSeq();
    if (have < manifest.toSeq)
      throw new SettlementError(
        "SETTLEMENT_HISTORY_MISSING",
        `rebuild of epoch ${epoch}: the local log ends at seq ${have}, the epoch settled up to ${manifest.toSeq}`,
        { details: "this instance needs the engagement log the chain's epochs were computed from" },
      );
    const started = performance.now();
    const history = manifest.fromSeq > 0 ? (await exportLogFrom(db, 1, manifest.fromSeq)).ndjson : "";
    const current = await exportLogFrom(db, manifest.fromSeq + 1, manifest.toSeq);
    if (current.hash !== manifest.exportHash)
      throw new SettlementError(
        "SETTLEMENT_MANIFEST_MISMATCH",
        `rebuild of epoch ${epoch}: the local log ${manifest.fromSeq + 1}..${manifest.toSeq} hashes to ${current.hash}, the manifest says ${manifest.exportHash}`,
      );
    const input = await epochInput(client, {
      epoch,
      entries: [...loadLogExport(history), ...loadLogExport(current.ndjson)],
      fromSeq: manifest.fromSeq,
      toSeq: manifest.toSeq,
      exportHash: current.hash,
      previousCumulative: await store.cumulativeAfter(epoch - 1),
      previouslyPaid: await store.paidBefore(epoch),
      params: manifest.params,
      chain: {
        social: options.social,
        escrow,
        startBlock: options.startBlock,
        blockNumber: BigInt(manifest.factsBlock),
      },
    });
    const result = computeEpoch(input);
    if (result.inputsHash !== inputsHash)
      throw mismatch(`recomputed inputs hash ${result.inputsHash} (period end ${input.asOf})`);
    if (result.root !== root) throw mismatch(`recomputed root ${result.root}`);
    await store.persist(
      epoch,
      result,
      {
        fromSeq: manifest.fromSeq,
        toSeq: manifest.toSeq,
        blockNumber: manifest.factsBlock,
        exportHash: manifest.exportHash,
        inputsHash: result.inputsHash,
        root: result.root,
        totalSpent: result.totalSpent.toString(),
        manifest: text,
      },
      true,
    );
    logger.info(
      { epoch, root, accounts: result.cumulative.size, ms: Math.round(performance.now() - started) },
      "settlement: rebuilt epoch from its on-chain manifest",
    );
  }

  return {
    async runOnce() {
      const last = Number(await read<bigint>("lastEpoch"));
      for (const epoch of checked.keys()) if (epoch > last) checked.delete(epoch);
      const rebuilt: number[] = [];
      for (let epoch = 1; epoch <= last; epoch++) {
        if (checked.has(epoch)) continue;
        const [root, inputsHash] = await read<[Hex, Hex, bigint, boolean, bigint]>("epochs", [BigInt(epoch)]);
        const local = await store.run(epoch);
        if (local?.root?.toLowerCase() !== root.toLowerCase()) {
          await rebuild(epoch, root, inputsHash);
          rebuilt.push(epoch);
          // Later epochs continue this tree: their records were dropped and are rebuilt next.
          for (const e of checked.keys()) if (e > epoch) checked.delete(e);
        }
        checked.set(epoch, root);
      }
      return rebuilt;
    },
  };
}
