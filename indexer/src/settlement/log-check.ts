/**
 * Acknowledged engagement must never vanish silently. Two records outside the
 * database say what it must hold:
 *
 * - the acknowledgement mark, a file beside the database holding the highest
 *   seq ever acknowledged, written after each durable commit (so it never runs
 *   ahead of what was committed);
 * - the epoch manifests the settler published (the settled log range and the
 *   keccak256 of its export), which the chain's roots commit to.
 *
 * On start the log is checked against both; when acknowledged history is
 * missing (a lost or truncated WAL, an old backup restored) the indexer
 * refuses to start and says which entries are missing, rather than serving a
 * shorter log and handing out their sequence numbers again.
 */
import { existsSync, readdirSync } from "node:fs";
import { AmpError } from "#protocol";
import { exportLog } from "../engagement/export.ts";
import { readAckMark } from "../store/ack-mark.ts";
import type { Db } from "../store/db.ts";
import { readManifestFile } from "./epoch-files.ts";
import type { EpochManifest } from "./manifest.ts";

export class LogMissingError extends AmpError {
  override name = "LogMissingError";
  constructor(shortMessage: string, details: string) {
    super("LOG_MISSING", shortMessage, { details });
  }
}

const RESTORE =
  "restore the database together with its -wal file from a backup taken after that point (indexer/README.md, Backups and restore)";

function latestManifest(dir: string): EpochManifest | null {
  if (!existsSync(dir)) return null;
  const epochs = readdirSync(dir)
    .map((f) => /^epoch-(\d+)\.json$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => b - a);
  const latest = epochs[0];
  if (latest === undefined) return null;
  return readManifestFile(dir, latest).manifest;
}

export interface DurabilityCheck {
  /** The acknowledgement mark's file (`ackMarkPath(dbPath)`); none for an in-memory store. */
  ackMark?: string;
  /** Where the settler publishes epoch manifests. */
  exportDir?: string;
}

/** Throws `LogMissingError` naming what is missing when the log lacks acknowledged or settled entries. */
export function checkAcknowledgedLog(db: Db, check: DurabilityCheck): void {
  const lastSeq = db.prepare("SELECT COALESCE(MAX(seq), 0) FROM engagement_log").pluck().get() as number;
  if (check.ackMark) {
    const acked = readAckMark(check.ackMark);
    if (acked > lastSeq) {
      throw new LogMissingError(
        `engagement log: entries ${lastSeq + 1}..${acked} were acknowledged but are missing from the database`,
        `the log ends at seq ${lastSeq}, ${check.ackMark} records seq ${acked} as acknowledged; ${RESTORE}`,
      );
    }
  }
  const manifest = check.exportDir ? latestManifest(check.exportDir) : null;
  if (manifest && manifest.toSeq > manifest.fromSeq) {
    if (manifest.toSeq > lastSeq) {
      throw new LogMissingError(
        `engagement log: entries ${lastSeq + 1}..${manifest.toSeq} settled in epoch ${manifest.epoch} are missing from the database`,
        `epoch ${manifest.epoch} settled seq ${manifest.fromSeq + 1}..${manifest.toSeq} (export hash ${manifest.exportHash}); the log ends at seq ${lastSeq}; ${RESTORE}`,
      );
    }
    const local = exportLog(db, manifest.fromSeq + 1, manifest.toSeq);
    if (local.hash !== manifest.exportHash) {
      throw new LogMissingError(
        `engagement log: entries ${manifest.fromSeq + 1}..${manifest.toSeq} differ from what epoch ${manifest.epoch} settled`,
        `export hash ${local.hash} (${local.count} entries), the manifest says ${manifest.exportHash}; ${RESTORE}`,
      );
    }
  }
}
