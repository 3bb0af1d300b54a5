/**
 * Deploys AMP to the chain at AMP_RPC_URL (default http://127.0.0.1:8545) and writes
 * deployments/<chainId>.json (or AMP_DEPLOYMENT_FILE when set).
 *
 * Environment: AMP_DEPLOYER_KEY (required except on the local chain 31337, where Hardhat's
 * account #0 is the default); AMP_SETTLER, AMP_GUARDIAN, AMP_PAUSER (three distinct addresses,
 * none the deployer; required off the local chain, where development accounts 40-42 are the
 * default); AMP_ADMIN and AMP_MINTER (default: the deployer); AMP_CHALLENGE_WINDOW (seconds; 60
 * locally, 86400 elsewhere, at least 3600 off the local chain); AMP_EPOCH_SECONDS (the settler's
 * epoch), AMP_SETTLEMENT_GRACE, AMP_ROLE_DELAY, AMP_ADMIN_DELAY, AMP_DISPUTE_PERIOD (seconds);
 * AMP_CAP (wei; default 1e9 AMP); AMP_DISPUTE_BOND, AMP_DISPUTE_REWARD, AMP_DISPUTE_POOL (wei: the
 * bond, the upheld dispute's reward and the pool minted at deployment). The deployment file names
 * every role holder.
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

function optionalWei(name: string): bigint | undefined {
  const value = process.env[name];
  if (!value) return undefined;
  if (!/^[0-9]+$/.test(value))
    throw new AmpError("DEPLOY_CONFIG_INVALID", `${name} is not a whole amount of wei: ${value}`);
  return BigInt(value);
}

function optionalSeconds(name: string): number | undefined {
  const value = process.env[name];
  if (!value) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new AmpError("DEPLOY_CONFIG_INVALID", `${name} is not a whole number of seconds: ${value}`);
  return n;
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
  const deployment = await deployAmp(walletClient, publicClient, {
    cap: process.env.AMP_CAP ? BigInt(process.env.AMP_CAP) : DEFAULT_CAP,
    challengeWindow: optionalSeconds("AMP_CHALLENGE_WINDOW"),
    epochLength: optionalSeconds("AMP_EPOCH_SECONDS"),
    settlementGrace: optionalSeconds("AMP_SETTLEMENT_GRACE"),
    roleDelay: optionalSeconds("AMP_ROLE_DELAY"),
    adminDelay: optionalSeconds("AMP_ADMIN_DELAY"),
    disputePeriod: optionalSeconds("AMP_DISPUTE_PERIOD"),
    disputeBond: optionalWei("AMP_DISPUTE_BOND"),
    disputeReward: optionalWei("AMP_DISPUTE_REWARD"),
    disputePoolFunding: optionalWei("AMP_DISPUTE_POOL"),
    admin: optionalAddress("AMP_ADMIN"),
    minter: optionalAddress("AMP_MINTER"),
    settler: optionalAddress("AMP_SETTLER"),
    guardian: optionalAddress("AMP_GUARDIAN"),
    pauser: optionalAddress("AMP_PAUSER"),
  });
  const out = deploymentPath(chainId);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(deployment, null, 2)}\n`);
  console.log(
    `deploy: chain ${chainId}, AMPToken ${deployment.contracts.AMPToken}, AMPSocial ${deployment.contracts.AMPSocial}, AMPEscrow ${deployment.contracts.AMPEscrow}`,
  );
  const r = deployment.roles;
  console.log(
    `deploy: admin ${r.admin}, minter ${r.minter}, settler ${r.settler}, guardian ${r.guardian}, pauser ${r.pauser}`,
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
