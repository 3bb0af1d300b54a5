/**
 * The one place an epoch's `computeEpoch` input is assembled: the log entries
 * and seq range, the chain facts read at the epoch's block, the amounts carried
 * over from earlier epochs and the parameters. The settler (`job.ts`) and the
 * verifier (`verify.ts`) both build their input here, so they cannot drift apart.
 */
import type { Address, Hex, PublicClient } from "viem";
import type { LogEntry } from "../attention/log.ts";
import type { AttentionParams } from "../attention/params.ts";
import { type ChainFacts, readChainFacts } from "./chain-facts.ts";
import type { EpochInputs } from "./epoch.ts";

export interface EpochInputOptions {
  epoch: number;
  /** Every log entry up to `toSeq`: the history the graph needs plus this epoch's entries. */
  entries: readonly LogEntry[];
  /** The epoch covers entries with fromSeq < seq <= toSeq. */
  fromSeq: number;
  toSeq: number;
  /** Hash of this epoch's log export. */
  exportHash: Hex;
  previousCumulative: ReadonlyMap<string, bigint>;
  previouslyPaid: ReadonlySet<string>;
  params: AttentionParams;
  /** Where the chain facts come from: the deployment and the epoch's block. */
  chain: { social: Address; escrow: Address; startBlock: bigint; blockNumber: bigint };
}

export async function epochInput(client: PublicClient, options: EpochInputOptions): Promise<EpochInputs> {
  return epochInputFrom(await readChainFacts(client, options.chain), options);
}

/** The same input from chain facts already read (the settlement worker gets them from the job). */
export function epochInputFrom(
  facts: Pick<ChainFacts, "posts" | "communities" | "campaigns" | "asOf">,
  options: Omit<EpochInputOptions, "chain"> & { chain: { blockNumber: bigint } },
): EpochInputs {
  return {
    epoch: options.epoch,
    entries: options.entries,
    startSeq: options.fromSeq,
    endSeq: options.toSeq,
    posts: facts.posts,
    communities: facts.communities,
    campaigns: facts.campaigns,
    previousCumulative: options.previousCumulative,
    previouslyPaid: options.previouslyPaid,
    params: options.params,
    blockNumber: options.chain.blockNumber,
    asOf: facts.asOf,
    exportHash: options.exportHash,
  };
}
