/**
 * Wires config, store, chain follower, engagement log and GraphQL API.
 * `createIndexer(config)` is what tests and scripts use; run this file
 * (`tsx indexer/src/main.ts`) to start an indexer from `AMP_*` variables.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Address } from "viem";
import { isAmpError } from "#protocol";
import { type Logger, loggerFromEnv } from "#protocol/logger.ts";
import { createChainClock } from "./api/clock.ts";
import { createEpochDocuments } from "./api/epoch-documents.ts";
import { createHttpHandler } from "./api/http.ts";
import { createMediaHandler } from "./api/media-http.ts";
import { type Api, createApi } from "./api/yoga.ts";
import type { AttentionService } from "./attention/interface.ts";
import { createAttentionService } from "./attention/service.ts";
import { createStoreAttentionService } from "./attention/store-service.ts";
import type { Follower, FollowerEvent } from "./chain/follower.ts";
import { createIndexerFollower } from "./chain/indexer-follower.ts";
import { configFromArgs, type IndexerConfig, loadConfig } from "./config.ts";
import { createIntakeWriter } from "./engagement/group-commit.ts";
import { createImpressionIssuer, impressionKey } from "./engagement/impressions.ts";
import { createEngagementService } from "./engagement/submit.ts";
import { apiOptionsFromConfig, intakeLimitsFromConfig } from "./roles/api-options.ts";
import { runOnPostgres } from "./roles/run-postgres.ts";
import { checkAcknowledgedLog } from "./settlement/log-check.ts";
import { createRebuilderFor, createSettler, epochExportDir, settlerKey } from "./settlement/settler.ts";
import { writerWatcher } from "./settlement/watch-service.ts";
import type { Watcher } from "./settlement/watcher.ts";
import type { NewLogEntry } from "./store/engine/engagement-store.ts";

/** How often an indexer without a settler looks for chain epochs to rebuild. */
const REBUILD_INTERVAL_MS = 5000;

import { ackMarkPath } from "./store/ack-mark.ts";
import { type Db, openDb } from "./store/db.ts";
import { createKyselyChainStore } from "./store/engine/chain-store.ts";
import { exclusiveSqlite, sqliteEngine } from "./store/engine/engine.ts";
import { createSqliteMediaStore, type ExclusiveMediaStore } from "./store/media/content-store.ts";
import { createQueries, type Queries } from "./store/queries.ts";

export interface AttentionDeps {
  db: Db;
  queries: Queries;
  config: IndexerConfig;
  now: () => number;
  /** Appends a log entry through intake's group commit (durable when it resolves). */
  append: (entry: NewLogEntry) => Promise<number>;
}

export interface IndexerOptions {
  /** Builds the attention model; default: the store-backed service. */
  attention?: (deps: AttentionDeps) => AttentionService;
  onFollowerEvent?: (event: FollowerEvent) => void;
  /** The process logger; each component logs through a child `{ service }`. Default: from AMP_LOG_*. */
  logger?: Logger;
}

export interface StartOptions {
  /** Serve HTTP on config.host:config.port (default true). */
  http?: boolean;
  /** Follow the chain (default true). */
  follow?: boolean;
}

export interface Indexer {
  config: IndexerConfig;
  db: Db;
  yoga: Api;
  follower: Follower;
  queries: Queries;
  /** The image content store behind /media. */
  media: ExclusiveMediaStore;
  /** Resolves with the GraphQL URL when serving HTTP. */
  start(options?: StartOptions): Promise<{ url: string | null }>;
  /** Settles when the follower stops; rejects on a fatal chain error. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

export function createIndexer(config: IndexerConfig, options: IndexerOptions = {}): Indexer {
  const logger = options.logger ?? loggerFromEnv();
  const apiLog = logger.child({ service: "api" });
  const db = openDb(config.dbPath);
  const ackMark = config.dbPath === ":memory:" ? undefined : ackMarkPath(config.dbPath);
  try {
    checkAcknowledgedLog(db, { ackMark, exportDir: epochExportDir(config) });
  } catch (error) {
    db.close();
    throw error;
  }
  // The handle's one engine: the follower, intake and every other writer share its connection.
  const engine = sqliteEngine(db);
  const queries = createQueries(db);
  const now = createChainClock(queries);
  const { contracts } = config.deployment;
  const follower = createIndexerFollower({
    config,
    store: createKyselyChainStore(engine),
    logger,
    onEvent: options.onFollowerEvent,
  });
  const intake = createIntakeWriter(engine, {
    ackMark,
    walPath: config.dbPath === ":memory:" ? undefined : `${config.dbPath}-wal`,
  });
  const attention = (options.attention ?? ((d) => createStoreAttentionService(d)))({
    db,
    queries,
    config,
    now,
    append: intake.append,
  });
  const media = createSqliteMediaStore(engine, { dir: config.mediaDir, maxTotalBytes: config.mediaMaxBytes });
  const yoga = createApi({
    ...apiOptionsFromConfig(config, engine, apiLog),
    queries,
    engagement: createEngagementService({
      store: intake.store,
      chainId: config.chainId,
      verifyingContract: contracts.AMPSocial as Address,
      append: intake.append,
      intake: intakeLimitsFromConfig(config),
    }),
    attention,
    now,
  });

  let server: Server | null = null;
  let resolveDone: () => void = () => undefined;
  let rejectDone: (e: unknown) => void = () => undefined;
  const done = new Promise<void>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });
  done.catch(() => undefined);
  let stopped = false;

  return {
    config,
    db,
    yoga,
    follower,
    queries,
    media,
    done,
    async start(startOptions = {}) {
      let url: string | null = null;
      if (startOptions.http ?? true) {
        const documents = createEpochDocuments({ db: engine, queries, corsOrigins: config.corsOrigins });
        server = createServer(
          createHttpHandler(yoga, {
            corsOrigins: config.corsOrigins,
            documents,
            media: createMediaHandler({
              store: media,
              corsOrigins: config.corsOrigins,
              uploads: { ratePerSec: config.mediaUploadRate, burst: config.mediaUploadBurst },
            }),
          }),
        );
        await new Promise<void>((res, rej) => {
          server?.once("error", rej);
          server?.listen(config.port, config.host, () => res());
        });
        const { address, port } = server.address() as AddressInfo;
        url = `http://${address}:${port}${yoga.graphqlEndpoint}`;
        apiLog.info({ url }, `api: GraphQL on ${url}`);
      }
      if (startOptions.follow ?? true) follower.run().then(resolveDone, rejectDone);
      else resolveDone();
      return { url };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await follower.stop();
      if (server) {
        const s = server;
        s.closeAllConnections();
        await new Promise<void>((res) => s.close(() => res()));
      }
      // No more answers: let the attention service finish what the answers it gave left pending.
      try {
        await attention.close?.();
      } finally {
        // An intake commit still running ends (committed or not) before the handle closes.
        await exclusiveSqlite(engine, () => undefined).catch(() => undefined);
        intake.close();
        db.close();
      }
    },
  };
}

async function main(logger: Logger): Promise<void> {
  const log = logger.child({ service: "indexer" });
  const config = loadConfig(configFromArgs(process.argv.slice(2)));
  if (config.databaseUrl) {
    await runOnPostgres({ ...config, databaseUrl: config.databaseUrl }, logger);
    return;
  }
  const indexer = createIndexer(config, {
    logger,
    ...(config.attention === "model"
      ? {
          attention: (deps) => {
            const key = impressionKey(process.env.AMP_IMPRESSION_KEY, config.chainId);
            if (!key) log.warn("no AMP_IMPRESSION_KEY: streams carry no amplified items");
            const impressions = key
              ? createImpressionIssuer({
                  // Through intake's group commit: appended, the WAL synced and marked, like a message.
                  store: { append: deps.append },
                  key,
                  chainId: config.chainId,
                  verifyingContract: config.deployment.contracts.AMPSocial as Address,
                })
              : null;
            if (impressions) log.info({ impressionIssuer: impressions.address }, "impressions: issuer ready");
            return createAttentionService({ ...deps, impressions });
          },
        }
      : {}),
  });
  // The settler runs beside the follower when a key is configured: every epoch
  // length it settles the log entries that arrived since the last epoch.
  const key = settlerKey(process.env.AMP_SETTLER_KEY, config.chainId);
  const settlerLog = logger.child({ service: "settler" });
  const settler = key
    ? createSettler(config, indexer.db, { key, logger: settlerLog, settleEmpty: config.settleEmpty })
    : null;
  // Without a settler, settlement results are rebuilt from the chain's epochs (the settler does it
  // itself before each run): a fresh data folder serves the same claims and earnings.
  const rebuilder = settler ? null : createRebuilderFor(config, indexer.db, settlerLog);
  let rebuildTimer: NodeJS.Timeout | null = null;
  let watcher: Watcher | null = null;
  const rebuildLoop = () => {
    rebuilder
      ?.runOnce()
      .catch((err: unknown) =>
        settlerLog.error(
          { err, code: isAmpError(err) ? err.code : undefined },
          "settlement: rebuild from the chain failed; retrying",
        ),
      )
      .finally(() => {
        rebuildTimer = setTimeout(rebuildLoop, REBUILD_INTERVAL_MS);
      });
  };
  const shutdown = async (signal: string) => {
    log.info({ signal }, "indexer: stopping");
    if (rebuildTimer) clearTimeout(rebuildTimer);
    await settler?.stop();
    await watcher?.stop();
    await indexer.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  const { url } = await indexer.start();
  watcher = url ? writerWatcher(config, url, logger) : null;
  watcher?.start(config.watchIntervalMs);
  if (settler) {
    settlerLog.info({ everySeconds: config.epoch.lengthSeconds }, "settler: started");
    settler.start(config.epoch.lengthSeconds * 1000);
  } else rebuildLoop();
  try {
    await indexer.done;
  } catch (err) {
    log.fatal({ err, code: isAmpError(err) ? err.code : undefined }, "indexer: fatal chain error; stopping");
    await indexer.stop();
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let logger: Logger;
  try {
    logger = loggerFromEnv();
  } catch (error) {
    process.stderr.write(`indexer: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  main(logger).catch((err: unknown) => {
    logger.fatal({ err, code: isAmpError(err) ? err.code : undefined }, "indexer: failed to start");
    process.exit(1);
  });
}
