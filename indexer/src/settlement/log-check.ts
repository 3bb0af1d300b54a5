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
 *
 * That is SQLite's check: there an acknowledgement follows a commit to the WAL,
 * and a deleted or truncated WAL loses committed entries without the database
 * noticing. On PostgreSQL the durability point is the COMMIT itself: intake
 * acknowledges an entry only after its transaction committed, and with `fsync`
 * and `synchronous_commit` on the server keeps every committed transaction
 * through a crash (its own WAL is replayed on start). No mark file is kept
 * there (a standby writer on another machine would not have it); the check
 * becomes (`checkLogDurability`): the log must still hold what the latest
 * published manifest settled, with the same export hash (a restore to an
 * earlier point, or a failover to a standby that was behind, fails here, and
 * the rebuilder fails likewise against the manifests on chain), and the
 * server must not be configured to lose commits (`fsync`, `synchronous_commit`
 * or `full_page_writes` off), which is reported.
 */
import { existsSync, readdirSync } from "node:fs";
import { AmpError } from "#protocol";
import { exportLog, exportLogFrom, type LogExport } from "../engagement/export.ts";
import { readAckMark } from "../store/ack-mark.ts";
import type { Db } from "../store/db.ts";
import { readManifestFile } from "./epoch-files.ts";
import type { EpochManifest } from "./manifest.ts";
import { createSettlementStore, type StoreSource } from "./store.ts";

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

function checkAckMark(lastSeq: number, ackMark: string): void {
  const acked = readAckMark(ackMark);
  if (acked > lastSeq) {
    throw new LogMissingError(
      `engagement log: entries ${lastSeq + 1}..${acked} were acknowledged but are missing from the database`,
      `the log ends at seq ${lastSeq}, ${ackMark} records seq ${acked} as acknowledged; ${RESTORE}`,
    );
  }
}

/** The latest published manifest whose range the log must still hold, or null. */
function settledManifest(lastSeq: number, exportDir: string | undefined): EpochManifest | null {
  const manifest = exportDir ? latestManifest(exportDir) : null;
  if (!manifest || manifest.toSeq <= manifest.fromSeq) return null;
  if (manifest.toSeq > lastSeq) {
    throw new LogMissingError(
      `engagement log: entries ${lastSeq + 1}..${manifest.toSeq} settled in epoch ${manifest.epoch} are missing from the database`,
      `epoch ${manifest.epoch} settled seq ${manifest.fromSeq + 1}..${manifest.toSeq} (export hash ${manifest.exportHash}); the log ends at seq ${lastSeq}; ${RESTORE}`,
    );
  }
  return manifest;
}

function checkExport(manifest: EpochManifest, local: LogExport): void {
  if (local.hash !== manifest.exportHash) {
    throw new LogMissingError(
      `engagement log: entries ${manifest.fromSeq + 1}..${manifest.toSeq} differ from what epoch ${manifest.epoch} settled`,
      `export hash ${local.hash} (${local.count} entries), the manifest says ${manifest.exportHash}; ${RESTORE}`,
    );
  }
}

/** Throws `LogMissingError` naming what is missing when the log lacks acknowledged or settled entries. */
export function checkAcknowledgedLog(db: Db, check: DurabilityCheck): void {
  const lastSeq = db.prepare("SELECT COALESCE(MAX(seq), 0) FROM engagement_log").pluck().get() as number;
  if (check.ackMark) checkAckMark(lastSeq, check.ackMark);
  const manifest = settledManifest(lastSeq, check.exportDir);
  if (manifest) checkExport(manifest, exportLog(db, manifest.fromSeq + 1, manifest.toSeq));
}

export interface DurabilityReport {
  lastSeq: number;
  /** Server settings under which an acknowledged (committed) entry can be lost (PostgreSQL). */
  warnings: string[];
}

/**
 * The durability check on either engine: SQLite's as `checkAcknowledgedLog`; on PostgreSQL the
 * manifest check and the server's settings (the acknowledgement mark does not apply there).
 * Throws `LogMissingError` when settled or acknowledged entries are missing.
 */
export async function checkLogDurability(
  source: StoreSource,
  check: DurabilityCheck,
): Promise<DurabilityReport> {
  const store = createSettlementStore(source);
  const lastSeq = await store.lastSeq();
  const warnings: string[] = [];
  if (store.kind === "sqlite") {
    if (check.ackMark) checkAckMark(lastSeq, check.ackMark);
  } else {
    const pool = store.engine.pool;
    for (const setting of ["fsync", "synchronous_commit", "full_page_writes"]) {
      const value = (await pool?.query<Record<string, string>>(`SHOW ${setting}`))?.rows[0]?.[setting];
      if (value === "off")
        warnings.push(
          `PostgreSQL ${setting} is off: a committed (acknowledged) engagement entry can be lost in a server crash`,
        );
    }
  }
  const manifest = settledManifest(lastSeq, check.exportDir);
  if (manifest) checkExport(manifest, await exportLogFrom(source, manifest.fromSeq + 1, manifest.toSeq));
  return { lastSeq, warnings };
}
