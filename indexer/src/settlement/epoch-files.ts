/**
 * What an epoch publishes as files beside its on-chain root: the exported log
 * of its seq range (NDJSON, whose hash the manifest names) and the manifest
 * itself (`manifest.ts`, the exact text `settle` published, whose hash is the
 * on-chain inputs hash). With these files and the chain anyone can recompute
 * the epoch; the indexer's API serves the same documents.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type EpochManifest, parseManifest } from "./manifest.ts";

export const exportFile = (dir: string, epoch: number) => join(dir, `epoch-${epoch}.ndjson`);
export const manifestFile = (dir: string, epoch: number) => join(dir, `epoch-${epoch}.json`);

/** Writes both files atomically (temp file then rename), log first. */
export function writeEpochFiles(dir: string, epoch: number, manifest: string, ndjson: string): void {
  mkdirSync(dir, { recursive: true });
  const write = (path: string, text: string) => {
    writeFileSync(`${path}.tmp`, text);
    renameSync(`${path}.tmp`, path);
  };
  write(exportFile(dir, epoch), ndjson);
  write(manifestFile(dir, epoch), manifest);
}

export function readManifestFile(dir: string, epoch: number): { manifest: EpochManifest; text: string } {
  const text = readFileSync(manifestFile(dir, epoch), "utf8");
  return { manifest: parseManifest(text), text };
}

export function readEpochFiles(
  dir: string,
  epoch: number,
): { manifest: EpochManifest; text: string; ndjson: string } {
  return { ...readManifestFile(dir, epoch), ndjson: readFileSync(exportFile(dir, epoch), "utf8") };
}
