/**
 * What every process that serves the API derives the same way from its
 * configuration, whatever its engine and role: the intake quotas and windows,
 * and the API's chain, deployment, CORS, GraphiQL and query limits, the epoch
 * preview over its store and the chain, and the log export.
 */
import { type Address, createPublicClient, http, type PublicClient } from "viem";
import { ampChain } from "#protocol";
import type { Logger } from "#protocol/logger.ts";
import type { ApiOptions } from "../api/yoga.ts";
import type { IndexerConfig } from "../config.ts";
import { createChunkedExport } from "../engagement/export-chunked.ts";
import type { IntakeLimits } from "../engagement/submit.ts";
import { createEpochPreview } from "../settlement/preview.ts";
import type { StoreEngine } from "../store/engine/engine.ts";

/** The intake quotas (per account, per client) and timestamp window of the configuration. */
export function intakeLimitsFromConfig(config: IndexerConfig): IntakeLimits {
  return {
    perAccount: { ratePerSec: config.intakeAccountRate, burst: config.intakeAccountBurst },
    perClient: { ratePerSec: config.intakeClientRate, burst: config.intakeClientBurst },
    maxAgeSeconds: config.intakeMaxAgeSeconds,
    allowBackdating: config.intakeAllowBackdating,
  };
}

/** The `createApi` options that follow from the configuration and the process's engine. */
export function apiOptionsFromConfig(
  config: IndexerConfig,
  engine: StoreEngine,
  logger: Logger,
): Omit<ApiOptions, "queries" | "engagement" | "attention" | "now"> {
  const { contracts } = config.deployment;
  return {
    exportLog: createChunkedExport(engine),
    chainId: config.chainId,
    deployment: config.deployment,
    corsOrigins: config.corsOrigins,
    graphiql: config.graphiql,
    limits: { maxDepth: config.maxQueryDepth, maxCost: config.maxQueryCost },
    logger,
    pending: createEpochPreview({
      db: engine,
      publicClient: createPublicClient({
        chain: ampChain(config.chainId, config.rpcUrl),
        transport: http(config.rpcUrl, { timeout: config.rpcTimeoutMs }),
      }) as PublicClient,
      social: contracts.AMPSocial as Address,
      escrow: contracts.AMPEscrow as Address,
      startBlock: BigInt(config.deployment.startBlock),
    }),
    epochSeconds: config.epoch.lengthSeconds,
  };
}
