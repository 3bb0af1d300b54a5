/**
 * `npm start`: the whole AMP network on 127.0.0.1, in order, with a readable
 * log: a Hardhat node, the contracts, the indexer (GraphQL API and settler),
 * a watcher of the settled epochs, a demo world with a settled epoch, and the
 * dApp. Ctrl-C stops everything.
 *
 * The chain is in memory and starts empty, so the indexer's database for it
 * lives in `.data/local/` and is recreated on every start; a second start
 * while one is running stops at the port check and touches nothing.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AmpError, deploymentPath } from "#protocol";
import { graphql } from "#protocol/client.ts";
import { readDeployment } from "#protocol/deployment-file.ts";
import { seedDemoWorld } from "./lib/demo-world.ts";
import { fundDevAccounts } from "./lib/faucet.ts";
import {
  assertPortFree,
  log,
  rpcReady,
  runningPids,
  startService,
  stopAll,
  waitFor,
} from "./lib/processes.ts";
import { fundWatcher } from "./lib/watcher-funds.ts";

const root = join(import.meta.dirname, "..");
const host = "127.0.0.1";
const ports = {
  rpc: Number(process.env.AMP_RPC_PORT ?? 8545),
  graphql: Number(process.env.AMP_GRAPHQL_PORT ?? 4000),
  web: Number(process.env.AMP_WEB_PORT ?? 5173),
};
const rpcUrl = `http://${host}:${ports.rpc}`;
const graphqlUrl = `http://${host}:${ports.graphql}/graphql`;
const webUrl = `http://${host}:${ports.web}/`;
const dataDir = process.env.AMP_DATA_DIR ?? join(root, ".data", "local");
const epochSeconds = Number(process.env.AMP_EPOCH_SECONDS ?? 30);
// Short enough for a demo, long enough to be a real window: chain time stays
// wall-clock time (nothing here skips time), so signed timestamps line up. The
// local chain accepts windows of seconds; any other chain needs at least an hour.
const challengeWindow = Number(process.env.AMP_CHALLENGE_WINDOW ?? 15);
const tsx = join(root, "node_modules", ".bin", "tsx");
const bin = (name: string) => join(root, "node_modules", ".bin", name);

let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    log("amp", "stopping every process started here");
    await stopAll();
  }
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

async function rpc(method: string, params: unknown[] = []) {
  const res = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return ((await res.json()) as { result: unknown }).result;
}

async function main() {
  const started = Date.now();
  await assertPortFree(ports.rpc, "Hardhat node");
  await assertPortFree(ports.graphql, "indexer's GraphQL server");
  await assertPortFree(ports.web, "dApp");
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });

  log("amp", "compiling the contracts");
  const compile = startService("compile", bin("hardhat"), ["compile", "--quiet"]);
  if ((await compile.exited) !== 0) throw new AmpError("START_STEP_FAILED", "compiling the contracts failed");

  log("amp", `starting a Hardhat node on ${rpcUrl}`);
  const chain = startService(
    "chain",
    bin("hardhat"),
    ["node", "--network", "local", "--hostname", host, "--port", String(ports.rpc)],
    {
      quiet: true,
    },
  );
  await waitFor("the Hardhat node", () => rpcReady(rpcUrl), 120_000);

  log("amp", "deploying the contracts");
  // The one deployment-file location every command reads by default (deployments/<chainId>.json);
  // a run with its own data folder (AMP_DATA_DIR, as the system tests do) keeps its file there.
  const deploymentFile =
    process.env.AMP_DEPLOYMENT_FILE ??
    (process.env.AMP_DATA_DIR ? join(dataDir, "deployment.json") : join(root, deploymentPath(31337)));
  const deploy = startService("deploy", tsx, ["scripts/deploy.ts"], {
    env: {
      AMP_RPC_URL: rpcUrl,
      AMP_DEPLOYMENT_FILE: deploymentFile,
      AMP_CHALLENGE_WINDOW: String(challengeWindow),
      // The escrow keeps an expired campaign spendable for one epoch plus the window.
      AMP_EPOCH_SECONDS: String(epochSeconds),
    },
  });
  if ((await deploy.exited) !== 0) throw new AmpError("START_STEP_FAILED", "deployment failed");
  const deployment = readDeployment(deploymentFile);

  log("amp", "starting the indexer, its GraphQL API and the settler");
  const indexerEnv = {
    AMP_RPC_URL: rpcUrl,
    AMP_CHAIN_ID: String(deployment.chainId),
    AMP_DEPLOYMENT_FILE: deploymentFile,
    AMP_DB_PATH: join(dataDir, "indexer.sqlite"),
    AMP_HOST: host,
    AMP_PORT: String(ports.graphql),
    AMP_CORS_ORIGINS: `${webUrl.slice(0, -1)},http://localhost:${ports.web}`,
    AMP_EPOCH_SECONDS: String(epochSeconds),
    AMP_SETTLER_KEY: "dev",
    AMP_POLL_INTERVAL_MS: "250",
    // The demo world writes four simulated weeks of engagement for posts published just now.
    AMP_INTAKE_ALLOW_BACKDATING: "1",
    AMP_CONFIRMATIONS: "0",
    // The indexer's and settler's structured logs, one readable line each here.
    AMP_LOG_FORMAT: process.env.AMP_LOG_FORMAT ?? "pretty",
  };
  startService("indexer", tsx, ["indexer/src/main.ts"], { env: indexerEnv });
  await waitFor(
    "the indexer's GraphQL endpoint",
    async () => Boolean(await graphql(graphqlUrl, "{ indexerStatus { latestBlock } }")),
    120_000,
  );

  log(
    "amp",
    "starting a watcher that recomputes every settled epoch and disputes a root it cannot reproduce",
  );
  await fundWatcher(rpcUrl, deployment);
  startService("watch", tsx, ["scripts/watch.ts"], {
    env: {
      AMP_RPC_URL: rpcUrl,
      AMP_CHAIN_ID: String(deployment.chainId),
      AMP_DEPLOYMENT_FILE: deploymentFile,
      AMP_GRAPHQL_URL: graphqlUrl,
      AMP_WATCHER_KEY: "dev",
      AMP_WATCH_INTERVAL_MS: "1000",
      AMP_LOG_FORMAT: process.env.AMP_LOG_FORMAT ?? "pretty",
    },
  });

  log("amp", "seeding the demo world (communities, people, posts, engagement, campaigns)");
  const world = await seedDemoWorld({
    rpcUrl,
    graphqlUrl,
    deployment,
    log: (line) => log("seed", line),
  });

  const faucet = await fundDevAccounts({ rpcUrl, deployment });
  log("amp", `faucet: every picker account (#1-#49) has ETH and AMP (${faucet.funded.length} topped up)`);

  log("amp", "settling the first epoch");
  const settle = startService("settle", tsx, ["scripts/settle-epoch.ts"], { env: indexerEnv });
  if ((await settle.exited) !== 0) throw new AmpError("START_STEP_FAILED", "settling the first epoch failed");
  log("amp", `waiting out the ${challengeWindow} s challenge window so the demo's rewards are claimable`);
  await waitFor(
    "the first epoch to become claimable",
    async () => {
      await rpc("evm_mine"); // blocks only come with transactions; the indexer reads time from blocks
      const { epochs } = await graphql<{ epochs: { edges: { node: { status: string } }[] } }>(
        graphqlUrl,
        "{ epochs(first: 1) { edges { node { status } } } }",
      );
      return epochs.edges[0]?.node.status === "ACTIVE";
    },
    (challengeWindow + 60) * 1000,
  );

  log("amp", "starting the dApp");
  startService(
    "web",
    bin("vite"),
    ["--config", "web/vite.config.ts", "--host", host, "--port", String(ports.web), "--strictPort"],
    { env: { AMP_DEPLOYMENT_FILE: deploymentFile, AMP_RPC_URL: rpcUrl, AMP_GRAPHQL_URL: graphqlUrl } },
  );
  await waitFor("the dApp", async () => (await fetch(webUrl)).ok, 120_000);

  const ready = {
    rpcUrl,
    graphqlUrl,
    webUrl,
    deployment,
    pids: [process.pid, ...runningPids()],
    world: { people: world.people, communities: world.communities, campaigns: world.campaigns },
  };
  writeFileSync(
    join(dataDir, "network.json"),
    JSON.stringify(ready, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2),
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`
AMP is running (started in ${seconds} s). Ctrl-C stops everything.

  dApp             ${webUrl}
  GraphQL          ${graphqlUrl}
  JSON-RPC         ${rpcUrl}   (chain id ${deployment.chainId})

Development accounts (Hardhat's well-known test keys, never use them elsewhere):
  #0   deployer, admin and minter      #40 settler   #41 guardian   #42 pauser   #59 watcher
  #1   founder of "Open Source"      #2 founder of "Climate"      #3 founder of "Music"
  #4-#36 demo people; every account #1-#49 has ETH and AMP. In the dApp choose "Development wallet".
`);
  void chain.exited.then((code) => {
    if (!stopping) {
      log("amp", `the Hardhat node exited (${code}); stopping`);
      void shutdown(1);
    }
  });
}

main().catch(async (error: unknown) => {
  const cause = error instanceof Error && error.cause ? ` (${String(error.cause)})` : "";
  console.error(`\namp: ${error instanceof Error ? error.message : String(error)}${cause}`);
  await shutdown(1);
});
