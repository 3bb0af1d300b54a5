/**
 * Deploys AMP to the chain at AMP_RPC_URL (default http://127.0.0.1:8545) and writes
 * deployments/<chainId>.json (or AMP_DEPLOYMENT_FILE when set).
 *
 * Environment: AMP_DEPLOYER_KEY (required except on the local chain 31337, where Hardhat's
 * account #0 is the default), AMP_SETTLER, AMP_GUARDIAN (extra role holders besides the deployer),
 * AMP_CHALLENGE_WINDOW (seconds; 60 locally, 86400 elsewhere), AMP_CAP (wei; default 1e9 AMP).
 * Run `npx hardhat compile` first.
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Address, createPublicClient, createWalletClient, type Hex, http, isAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { type AmpDeployment, AmpError, ampChain, LOCAL_CHAIN_ID } from "#protocol";
import { DEFAULT_CAP, deployAmp } from "#protocol/deploy.ts";

/** Hardhat's well-known development account #0; only ever used on the local chain. */
const HARDHAT_ACCOUNT_0_KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

function optionalAddress(name: string): Address | undefined {
  const value = process.env[name];
  if (!value) return undefined;
  if (!isAddress(value)) throw new AmpError("DEPLOY_CONFIG_INVALID", `${name} is not an address: ${value}`);
  return value;
}

function deployerKey(chainId: number): Hex {
  const key = process.env.AMP_DEPLOYER_KEY;
  if (key) return (key.startsWith("0x") ? key : `0x${key}`) as Hex;
  if (chainId === LOCAL_CHAIN_ID) return HARDHAT_ACCOUNT_0_KEY;
  throw new AmpError("DEPLOY_CONFIG_INVALID", `AMP_DEPLOYER_KEY is required to deploy on chain ${chainId}`);
}

export function deploymentPath(chainId: number): string {
  return process.env.AMP_DEPLOYMENT_FILE ?? join(import.meta.dirname, "..", "deployments", `${chainId}.json`);
}

export async function main(): Promise<AmpDeployment> {
  const rpcUrl = process.env.AMP_RPC_URL ?? "http://127.0.0.1:8545";
  const probe = createPublicClient({ transport: http(rpcUrl) });
  const chainId = await probe.getChainId();
  const chain = ampChain(chainId, rpcUrl);
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl) });
  const walletClient = createWalletClient({
    account: privateKeyToAccount(deployerKey(chainId)),
    chain,
    transport: http(rpcUrl),
  });
  const window = process.env.AMP_CHALLENGE_WINDOW;
  const deployment = await deployAmp(walletClient, publicClient, {
    cap: process.env.AMP_CAP ? BigInt(process.env.AMP_CAP) : DEFAULT_CAP,
    challengeWindow: window ? Number(window) : undefined,
    settler: optionalAddress("AMP_SETTLER"),
    guardian: optionalAddress("AMP_GUARDIAN"),
  });
  const out = deploymentPath(chainId);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(deployment, null, 2)}\n`);
  console.log(
    `deploy: chain ${chainId}, AMPToken ${deployment.contracts.AMPToken}, AMPSocial ${deployment.contracts.AMPSocial}, AMPEscrow ${deployment.contracts.AMPEscrow}`,
  );
  console.log(`deploy: wrote ${out}`);
  return deployment;
}

if (process.argv[1] === import.meta.filename) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
