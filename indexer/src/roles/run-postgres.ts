/**
 * `npm run indexer` on PostgreSQL (AMP_DATABASE_URL), by role:
 * - `writer` (and `all`, the same one process on PostgreSQL): waits for the
 *   writer lease as a standby, then follows the chain from the checkpoint,
 *   serves the API with its own intake (signed messages appended to the log,
 *   acknowledged after COMMIT), advertises its URL for the replicas, and runs
 *   the settler (with AMP_SETTLER_KEY; else it rebuilds settlement results
 *   from the chain's epochs) and, with AMP_WATCH on, a watcher that
 *   recomputes every settled epoch from the data it serves;
 * - `api`: serves GraphQL from the database and forwards signed messages and
 *   media to the writer (AMP_WRITER_URL, else the lease holder's advertised
 *   URL); it never writes chain data.
 * Stopping (SIGINT/SIGTERM) releases the lease at once, so a standby takes
 * over without waiting for the server to notice a dead session.
 */
import { isAmpError } from "#protocol";
import type { Logger } from "#protocol/logger.ts";
import type { IndexerConfig } from "../config.ts";
import type { SettlementJob } from "../settlement/job.ts";
import { checkLogDurability } from "../settlement/log-check.ts";
import { createRebuilderFor, createSettler, epochExportDir, settlerKey } from "../settlement/settler.ts";
import { writerWatcher } from "../settlement/watch-service.ts";
import type { Watcher } from "../settlement/watcher.ts";
import { openPostgres } from "../store/engine/engine.ts";
import { createPostgresApi, type PostgresApi } from "./postgres-api.ts";
import { startWriter, type Writer } from "./writer.ts";

/** How often a writer without a settler looks for chain epochs to rebuild. */
const REBUILD_INTERVAL_MS = 5000;

export async function runOnPostgres(
  config: IndexerConfig & { databaseUrl: string },
  logger: Logger,
): Promise<void> {
  const log = logger.child({ service: "indexer", role: config.role });
  const settlerLog = logger.child({ service: "settler" });
  const engine = await openPostgres(config.databaseUrl, {
    onIdleError: (err) => log.warn({ err }, "database: an idle connection failed; the pool opens another"),
  });
  log.info({ engine: "postgres" }, `indexer: role ${config.role} on PostgreSQL`);
  const abort = new AbortController();
  let writer: Writer | null = null;
  let api: PostgresApi | null = null;
  let settler: SettlementJob | null = null;
  let watcher: Watcher | null = null;
  let rebuildTimer: NodeJS.Timeout | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    abort.abort();
    if (rebuildTimer) clearTimeout(rebuildTimer);
    await settler?.stop();
    await watcher?.stop();
    await api?.close();
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

  if (config.role === "api") {
    api = createPostgresApi({
      config,
      engine,
      logger,
      intake: "forward",
      impressionKey: process.env.AMP_IMPRESSION_KEY,
    });
    await api.listen();
    log.info(
      { writer: config.writerUrl ?? "the lease holder's advertised URL (writer_endpoint)" },
      "api: forwarding signed messages and media to the writer",
    );
    return;
  }

  try {
    writer = await startWriter({ config, engine, logger, signal: abort.signal });
  } catch (err) {
    if (stopping) return;
    throw err;
  }
  const durability = await checkLogDurability(engine, { exportDir: epochExportDir(config) });
  for (const warning of durability.warnings)
    log.warn({ lastSeq: durability.lastSeq }, `database: ${warning}`);
  api = createPostgresApi({
    config,
    engine,
    logger,
    intake: "local",
    impressionKey: process.env.AMP_IMPRESSION_KEY,
  });
  const base = await api.listen();
  await writer.advertise(config.advertiseUrl ?? base);
  log.info({ url: config.advertiseUrl ?? base }, "writer: taking signed messages; replicas forward here");
  watcher = writerWatcher(config, `${base}/graphql`, logger);
  watcher?.start(config.watchIntervalMs);

  const key = settlerKey(process.env.AMP_SETTLER_KEY, config.chainId);
  if (key) {
    settler = createSettler(config, engine, { key, logger: settlerLog, settleEmpty: config.settleEmpty });
    settlerLog.info({ everySeconds: config.epoch.lengthSeconds }, "settler: started");
    settler.start(config.epoch.lengthSeconds * 1000);
  } else {
    const rebuilder = createRebuilderFor(config, engine, settlerLog);
    const loop = () => {
      rebuilder
        .runOnce()
        .catch((err: unknown) =>
          settlerLog.error(
            { err, code: isAmpError(err) ? err.code : undefined },
            "settlement: rebuild from the chain failed; retrying",
          ),
        )
        .finally(() => {
          if (!stopping) rebuildTimer = setTimeout(loop, REBUILD_INTERVAL_MS);
        });
    };
    loop();
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
