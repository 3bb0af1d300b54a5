/**
 * The indexer's chain follower as the config describes it: the RPC reader
 * (retries, batched headers), the contracts and ranges, progress and
 * reorg/error logs, into the chain store on either engine.
 */
import type { Logger } from "#protocol/logger.ts";
import type { IndexerConfig } from "../config.ts";
import type { AsyncChainStore } from "../store/engine/chain-store.ts";
import { createFollower, type Follower, type FollowerEvent } from "./follower.ts";
import { createBackfillProgress } from "./progress.ts";
import { createChainReader, createRpcClient } from "./rpc.ts";

export interface IndexerFollowerOptions {
  config: IndexerConfig;
  store: AsyncChainStore;
  logger: Logger;
  onEvent?: (event: FollowerEvent) => void;
}

export function createIndexerFollower({ config, store, logger, onEvent }: IndexerFollowerOptions): Follower {
  const rpcLog = logger.child({ service: "rpc" });
  const followerLog = logger.child({ service: "follower" });
  const progress = createBackfillProgress({ logger: followerLog, confirmations: config.confirmations });
  const { contracts } = config.deployment;
  const reader = createChainReader(
    createRpcClient(config.rpcUrl, config.rpcTimeoutMs),
    {
      retries: config.rpcRetries,
      baseMs: config.rpcRetryBaseMs,
      onRetry: (e, attempt, delay) =>
        rpcLog.warn(
          { code: e.code, details: e.details, attempt, retryInMs: Math.round(delay) },
          `rpc: ${e.shortMessage}; retrying`,
        ),
    },
    config.rpcBatchSize > 0
      ? {
          client: createRpcClient(config.rpcUrl, config.rpcTimeoutMs, config.rpcBatchSize),
          batchSize: config.rpcBatchSize,
        }
      : undefined,
  );
  return createFollower({
    reader,
    store,
    chainId: config.chainId,
    contracts: { token: contracts.AMPToken, social: contracts.AMPSocial, escrow: contracts.AMPEscrow },
    startBlock: config.deployment.startBlock,
    confirmations: config.confirmations,
    finalityDepth: config.finalityDepth,
    batchBlocks: config.batchBlocks,
    pollIntervalMs: config.pollIntervalMs,
    onEvent: (e) => {
      progress(e);
      if (e.type === "reorg") {
        followerLog.warn(
          { ancestor: e.ancestor, removedEvents: e.removedEvents, previousBlock: e.previousBlock },
          "chain: reorg, rolled back",
        );
      }
      if (e.type === "error") {
        const fatal = e.retryInMs === undefined;
        followerLog[fatal ? "error" : "warn"](
          {
            code: e.error.code,
            details: e.error.details,
            retryable: e.error.retryable,
            failures: e.failures,
            retryInMs: e.retryInMs,
          },
          fatal
            ? `chain: fatal: ${e.error.shortMessage}`
            : `chain: ${e.error.shortMessage}; retrying, the API keeps serving`,
        );
      }
      onEvent?.(e);
    },
  });
}
