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
import type { AttentionService } from "./api/attention-service.ts";
import { createChainClock } from "./api/clock.ts";
import { createHttpHandler } from "./api/http.ts";
import { createStoreAttentionService } from "./api/store-attention-service.ts";
import { type Api, createApi } from "./api/yoga.ts";
import { createAttentionService } from "./attention/service.ts";
import { ChainError } from "./chain/errors.ts";
import { createFollower, type Follower, type FollowerEvent } from "./chain/follower.ts";
import { createChainReader, createRpcClient } from "./chain/rpc.ts";
import { type IndexerConfig, loadConfig } from "./config.ts";
import { createChunkedExport } from "./engagement/export-chunked.ts";
import { createGroupCommit } from "./engagement/group-commit.ts";
import { createEngagementService } from "./engagement/submit.ts";
import { createSettler, epochExportDir, settlerKey } from "./settlement/settler.ts";
import { createChainStore } from "./store/chain-store.ts";
import { type Db, openDb } from "./store/db.ts";
import { ackMarkPath, checkAcknowledgedLog } from "./store/durability.ts";
import { createEngagementStore } from "./store/engagement-store.ts";
import { createQueries, type Queries } from "./store/queries.ts";

export interface AttentionDeps {
  db: Db;
  queries: Queries;
  config: IndexerConfig;
  now: () => number;
}

export interface IndexerOptions {
  /** Builds the attention model; default: the store-backed service. */
  attention?: (deps: AttentionDeps) => AttentionService;
  onFollowerEvent?: (event: FollowerEvent) => void;
  log?: (line: string) => void;
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
  /** Resolves with the GraphQL URL when serving HTTP. */
  start(options?: StartOptions): Promise<{ url: string | null }>;
  /** Settles when the follower stops; rejects on a fatal chain error. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

export function createIndexer(config: IndexerConfig, options: IndexerOptions = {}): Indexer {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const db = openDb(config.dbPath);
  const ackMark = config.dbPath === ":memory:" ? undefined : ackMarkPath(config.dbPath);
  try {
    checkAcknowledgedLog(db, { ackMark, exportDir: epochExportDir(config) });
  } catch (error) {
    db.close();
    throw error;
  }
  const queries = createQueries(db);
  const now = createChainClock(queries);
  const { contracts } = config.deployment;
  const reader = createChainReader(createRpcClient(config.rpcUrl, config.rpcTimeoutMs), {
    retries: config.rpcRetries,
    baseMs: config.rpcRetryBaseMs,
    onRetry: (e, attempt, delay) =>
      log(`rpc: ${e.shortMessage} (attempt ${attempt}, retry in ${Math.round(delay)} ms)`),
  });
  const follower = createFollower({
    reader,
    store: createChainStore(db),
    chainId: config.chainId,
    contracts: { token: contracts.AMPToken, social: contracts.AMPSocial, escrow: contracts.AMPEscrow },
    startBlock: config.deployment.startBlock,
    confirmations: config.confirmations,
    finalityDepth: config.finalityDepth,
    batchBlocks: config.batchBlocks,
    pollIntervalMs: config.pollIntervalMs,
    onEvent: (e) => {
      if (e.type === "reorg")
        log(`chain: reorg, rolled back to block ${e.ancestor} (${e.removedEvents} events)`);
      if (e.type === "error") {
        const what = `${e.error.shortMessage}${e.error.details ? `: ${e.error.details}` : ""}`;
        log(
          e.retryInMs === undefined
            ? `chain: fatal: ${what}`
            : `chain: ERROR (failure ${e.failures}, retrying in ${(e.retryInMs / 1000).toFixed(1)} s; the API keeps serving): ${what}`,
        );
      }
      options.onFollowerEvent?.(e);
    },
  });
  const attention = (options.attention ?? ((d) => createStoreAttentionService(d)))({
    db,
    queries,
    config,
    now,
  });
  const engagementStore = createEngagementStore(db);
  const groupCommit = createGroupCommit(db, engagementStore, {
    ackMark,
    walPath: config.dbPath === ":memory:" ? undefined : `${config.dbPath}-wal`,
  });
  const yoga = createApi({
    queries,
    exportLog: createChunkedExport(db),
    engagement: createEngagementService({
      store: engagementStore,
      chainId: config.chainId,
      verifyingContract: contracts.AMPSocial as Address,
      append: groupCommit.append,
      intake: {
        perAccount: { ratePerSec: config.intakeAccountRate, burst: config.intakeAccountBurst },
        perClient: { ratePerSec: config.intakeClientRate, burst: config.intakeClientBurst },
        maxAgeSeconds: config.intakeMaxAgeSeconds,
        allowBackdating: config.intakeAllowBackdating,
      },
    }),
    attention,
    chainId: config.chainId,
    deployment: config.deployment,
    now,
    corsOrigins: config.corsOrigins,
    graphiql: config.graphiql,
    limits: { maxDepth: config.maxQueryDepth, maxCost: config.maxQueryCost },
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
    done,
    async start(startOptions = {}) {
      let url: string | null = null;
      if (startOptions.http ?? true) {
        server = createServer(createHttpHandler(yoga, { corsOrigins: config.corsOrigins }));
        await new Promise<void>((res, rej) => {
          server?.once("error", rej);
          server?.listen(config.port, config.host, () => res());
        });
        const { address, port } = server.address() as AddressInfo;
        url = `http://${address}:${port}${yoga.graphqlEndpoint}`;
        log(`api: GraphQL on ${url}`);
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
      groupCommit.close();
      db.close();
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const indexer = createIndexer(
    config,
    config.attention === "model" ? { attention: (deps) => createAttentionService(deps) } : {},
  );
  // The settler runs beside the follower when a key is configured: every epoch
  // length it settles the log entries that arrived since the last epoch.
  const key = settlerKey(process.env.AMP_SETTLER_KEY, config.chainId);
  const settler = key
    ? createSettler(config, indexer.db, { key, log: (line) => process.stderr.write(`settler: ${line}\n`) })
    : null;
  const shutdown = async (signal: string) => {
    process.stderr.write(`indexer: ${signal}, stopping\n`);
    await settler?.stop();
    await indexer.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  await indexer.start();
  if (settler) {
    process.stderr.write(`settler: settling every ${config.epoch.lengthSeconds} s\n`);
    settler.start(config.epoch.lengthSeconds * 1000);
  }
  try {
    await indexer.done;
  } catch (error) {
    const e = error as ChainError;
    process.stderr.write(`indexer: fatal: ${e instanceof ChainError ? e.message : String(error)}\n`);
    await indexer.stop();
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`indexer: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
