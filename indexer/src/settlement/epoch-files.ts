/**
 * What an epoch publishes beside its on-chain root: the exported log of its
 * seq range (NDJSON, hashed into the inputs hash) and a manifest naming the
 * range, the chain block read and the parameters. With these files and the
 * chain anyone can recompute the epoch.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Hex } from "viem";
import { ALGORITHM_VERSION, type AttentionParams, canonicalJson, paramsHash } from "../attention/params.ts";

export interface EpochManifest {
  epoch: number;
  /** The epoch covers log entries with fromSeq < seq <= toSeq. */
  fromSeq: number;
  toSeq: number;
  /** Chain block the facts were read at (decimal string). */
  blockNumber: string;
  exportHash: Hex;
  inputsHash: Hex;
  root: Hex;
  totalSpent: string;
  algorithmVersion: string;
  paramsHash: Hex;
  /** The parameters, canonical JSON (bigints as strings). */
  params: string;
}

export function manifestFor(
  fields: Omit<EpochManifest, "algorithmVersion" | "paramsHash" | "params">,
  params: AttentionParams,
): EpochManifest {
  return {
    ...fields,
    algorithmVersion: ALGORITHM_VERSION,
    paramsHash: paramsHash(params),
    params: canonicalJson(params),
  };
}

export const exportFile = (dir: string, epoch: number) => join(dir, `epoch-${epoch}.ndjson`);
export const manifestFile = (dir: string, epoch: number) => join(dir, `epoch-${epoch}.json`);

/** Writes both files atomically (temp file then rename), log first. */
export function writeEpochFiles(dir: string, manifest: EpochManifest, ndjson: string): void {
  mkdirSync(dir, { recursive: true });
  const write = (path: string, text: string) => {
    writeFileSync(`${path}.tmp`, text);
    renameSync(`${path}.tmp`, path);
  };
  write(exportFile(dir, manifest.epoch), ndjson);
  write(manifestFile(dir, manifest.epoch), `${JSON.stringify(manifest, null, 2)}\n`);
}

export function readEpochFiles(dir: string, epoch: number): { manifest: EpochManifest; ndjson: string } {
  const manifest = JSON.parse(readFileSync(manifestFile(dir, epoch), "utf8")) as EpochManifest;
  const ndjson = readFileSync(exportFile(dir, epoch), "utf8");
  return { manifest, ndjson };
}
