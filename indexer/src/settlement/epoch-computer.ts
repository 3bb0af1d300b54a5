/**
 * Epoch computation that keeps what it read: the model entries of the log
 * parsed so far stay in memory between epochs, so each epoch reads from the
 * database only the entries it has not seen (the new range), plus the epoch's
 * own range once to hash its export. The entries handed to `computeEpoch` are
 * the ones the log export yields (`toLogEntry` of each stored message, in seq
 * order), so the root is the one the verifier recomputes from the files.
 * It also writes a settled epoch's files (the export is megabytes for a long
 * epoch). Runs in the settlement worker (`epoch-worker.ts`) on its own
 * read-only connection (SQLite) or its own pool (PostgreSQL), or in-process
 * for an in-memory database.
 */
import { createKeccak } from "hash-wasm";
import type { Hex } from "viem";
import { toLogEntry } from "../attention/load.ts";
import type { LogEntry } from "../attention/log.ts";
import type { AttentionParams } from "../attention/params.ts";
import { exportLine, exportLogFrom } from "../engagement/export.ts";
import type { ChainFacts } from "./chain-facts.ts";
import { computeEpoch, type EpochResult } from "./epoch.ts";
import { writeEpochFiles } from "./epoch-files.ts";
import { epochInputFrom } from "./epoch-input.ts";
import { SettlementError } from "./errors.ts";
import { createSettlementStore, type StoreSource } from "./store.ts";

/** What one epoch needs besides the log: its range, block and the chain facts read at that block. */
export interface EpochRequest {
  epoch: number;
  /** The epoch covers fromSeq < seq <= toSeq. */
  fromSeq: number;
  toSeq: number;
  blockNumber: bigint;
  params: AttentionParams;
  facts: Pick<ChainFacts, "posts" | "communities" | "campaigns" | "asOf">;
}

/** An epoch's result without the reputations (which nobody after `computeEpoch` reads). */
export type EpochOutcome = Omit<EpochResult, "reputations">;

export interface EpochComputation {
  /** Hash of the epoch's log export (`exportLog` of fromSeq + 1 .. toSeq). */
  exportHash: Hex;
  result: EpochOutcome;
}

export interface LoadedRange {
  exportHash: Hex;
  /** Entries of the epoch's range. */
  count: number;
  /** Entries read and parsed for the first time by this call. */
  parsed: number;
}

/** A settled epoch's files: its log export (checked against the recorded hash) and its manifest. */
export interface PublishRequest {
  dir: string;
  epoch: number;
  fromSeq: number;
  toSeq: number;
  exportHash: string;
  /** The manifest's exact text (what `settle` published). */
  manifest: string;
}

export interface EpochComputer {
  /** Reads the log up to `toSeq` into memory (what is not there yet) and hashes fromSeq + 1 .. toSeq. */
  load(fromSeq: number, toSeq: number): Promise<LoadedRange>;
  compute(request: EpochRequest): Promise<EpochComputation>;
  /** Writes the epoch's export and manifest; refuses when the log no longer matches the manifest's hash. */
  publish(request: PublishRequest): Promise<void>;
}

export function createEpochComputer(source: StoreSource): EpochComputer {
  const store = createSettlementStore(source);
  // The log is append-only and a seq is never reused: what was parsed stays true.
  const entries: LogEntry[] = [];
  let parsedTo = 0;
  let last: { fromSeq: number; toSeq: number; loaded: LoadedRange } | null = null;

  async function load(fromSeq: number, toSeq: number): Promise<LoadedRange> {
    if (last && last.fromSeq === fromSeq && last.toSeq === toSeq && parsedTo >= toSeq) return last.loaded;
    const hasher = await createKeccak(256);
    hasher.init();
    let count = 0;
    let parsed = 0;
    let lines: string[] = [];
    for await (const rows of store.logBatches(Math.min(fromSeq, parsedTo), toSeq)) {
      for (const row of rows) {
        if (row.seq > fromSeq) {
          lines.push(exportLine(row));
          count++;
          if (lines.length === 512) {
            hasher.update(lines.join(""));
            lines = [];
          }
        }
        if (row.seq > parsedTo) {
          const entry = toLogEntry(row.seq, row.kind, JSON.parse(row.json));
          if (entry) entries.push(entry);
          parsed++;
        }
      }
    }
    hasher.update(lines.join(""));
    parsedTo = Math.max(parsedTo, toSeq);
    const loaded = { exportHash: `0x${hasher.digest("hex")}` as Hex, count, parsed };
    last = { fromSeq, toSeq, loaded };
    return loaded;
  }

  async function compute(request: EpochRequest): Promise<EpochComputation> {
    const { exportHash } = await load(request.fromSeq, request.toSeq);
    const previousCumulative = await store.cumulativeAfter(request.epoch - 1);
    const previouslyPaid = await store.paidBefore(request.epoch);
    // Entries past toSeq (read for a later epoch, when a recorded run is resumed) are ignored by computeEpoch.
    const { reputations: _, ...result } = computeEpoch(
      epochInputFrom(request.facts, {
        epoch: request.epoch,
        entries,
        fromSeq: request.fromSeq,
        toSeq: request.toSeq,
        exportHash,
        previousCumulative,
        previouslyPaid,
        params: request.params,
        chain: { blockNumber: request.blockNumber },
      }),
    );
    return { exportHash, result };
  }

  async function publish({
    dir,
    epoch,
    fromSeq,
    toSeq,
    exportHash,
    manifest,
  }: PublishRequest): Promise<void> {
    const { ndjson, hash } = await exportLogFrom(source, fromSeq + 1, toSeq);
    if (hash !== exportHash)
      throw new SettlementError(
        "SETTLEMENT_MANIFEST_MISMATCH",
        `epoch ${epoch}: the log export of ${fromSeq + 1}..${toSeq} no longer matches its recorded hash`,
      );
    writeEpochFiles(dir, epoch, manifest, ndjson);
  }

  return { load, compute, publish };
}
