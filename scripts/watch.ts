/**
 * `npm run watch [-- --rpc URL --graphql URL --dir EXPORTS --interval MS]`: the
 * watcher (indexer/src/settlement/watcher.ts). Follows the escrow's
 * EpochSettled events, recomputes each epoch from public data alone (the
 * manifest and log export an indexer serves beside its GraphQL URL, checked
 * against the chain; or, with --dir / AMP_EPOCH_EXPORT_DIR, from published
 * export files) and the chain, logs one verdict per epoch, and with AMP_WATCHER_KEY disputes
 * a root it cannot reproduce before the challenge window closes (the key's
 * account needs AMP for the escrow's dispute bond and ETH for gas).
 *
 * Environment: AMP_RPC_URL (default http://127.0.0.1:8545), AMP_CHAIN_ID
 * (31337), AMP_DEPLOYMENT_FILE (default deployments/<chainId>.json),
 * AMP_GRAPHQL_URL (default http://127.0.0.1:4000/graphql), AMP_EPOCH_EXPORT_DIR
 * (read export files instead of the served data), AMP_WATCHER_KEY (a
 * 0x-prefixed 32-byte key, or "dev" on the local chain: development account
 * 59), AMP_WATCH_INTERVAL_MS (2000),
 * AMP_LOG_LEVEL, AMP_LOG_FORMAT. Errors are one line; the exit code is 1.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { createWatchService, watcherAccount } from "#indexer/settlement/watch-service.ts";
import { WatcherError } from "#indexer/settlement/watcher.ts";
import { AmpError, deploymentPath } from "#protocol";
import { readDeployment } from "#protocol/deployment-file.ts";
import { loggerFromEnv } from "#protocol/logger.ts";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rpc: { type: "string" },
      graphql: { type: "string" },
      dir: { type: "string" },
      interval: { type: "string" },
    },
  });
  const rpcUrl = values.rpc ?? process.env.AMP_RPC_URL ?? "http://127.0.0.1:8545";
  const chainId = Number(process.env.AMP_CHAIN_ID ?? 31337);
  const deployment = readDeployment(resolve(process.env.AMP_DEPLOYMENT_FILE ?? deploymentPath(chainId)));
  const dir = values.dir ?? process.env.AMP_EPOCH_EXPORT_DIR;
  const exportDir = dir ? resolve(dir) : undefined;
  const graphqlUrl = values.graphql ?? process.env.AMP_GRAPHQL_URL ?? "http://127.0.0.1:4000/graphql";
  const interval = Number(values.interval ?? process.env.AMP_WATCH_INTERVAL_MS ?? 2000);
  if (!Number.isInteger(interval) || interval < 100)
    throw new WatcherError("WATCHER_CONFIG_INVALID", "the interval must be an integer of at least 100 ms");
  const logger = loggerFromEnv().child({ service: "watcher" });
  const account = watcherAccount(process.env.AMP_WATCHER_KEY, deployment.chainId);
  const watcher = createWatchService({
    rpcUrl,
    deployment,
    graphqlUrl,
    ...(exportDir ? { exportDir } : {}),
    ...(account ? { account } : {}),
    logger,
  });
  logger.info(
    {
      escrow: deployment.contracts.AMPEscrow,
      source: exportDir ?? graphqlUrl,
      disputer: account?.address ?? null,
    },
    `watching ${deployment.contracts.AMPEscrow} on chain ${deployment.chainId}${account ? `, disputing as ${account.address}` : " (no key: report only)"}`,
  );
  const stop = () => void watcher.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  watcher.start(interval);
}

main().catch((error: unknown) => {
  const message =
    error instanceof AmpError ? error.shortMessage : error instanceof Error ? error.message : String(error);
  console.error(`watch: ${message}`);
  process.exit(1);
});
