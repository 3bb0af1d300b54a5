/**
 * Deploys AMPToken, AMPSocial and AMPEscrow with viem from the Hardhat artifacts
 * (run `npx hardhat compile` first) and wires the roles. Used by scripts/deploy.ts,
 * the contract tests, the gas benchmark and anything that needs a fresh deployment.
 *
 * Settler, guardian and pauser are three distinct accounts, none of them the deployer: the escrow
 * names them in its constructor, so the deployer never holds an operational role. On the local
 * chain 31337 they default to three development accounts (funded here); elsewhere they are
 * required. The deployer keeps the token's minter role unless another minter is named, and hands
 * the token's admin role to `admin` when that is another account.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Account, Address, Chain, Hex, PublicClient, Transport, WalletClient } from "viem";
import { getAddress, parseEther } from "viem";
import { ampEscrowAbi, ampSocialAbi, ampTokenAbi } from "./abi.ts";
import { LOCAL_CHAIN_ID } from "./chain.ts";
import type { AmpDeployment, AmpRoles } from "./deployment.ts";
import { AmpError } from "./errors.ts";
import { ROLES } from "./roles.ts";

export interface DeployAmpOptions {
  /** Maximum AMP supply in wei (default 1e9 AMP). */
  cap?: bigint;
  /** Seconds before a settled root is claimable (default 60 on chain 31337, else 86400; >= 3600 off it). */
  challengeWindow?: number;
  /** The settler's epoch in seconds (default 30 on chain 31337, else 3600). */
  epochLength?: number;
  /** Seconds after expiry a campaign stays spendable (default epochLength + challengeWindow). */
  settlementGrace?: number;
  /** Seconds a settler/guardian/pauser change waits (default challengeWindow + 1 hour). */
  roleDelay?: number;
  /** Seconds an admin transfer waits (default 1 day; 0 on chain 31337). */
  adminDelay?: number;
  /** AMP wei a disputer bonds (default 100 AMP). */
  disputeBond?: bigint;
  /** AMP wei an upheld dispute earns from the dispute pool (default 50 AMP). */
  disputeReward?: bigint;
  /** Seconds the guardian has to resolve a dispute (default 600 on chain 31337, else 3 days). */
  disputePeriod?: number;
  /** AMP wei minted into the dispute pool at deployment (default 1,000 AMP; 0 for none). */
  disputePoolFunding?: bigint;
  /** Admin of token and escrow (default: the deployer). */
  admin?: Address;
  /** Token minter (default: the deployer). */
  minter?: Address;
  settler?: Address;
  guardian?: Address;
  pauser?: Address;
  /** Repository root holding artifacts/ (default: this repository). */
  root?: string;
}

export const DEFAULT_CAP = 1_000_000_000n * 10n ** 18n;
/** AMPEscrow.MAX_CHALLENGE_WINDOW (30 days). */
export const MAX_CHALLENGE_WINDOW = 30 * 86_400;
/** AMPEscrow.MIN_CHALLENGE_WINDOW off the local chain (1 hour). */
export const MIN_CHALLENGE_WINDOW = 3_600;
/** AMPEscrow.MAX_SPENDS_PER_EPOCH: the most campaign spends one settlement may carry. */
export const MAX_SPENDS_PER_EPOCH = 400;
export const DEFAULT_DISPUTE_BOND = 100n * 10n ** 18n;
export const DEFAULT_DISPUTE_REWARD = 50n * 10n ** 18n;
export const DEFAULT_DISPUTE_POOL_FUNDING = 1_000n * 10n ** 18n;

/**
 * Development keys of the local chain's settler, guardian and pauser: accounts 40, 41 and 42 of
 * Hardhat's public test mnemonic (test funds only, never use them elsewhere).
 */
export const LOCAL_ROLE_KEYS = {
  settler: "0xc95eaed402c8bd203ba04d81b35509f17d0719e3f71f40061a2ec2889bc4caa7",
  guardian: "0x55afe0ab59c1f7bbd00d5531ddb834c3c0d289a4ff8f318e498cb3f004db0b53",
  pauser: "0xc3f9b30f83d660231203f8395762fa4257fa7db32039f739630f87b8836552cc",
} as const satisfies Record<string, Hex>;
export const LOCAL_ROLE_ACCOUNTS = {
  settler: "0x9eF6c02FB2ECc446146E05F1fF687a788a8BF76d",
  guardian: "0x08A2DE6F3528319123b25935C92888B16db8913E",
  pauser: "0xe141C82D99D85098e03E1a1cC1CdE676556fDdE0",
} as const satisfies Record<string, Address>;

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

export function defaultDisputePeriod(chainId: number): number {
  return chainId === LOCAL_CHAIN_ID ? 600 : 3 * 86_400;
}

export function defaultEpochLength(chainId: number): number {
  return chainId === LOCAL_CHAIN_ID ? 30 : 3_600;
}

type Wallet = WalletClient<Transport, Chain | undefined, Account>;

function seconds(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new AmpError("DEPLOY_CONFIG_INVALID", `${name} must be ${min}..${max} seconds, got ${value}`);
  }
  return value;
}

/** The escrow's role holders and delays from the options, checked as the contract will check them. */
export function resolveRoles(chainId: number, deployer: Address, options: DeployAmpOptions) {
  const local = chainId === LOCAL_CHAIN_ID;
  const pick = (name: "settler" | "guardian" | "pauser"): Address => {
    const given = options[name];
    if (given) return getAddress(given);
    if (local) return LOCAL_ROLE_ACCOUNTS[name];
    throw new AmpError(
      "DEPLOY_CONFIG_INVALID",
      `a ${name} address is required on chain ${chainId} (AMP_${name.toUpperCase()})`,
    );
  };
  const roles: AmpRoles = {
    admin: getAddress(options.admin ?? deployer),
    minter: getAddress(options.minter ?? deployer),
    settler: pick("settler"),
    guardian: pick("guardian"),
    pauser: pick("pauser"),
  };
  const operational = [roles.settler, roles.guardian, roles.pauser];
  if (new Set(operational).size !== 3)
    throw new AmpError("DEPLOY_CONFIG_INVALID", "settler, guardian and pauser must be distinct addresses");
  if (operational.includes(getAddress(deployer))) {
    throw new AmpError(
      "DEPLOY_CONFIG_INVALID",
      "the deployer must not hold the settler, guardian or pauser role",
    );
  }
  if (!local && operational.includes(roles.admin)) {
    throw new AmpError(
      "DEPLOY_CONFIG_INVALID",
      "the admin must not also be settler, guardian or pauser off the local chain",
    );
  }
  return roles;
}

/** Deploys and wires the three contracts; see the module comment for who holds which role. */
export async function deployAmp(
  walletClient: Wallet,
  publicClient: PublicClient,
  options: DeployAmpOptions = {},
): Promise<AmpDeployment> {
  const account = walletClient.account;
  const chain = walletClient.chain;
  const chainId = await publicClient.getChainId();
  const local = chainId === LOCAL_CHAIN_ID;
  const cap = options.cap ?? DEFAULT_CAP;
  const challengeWindow = seconds(
    "challenge window",
    options.challengeWindow ?? defaultChallengeWindow(chainId),
    local ? 1 : MIN_CHALLENGE_WINDOW,
    MAX_CHALLENGE_WINDOW,
  );
  const epochLength = seconds(
    "epoch length",
    options.epochLength ?? defaultEpochLength(chainId),
    1,
    90 * 86_400,
  );
  const settlementGrace = seconds(
    "settlement grace",
    options.settlementGrace ?? epochLength + challengeWindow,
    epochLength + challengeWindow,
    90 * 86_400,
  );
  const roleDelay = seconds(
    "role delay",
    options.roleDelay ?? challengeWindow + 3_600,
    challengeWindow + 1,
    90 * 86_400,
  );
  const adminDelay = seconds("admin delay", options.adminDelay ?? (local ? 0 : 86_400), 0, 2 ** 47);
  const disputePeriod = seconds(
    "dispute period",
    options.disputePeriod ?? defaultDisputePeriod(chainId),
    1,
    90 * 86_400,
  );
  const disputeBond = options.disputeBond ?? DEFAULT_DISPUTE_BOND;
  const disputeReward = options.disputeReward ?? DEFAULT_DISPUTE_REWARD;
  const disputePoolFunding = options.disputePoolFunding ?? DEFAULT_DISPUTE_POOL_FUNDING;
  if (disputeBond <= 0n || disputeBond >= 2n ** 96n)
    throw new AmpError("DEPLOY_CONFIG_INVALID", `dispute bond must be 1..2^96-1 wei, got ${disputeBond}`);
  if (disputeReward < 0n || disputeReward >= 2n ** 96n)
    throw new AmpError("DEPLOY_CONFIG_INVALID", `dispute reward must be 0..2^96-1 wei, got ${disputeReward}`);
  if (disputePoolFunding < 0n)
    throw new AmpError(
      "DEPLOY_CONFIG_INVALID",
      `dispute pool funding must be >= 0, got ${disputePoolFunding}`,
    );
  const roles = resolveRoles(chainId, account.address, options);
  const root = options.root ?? repoRoot;

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
      args: [
        AMPToken,
        AMPSocial,
        {
          admin: roles.admin,
          settler: roles.settler,
          guardian: roles.guardian,
          pauser: roles.pauser,
          adminDelay,
          challengeWindow: BigInt(challengeWindow),
          epochLength: BigInt(epochLength),
          settlementGrace: BigInt(settlementGrace),
          roleDelay: BigInt(roleDelay),
          disputeBond,
          disputeReward,
          disputePeriod: BigInt(disputePeriod),
        },
      ],
      account,
      chain,
    }),
  );
  const AMPEscrow = getAddress(escrowReceipt.contractAddress as Address);

  const token = (functionName: "grantRole" | "renounceRole", args: [Hex, Address]) =>
    walletClient.writeContract({ address: AMPToken, abi: ampTokenAbi, functionName, args, account, chain });
  // The dispute pool is minted by the deployer (minter for this step only unless it is the minter).
  if (disputePoolFunding > 0n) {
    await send(await token("grantRole", [ROLES.MINTER_ROLE, account.address]));
    const tokenWrite = { address: AMPToken, abi: ampTokenAbi, account, chain } as const;
    await send(
      await walletClient.writeContract({
        ...tokenWrite,
        functionName: "mint",
        args: [account.address, disputePoolFunding],
      }),
    );
    await send(
      await walletClient.writeContract({
        ...tokenWrite,
        functionName: "approve",
        args: [AMPEscrow, disputePoolFunding],
      }),
    );
    await send(
      await walletClient.writeContract({
        address: AMPEscrow,
        abi: ampEscrowAbi,
        functionName: "fundDisputePool",
        args: [disputePoolFunding],
        account,
        chain,
      }),
    );
    if (roles.minter !== getAddress(account.address))
      await send(await token("renounceRole", [ROLES.MINTER_ROLE, account.address]));
  }
  await send(await token("grantRole", [ROLES.MINTER_ROLE, roles.minter]));
  if (roles.admin !== getAddress(account.address)) {
    await send(await token("grantRole", [ROLES.DEFAULT_ADMIN_ROLE, roles.admin]));
    await send(await token("renounceRole", [ROLES.DEFAULT_ADMIN_ROLE, account.address]));
  }

  // The local role accounts pay for their own transactions (settle, revoke, pause).
  if (local) {
    for (const holder of [roles.settler, roles.guardian, roles.pauser]) {
      if ((await publicClient.getBalance({ address: holder })) < parseEther("1")) {
        await send(
          await walletClient.sendTransaction({ to: holder, value: parseEther("100"), account, chain }),
        );
      }
    }
  }

  return {
    chainId,
    startBlock: Number(tokenReceipt.blockNumber),
    contracts: { AMPToken, AMPSocial, AMPEscrow },
    roles,
    challengeWindow,
    epochLength,
    settlementGrace,
    roleDelay,
    adminDelay,
    disputeBond: disputeBond.toString(),
    disputeReward: disputeReward.toString(),
    disputePeriod,
    disputePoolFunding: disputePoolFunding.toString(),
  };
}
