/**
 * `npm run seed`: plays the demo world against a running chain and indexer.
 * AMP_RPC_URL (default http://127.0.0.1:8545), AMP_GRAPHQL_URL (default
 * http://127.0.0.1:4000/graphql) and AMP_DEPLOYMENT_FILE (default
 * deployments/<chainId>.json). It uses Hardhat's development accounts, so it
 * is meant for local chains.
 */
import { join } from "node:path";
import { createPublicClient, http } from "viem";
import { deploymentPath } from "#protocol";
import { readDeployment } from "#protocol/deployment-file.ts";
import { seedDemoWorld } from "./lib/demo-world.ts";

const rpcUrl = process.env.AMP_RPC_URL ?? "http://127.0.0.1:8545";
const graphqlUrl = process.env.AMP_GRAPHQL_URL ?? "http://127.0.0.1:4000/graphql";
const chainId = await createPublicClient({ transport: http(rpcUrl) }).getChainId();
const file = process.env.AMP_DEPLOYMENT_FILE ?? join(import.meta.dirname, "..", deploymentPath(chainId));
const deployment = readDeployment(file);
const world = await seedDemoWorld({
  rpcUrl,
  graphqlUrl,
  deployment,
  log: (line) => console.log(`seed: ${line}`),
});
console.log(
  `seed: ${world.people.length} people, ${world.communities.length} communities, ${world.posts.length} posts, ` +
    `${world.messages} messages, ${world.campaigns.length} campaigns`,
);
