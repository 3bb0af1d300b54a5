/**
 * Deploys AMPToken, AMPSocial and AMPEscrow with viem from the Hardhat artifacts
 * (run `npx hardhat compile` first) and grants the roles (Node only). Used by scripts/deploy.ts,
 * the contract tests, the gas benchmark and anything that needs a fresh deployment.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Account, Address, Chain, Hex, PublicClient, Transport, WalletClient } from "viem";
import { getAddress } from "viem";
import { ampEscrowAbi, ampSocialAbi, ampTokenAbi } from "./abi.ts";
import { LOCAL_CHAIN_ID } from "./chain.ts";
import type { AmpDeployment } from "./deployment.ts";
import { AmpError } from "./errors.ts";
import { ROLES } from "./roles.ts";

export interface DeployAmpOptions {
  /** Maximum AMP supply in wei (default 1e9 AMP). */
  cap?: bigint;
  /** Seconds before a settled root is claimable (default 60 on chain 31337, else 86400). */
  challengeWindow?: number;
  /** Extra settler, besides the deployer. */
  settler?: Address;
  /** Extra guardian, besides the deployer. */
  guardian?: Address;
  /** Extra pauser, besides the deployer. */
  pauser?: Address;
  /** Repository root holding artifacts/ (default: this repository). */
  root?: string;
}

export const DEFAULT_CAP = 1_000_000_000n * 10n ** 18n;
/** AMPEscrow.MAX_CHALLENGE_WINDOW (30 days). */
export const MAX_CHALLENGE_WINDOW = 30 * 86_400;

const repoRoot = join(import.meta.dirname, "..");

/**
 * Creation bytecode of a compiled contract, read from artifacts/contracts/<dir/><name>.sol/<name>.json
 * (`name` may carry a folder under contracts/, e.g. "test/PlainERC20").
 */
export function readBytecode(name: string, root = repoRoot): Hex {
  const base = name.slice(name.lastIndexOf("/") + 1);
  const path = join(root, "artifacts", "contracts", `${name}.sol`, `${base}.json`);
  const artifact = JSON.parse(readFileSync(path, "utf8")) as { bytecode: Hex };
  return artifact.bytecode;
}

export function defaultChallengeWindow(chainId: number): number {
  return chainId === LOCAL_CHAIN_ID ? 60 : 86_400;
}

type Wallet = WalletClient<Transport, Chain | undefined, Account>;

/** Deploys and wires the three contracts; the wallet's account becomes admin, minter, settler, guardian, pauser. */
export async function deployAmp(
  walletClient: Wallet,
  publicClient: PublicClient,
  options: DeployAmpOptions = {},
): Promise<AmpDeployment> {
  const account = walletClient.account;
  const chain = walletClient.chain;
  const chainId = await publicClient.getChainId();
  const cap = options.cap ?? DEFAULT_CAP;
  const challengeWindow = options.challengeWindow ?? defaultChallengeWindow(chainId);
  const root = options.root ?? repoRoot;
  if (!Number.isInteger(challengeWindow) || challengeWindow < 0 || challengeWindow > MAX_CHALLENGE_WINDOW) {
    throw new AmpError(
      "DEPLOY_CONFIG_INVALID",
      `challenge window must be 0..${MAX_CHALLENGE_WINDOW} seconds, got ${challengeWindow}`,
    );
  }

  const deploy = async (hash: Hex) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success" || !receipt.contractAddress)
      throw new AmpError("DEPLOY_FAILED", `deployment ${hash} failed`);
    return receipt;
  };
  const send = async (hash: Hex) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success")
      throw new AmpError("DEPLOY_TX_REVERTED", `transaction ${hash} reverted`);
  };

  const tokenReceipt = await deploy(
    await walletClient.deployContract({
      abi: ampTokenAbi,
      bytecode: readBytecode("AMPToken", root),
      args: [account.address, cap],
      account,
      chain,
    }),
  );
  const AMPToken = getAddress(tokenReceipt.contractAddress as Address);
  const socialReceipt = await deploy(
    await walletClient.deployContract({
      abi: ampSocialAbi,
      bytecode: readBytecode("AMPSocial", root),
      args: [],
      account,
      chain,
    }),
  );
  const AMPSocial = getAddress(socialReceipt.contractAddress as Address);
  const escrowReceipt = await deploy(
    await walletClient.deployContract({
      abi: ampEscrowAbi,
      bytecode: readBytecode("AMPEscrow", root),
      args: [account.address, AMPToken, AMPSocial, BigInt(challengeWindow)],
      account,
      chain,
    }),
  );
  const AMPEscrow = getAddress(escrowReceipt.contractAddress as Address);

  const grants: { address: Address; role: Hex; to: Address }[] = [
    { address: AMPToken, role: ROLES.MINTER_ROLE, to: account.address },
    { address: AMPEscrow, role: ROLES.SETTLER_ROLE, to: account.address },
    { address: AMPEscrow, role: ROLES.GUARDIAN_ROLE, to: account.address },
    { address: AMPEscrow, role: ROLES.PAUSER_ROLE, to: account.address },
  ];
  if (options.settler) grants.push({ address: AMPEscrow, role: ROLES.SETTLER_ROLE, to: options.settler });
  if (options.guardian) {
    grants.push({ address: AMPEscrow, role: ROLES.GUARDIAN_ROLE, to: options.guardian });
  }
  if (options.pauser) grants.push({ address: AMPEscrow, role: ROLES.PAUSER_ROLE, to: options.pauser });
  for (const grant of grants) {
    await send(
      await walletClient.writeContract({
        address: grant.address,
        abi: ampEscrowAbi,
        functionName: "grantRole",
        args: [grant.role, grant.to],
        account,
        chain,
      }),
    );
  }

  return {
    chainId,
    startBlock: Number(tokenReceipt.blockNumber),
    contracts: { AMPToken, AMPSocial, AMPEscrow },
    roles: { settler: options.settler ?? account.address, guardian: options.guardian ?? account.address },
    challengeWindow,
  };
}
