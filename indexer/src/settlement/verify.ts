/**
 * Independent recomputation of settled epochs from their published files
 * (log export + manifest) and the chain alone, with no access to the
 * indexer's database: every epoch from 1 is recomputed in turn (the tree is
 * cumulative) and its root and inputs hash compared with the escrow's record.
 * Every exported message's signature and signing authority is checked too, so
 * a root built on forged engagement does not verify.
 */
import { type Address, type Hex, keccak256, type PublicClient, stringToBytes } from "viem";
import { ampEscrowAbi, engagementDomain } from "#protocol";
import { loadLogExport } from "../attention/load.ts";
import type { LogEntry } from "../attention/log.ts";
import { paramsHash } from "../attention/params.ts";
import { LogAuthority } from "../engagement/authority.ts";
import { parseLogExport } from "../engagement/export.ts";
import { DEV_IMPRESSION_ISSUER } from "../engagement/impressions.ts";
import { computeEpoch } from "./epoch.ts";
import { readEpochFiles } from "./epoch-files.ts";
import { epochInput } from "./epoch-input.ts";
import { SettlementError } from "./errors.ts";

export interface VerifyOptions {
  social: Address;
  escrow: Address;
  startBlock: bigint;
  exportDir: string;
  /** Verify epochs 1..epoch. */
  epoch: number;
  /** Published impression keys (deployment `roles.impressions`); the dev key on the local chain when absent. */
  impressionIssuers?: readonly string[];
}

export interface EpochCheck {
  epoch: number;
  exportHashOk: boolean;
  /** Every entry of the export is signed by its account or a session key it delegated to. */
  signaturesOk: boolean;
  /** The first entry that is not, and why. */
  badEntry: { seq: number; reason: string } | null;
  root: Hex;
  chainRoot: Hex;
  inputsHash: Hex;
  chainInputsHash: Hex;
  ok: boolean;
}

export async function verifyEpochs(client: PublicClient, options: VerifyOptions): Promise<EpochCheck[]> {
  const verifier = await sequentialVerifier(client, options);
  const checks: EpochCheck[] = [];
  for (let epoch = 1; epoch <= options.epoch; epoch++) checks.push(await verifier.verify(epoch));
  return checks;
}

/**
 * Verifies epochs one after another, keeping what the next one needs (the replayed log and its
 * signing authority, the cumulative amounts, the paid views), so each epoch is recomputed once.
 * `verify(n)` verifies every epoch up to n not verified yet and returns n's check.
 */
export async function sequentialVerifier(
  client: PublicClient,
  options: Omit<VerifyOptions, "epoch">,
): Promise<{ verify(epoch: number): Promise<EpochCheck>; readonly verified: number }> {
  const checks: EpochCheck[] = [];
  const entries: LogEntry[] = [];
  let previousCumulative = new Map<string, bigint>();
  const previouslyPaid = new Set<string>();
  let lastToSeq = 0;
  const chainId = await client.getChainId();
  const issuers = options.impressionIssuers ?? (chainId === 31337 ? [DEV_IMPRESSION_ISSUER] : []);
  const authority = new LogAuthority(engagementDomain(chainId, options.social), issuers);
  async function verifyNext(epoch: number): Promise<EpochCheck> {
    const { manifest, ndjson } = readEpochFiles(options.exportDir, epoch);
    const exportHashOk =
      keccak256(stringToBytes(ndjson)) === manifest.exportHash && manifest.fromSeq === lastToSeq;
    const params = manifest.params;
    if (paramsHash(params) !== manifest.paramsHash)
      throw new SettlementError(
        "SETTLEMENT_MANIFEST_MISMATCH",
        `epoch ${epoch}: manifest parameters do not match their hash`,
      );
    // Nothing carried over changes until the chain has answered: a failed read can be retried.
    const before = entries.length;
    entries.push(...loadLogExport(ndjson));
    let result: ReturnType<typeof computeEpoch>;
    let chainRoot: Hex;
    let chainInputsHash: Hex;
    try {
      result = computeEpoch(
        await epochInput(client, {
          epoch,
          entries,
          fromSeq: manifest.fromSeq,
          toSeq: manifest.toSeq,
          exportHash: manifest.exportHash,
          previousCumulative,
          previouslyPaid,
          params,
          chain: {
            social: options.social,
            escrow: options.escrow,
            startBlock: options.startBlock,
            blockNumber: BigInt(manifest.factsBlock),
          },
        }),
      );
      [chainRoot, chainInputsHash] = await client.readContract({
        address: options.escrow,
        abi: ampEscrowAbi,
        functionName: "epochs",
        args: [BigInt(epoch)],
      });
    } catch (error) {
      entries.length = before;
      throw error;
    }
    let badEntry: EpochCheck["badEntry"] = null;
    for (const line of parseLogExport(ndjson)) {
      // Invalid entries are reported (the first one) and leave the replayed delegations alone.
      const reason = await authority.check(line);
      if (reason && !badEntry) badEntry = { seq: line.seq, reason };
    }
    lastToSeq = manifest.toSeq;
    previousCumulative = result.cumulative;
    for (const key of result.newlyPaid) previouslyPaid.add(key);
    return {
      epoch,
      exportHashOk,
      signaturesOk: badEntry === null,
      badEntry,
      root: result.root,
      chainRoot,
      inputsHash: result.inputsHash,
      chainInputsHash,
      ok:
        exportHashOk &&
        badEntry === null &&
        result.root === chainRoot &&
        result.inputsHash === chainInputsHash,
    };
  }
  return {
    get verified() {
      return checks.length;
    },
    async verify(epoch) {
      // A file read that fails (not published yet) leaves the state as it was: retry later.
      while (checks.length < epoch) checks.push(await verifyNext(checks.length + 1));
      return checks[epoch - 1] as EpochCheck;
    },
  };
}
