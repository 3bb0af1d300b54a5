/**
 * Wiring of the settlement job from the indexer's configuration: viem clients
 * for the configured chain, the settler key (loaded only here, only when a
 * settler runs), and the epoch export directory beside the database, where
 * `scripts/verify-epoch.ts` looks by default.
 */

import { dirname, join } from "node:path";
import { createPublicClient, createWalletClient, type Hex, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { ampChain } from "#protocol";
import type { Logger } from "#protocol/logger.ts";
import type { AttentionParams } from "../attention/params.ts";
import type { IndexerConfig } from "../config.ts";
import { SettlementError } from "./errors.ts";
import { createSettlementJob, type SettlementJob, type SettleOutcome } from "./job.ts";
import { createRebuilder, type Rebuilder } from "./rebuild.ts";
import type { StoreSource } from "./store.ts";

/**
 * The local chain's development settler (account 40 of Hardhat's public test mnemonic, the one the
 * local deployment names settler), selected by the key "dev".
 */
const DEV_SETTLER_KEY: Hex = "0xc95eaed402c8bd203ba04d81b35509f17d0719e3f71f40061a2ec2889bc4caa7";

/** Resolves AMP_SETTLER_KEY: "dev" (local chains only) or a 0x-prefixed 32-byte private key. */
export function settlerKey(value: string | undefined, chainId: number): Hex | null {
  if (!value) return null;
  if (value === "dev") {
    if (chainId !== 31337) {
      throw new SettlementError(
        "SETTLEMENT_KEY_INVALID",
        'AMP_SETTLER_KEY "dev" is only allowed on the local chain 31337',
      );
    }
    return DEV_SETTLER_KEY;
  }
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) {
    throw new SettlementError(
      "SETTLEMENT_KEY_INVALID",
      "AMP_SETTLER_KEY must be a 0x-prefixed 32-byte hex key",
    );
  }
  return value as Hex;
}

/** Default directory of epoch log exports and manifests: `epochs/` beside the database. */
export function epochExportDir(config: Pick<IndexerConfig, "dbPath">): string {
  return join(dirname(config.dbPath), "epochs");
}

export interface SettlerOptions {
  key: Hex;
  params?: AttentionParams;
  exportDir?: string;
  settleEmpty?: boolean;
  logger?: Logger;
}

/** The settlement job over the store on either engine (a better-sqlite3 handle or a `StoreEngine`). */
export function createSettler(
  config: IndexerConfig,
  db: StoreSource,
  options: SettlerOptions,
): SettlementJob {
  const chain = ampChain(config.chainId, config.rpcUrl);
  const transport = http(config.rpcUrl, { timeout: config.rpcTimeoutMs });
  const publicClient = createPublicClient({ chain, transport }) as PublicClient;
  const walletClient = createWalletClient({ account: privateKeyToAccount(options.key), chain, transport });
  const { contracts, startBlock } = config.deployment;
  return createSettlementJob({
    db,
    publicClient,
    walletClient,
    escrow: contracts.AMPEscrow,
    social: contracts.AMPSocial,
    startBlock: BigInt(startBlock),
    params: options.params,
    exportDir: options.exportDir ?? epochExportDir(config),
    settleEmpty: options.settleEmpty,
    logger: options.logger,
  });
}

/** The rebuilder of settlement results from the chain, for an instance that runs no settler. */
export function createRebuilderFor(config: IndexerConfig, db: StoreSource, logger?: Logger): Rebuilder {
  const chain = ampChain(config.chainId, config.rpcUrl);
  const transport = http(config.rpcUrl, { timeout: config.rpcTimeoutMs });
  const publicClient = createPublicClient({ chain, transport }) as PublicClient;
  const { contracts, startBlock } = config.deployment;
  return createRebuilder({
    db,
    publicClient,
    escrow: contracts.AMPEscrow,
    social: contracts.AMPSocial,
    startBlock: BigInt(startBlock),
    ...(logger ? { logger } : {}),
  });
}

/**
 * Settles the next epoch now (a one-off run, e.g. from a script), waiting while
 * another settler holds the database's lease. Settles even an epoch without new
 * log entries when `settleEmpty` is set.
 */
export async function settleNow(
  config: IndexerConfig,
  db: StoreSource,
  options: SettlerOptions & { retryMs?: number; attempts?: number },
): Promise<SettleOutcome> {
  const job = createSettler(config, db, options);
  const attempts = options.attempts ?? 120;
  try {
    for (let i = 1; ; i++) {
      const outcome = await job.runOnce();
      if (outcome.status !== "busy" || i >= attempts) return outcome;
      await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 1000));
    }
  } finally {
    // Stops its settlement worker.
    await job.stop();
  }
}
