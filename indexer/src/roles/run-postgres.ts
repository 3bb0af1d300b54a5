/**
 * `npm run indexer` on PostgreSQL (AMP_DATABASE_URL), by role:
 * - `writer`: waits for the writer lease, then follows the chain;
 * - `all`: the same, in one process with the API.
 * Stopping (SIGINT/SIGTERM) releases the lease at once, so a standby takes
 * over without waiting for the server to notice a dead session.
 */
import { isAmpError } from "#protocol";
import type { Logger } from "#protocol/logger.ts";
import type { IndexerConfig } from "../config.ts";
import { openPostgres } from "../store/engine/engine.ts";
import { startWriter, type Writer } from "./writer.ts";

export async function runOnPostgres(
  config: IndexerConfig & { databaseUrl: string },
  logger: Logger,
): Promise<void> {
  const log = logger.child({ service: "indexer", role: config.role });
  const engine = await openPostgres(config.databaseUrl, {
    onIdleError: (err) => log.warn({ err }, "database: an idle connection failed; the pool opens another"),
  });
  log.info({ engine: "postgres" }, `indexer: role ${config.role} on PostgreSQL`);
  const abort = new AbortController();
  let writer: Writer | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    abort.abort();
    await writer?.stop();
    await engine.close();
    process.exit(code);
  };
  const onSignal = (signal: string) => {
    log.info({ signal }, "indexer: stopping");
    void stop(0);
  };
  process.once("SIGINT", () => onSignal("SIGINT"));
  process.once("SIGTERM", () => onSignal("SIGTERM"));

  try {
    writer = await startWriter({ config, engine, logger, signal: abort.signal });
  } catch (err) {
    if (stopping) return;
    throw err;
  }
  try {
    await writer.done;
    await stop(0);
  } catch (err) {
    log.fatal({ err, code: isAmpError(err) ? err.code : undefined }, "indexer: writer stopped");
    // A lost lease means another writer may be writing: no graceful drain, leave now.
    if (isAmpError(err) && err.code === "WRITER_LEASE_LOST") process.exit(1);
    await stop(1);
  }
}
