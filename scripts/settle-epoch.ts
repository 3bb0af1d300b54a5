/**
 * `npm run settle`: settles the next epoch now, from the indexer's database,
 * and posts its root on-chain with the settler key. Same `AMP_*` variables as
 * the indexer (AMP_DB_PATH, AMP_RPC_URL, AMP_DEPLOYMENT_FILE, ...) plus
 * AMP_SETTLER_KEY ("dev" on the local chain, else a private key, never
 * committed); on PostgreSQL when AMP_DATABASE_URL names a database. Waits
 * while a running indexer's settler holds the lease. The
 * settler's own lines are structured logs on stderr (AMP_LOG_LEVEL,
 * AMP_LOG_FORMAT); the outcome is one line on stdout.
 */
import { loadConfig } from "#indexer/config.ts";
import { settleNow, settlerKey } from "#indexer/settlement/settler.ts";
import { databaseUrl, openStoreEngine } from "#indexer/store/engine/engine.ts";
import { loggerFromEnv } from "#protocol/logger.ts";

const config = loadConfig();
const key = settlerKey(process.env.AMP_SETTLER_KEY, config.chainId);
if (!key) {
  console.error("settle: AMP_SETTLER_KEY is not set");
  process.exit(2);
}
const db = await openStoreEngine({ url: databaseUrl(), sqlitePath: config.dbPath });
try {
  const outcome = await settleNow(config, db, {
    key,
    logger: loggerFromEnv().child({ service: "settler" }),
  });
  switch (outcome.status) {
    case "settled":
      console.log(
        `settle: epoch ${outcome.epoch} settled in ${outcome.txHash}: root ${outcome.root}, ` +
          `${outcome.totalSpent} wei spent, ${outcome.accounts} accounts`,
      );
      break;
    case "idle":
      console.log(`settle: nothing new to settle after epoch ${outcome.epoch - 1}`);
      break;
    default:
      console.error(`settle: epoch ${outcome.epoch} not settled (${outcome.status})`);
      process.exitCode = 1;
  }
} finally {
  await db.close();
}
