/**
 * A watcher wired from configuration: clients for the chain, a verifier over
 * public data (the manifest and log export an indexer serves beside its
 * GraphQL URL, or published export files), and with a key the wallet that
 * bonds disputes. `npm run watch` runs one on its own; the writer role runs
 * one beside the settler when `AMP_WATCH` is on, reading the data it serves
 * itself over HTTP, as any stranger would.
 */
import { type Account, createPublicClient, createWalletClient, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { ampChain, type Deployment } from "#protocol";
import { devAccount } from "#protocol/client.ts";
import type { Logger } from "#protocol/logger.ts";
import type { IndexerConfig } from "../config.ts";
import {
  createWatcher,
  exportFilesVerifier,
  publicDataVerifier,
  type Watcher,
  WatcherError,
} from "./watcher.ts";

/** The local chain's development account the key `dev` selects (funded by `npm start`). */
export const LOCAL_WATCHER_INDEX = 59;

/** The disputing account of `AMP_WATCHER_KEY`: a 0x-prefixed 32-byte key, or `dev` on the local chain. */
export function watcherAccount(value: string | undefined, chainId: number): Account | undefined {
  if (!value) return undefined;
  if (value === "dev") {
    if (chainId !== 31337)
      throw new WatcherError(
        "WATCHER_CONFIG_INVALID",
        'AMP_WATCHER_KEY "dev" is only allowed on the local chain',
      );
    return devAccount(LOCAL_WATCHER_INDEX);
  }
  if (!/^0x[0-9a-fA-F]{64}$/.test(value))
    throw new WatcherError("WATCHER_CONFIG_INVALID", "AMP_WATCHER_KEY must be a 0x-prefixed 32-byte hex key");
  return privateKeyToAccount(value as `0x${string}`);
}

export interface WatchServiceOptions {
  rpcUrl: string;
  deployment: Deployment;
  /** Where the epochs' public data is served (`…/graphql`; the manifest and export beside it). */
  graphqlUrl: string;
  /** Read published export files from this folder instead of the served data. */
  exportDir?: string;
  /** Disputes a root it cannot reproduce with this account; without one it only reports. */
  account?: Account;
  logger: Logger;
}

export function createWatchService(options: WatchServiceOptions): Watcher {
  const { deployment, rpcUrl } = options;
  const chain = ampChain(deployment.chainId, rpcUrl);
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl) }) as PublicClient;
  const walletClient = options.account
    ? createWalletClient({ account: options.account, chain, transport: http(rpcUrl) })
    : undefined;
  const issuers = deployment.roles?.impressions ? { impressionIssuers: [deployment.roles.impressions] } : {};
  return createWatcher({
    publicClient,
    ...(walletClient ? { walletClient } : {}),
    escrow: deployment.contracts.AMPEscrow,
    token: deployment.contracts.AMPToken,
    startBlock: BigInt(deployment.startBlock),
    logger: options.logger,
    verify: options.exportDir
      ? exportFilesVerifier(publicClient, {
          social: deployment.contracts.AMPSocial,
          escrow: deployment.contracts.AMPEscrow,
          startBlock: BigInt(deployment.startBlock),
          exportDir: options.exportDir,
          ...issuers,
        })
      : publicDataVerifier(publicClient, options.graphqlUrl, issuers),
  });
}

/**
 * The writer's own watcher when `AMP_WATCH` is on (else null): it reads the epochs' public data
 * from `graphqlUrl`, the API this process serves, and disputes with `AMP_WATCHER_KEY` when set.
 */
export function writerWatcher(
  config: Pick<IndexerConfig, "watch" | "rpcUrl" | "deployment" | "chainId">,
  graphqlUrl: string,
  logger: Logger,
  key: string | undefined = process.env.AMP_WATCHER_KEY,
): Watcher | null {
  if (!config.watch) return null;
  const account = watcherAccount(key, config.chainId);
  const log = logger.child({ service: "watcher" });
  log.info(
    { source: graphqlUrl, disputer: account?.address ?? null },
    `watcher: recomputing settled epochs${account ? `, disputing as ${account.address}` : " (no key: report only)"}`,
  );
  return createWatchService({
    rpcUrl: config.rpcUrl,
    deployment: config.deployment,
    graphqlUrl,
    ...(account ? { account } : {}),
    logger: log,
  });
}
