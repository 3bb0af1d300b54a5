/**
 * Shared set-up for the contract tests: a fresh in-process Hardhat chain per call, the three
 * contracts deployed by `deployAmp`, typed viem contract instances and a few helpers.
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { network } from "hardhat";
import {
  type Abi,
  type Address,
  createWalletClient,
  custom,
  getContract,
  type Hex,
  keccak256,
  maxUint256,
  type PublicClient,
  parseEther,
  parseSignature,
  toHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  type AmpDeployment,
  ampEscrowAbi,
  amplifyForTypedData,
  ampSocialAbi,
  ampTokenAbi,
  permitTypedData,
} from "#protocol";
import { type DeployAmpOptions, deployAmp, LOCAL_ROLE_KEYS } from "#protocol/deploy.ts";

export { ROLES } from "#protocol";

export const WINDOW = 60;
/** The fixture's settlement grace: campaigns stay spendable (and unrefundable) a week past expiry. */
export const GRACE = 7 * 86_400;
/** The fixture's role delay (longer than the challenge window). */
export const ROLE_DELAY = 3_600;
export const DAY = 86_400n;
export const ZERO_HASH: Hex = `0x${"00".repeat(32)}`;
export const amp = (n: number | string) => parseEther(String(n));
/** A settlement's manifest bytes for a label (the escrow stores and emits them, hashed as the inputs hash). */
export const manifest = (label: string) => toHex(label);
/** The inputs hash the escrow records for `manifest(label)`. */
export const inputs = (label: string) => keccak256(manifest(label));

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`fixture: missing ${what}`);
  return value;
}

type Connection = Awaited<ReturnType<typeof network.create>>;

/**
 * Typed instances of a deployment's three contracts, sending from `deployer`, and wallets of the
 * local deployment's settler, guardian and pauser: three accounts besides the deployer.
 */
export function ampClients(
  connection: Connection,
  deployment: AmpDeployment,
  publicClient: Awaited<ReturnType<Connection["viem"]["getPublicClient"]>>,
  deployer: Awaited<ReturnType<Connection["viem"]["getWalletClients"]>>[number],
) {
  const client = { public: publicClient, wallet: deployer };
  const roleWallet = (key: Hex) =>
    createWalletClient({
      account: privateKeyToAccount(key),
      chain: deployer.chain,
      transport: custom(connection.provider),
    });
  return {
    token: getContract({ address: deployment.contracts.AMPToken, abi: ampTokenAbi, client }),
    social: getContract({ address: deployment.contracts.AMPSocial, abi: ampSocialAbi, client }),
    escrow: getContract({ address: deployment.contracts.AMPEscrow, abi: ampEscrowAbi, client }),
    settler: roleWallet(LOCAL_ROLE_KEYS.settler),
    guardian: roleWallet(LOCAL_ROLE_KEYS.guardian),
    pauser: roleWallet(LOCAL_ROLE_KEYS.pauser),
  };
}

export async function deployFixture(options: DeployAmpOptions = {}) {
  const connection = await network.create();
  const { viem, networkHelpers } = connection;
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const [admin, alice, bob, carol, dave, outsider] = [0, 1, 2, 3, 4, 5].map((i) =>
    need(wallets[i], `wallet ${i}`),
  );
  const deployment = await deployAmp(need(admin, "admin"), publicClient as PublicClient, {
    challengeWindow: WINDOW,
    settlementGrace: GRACE,
    roleDelay: ROLE_DELAY,
    // Balances in these tests start from zero; deployment funding of the pool is tested on its own.
    disputePoolFunding: 0n,
    ...options,
  });
  const { token, social, escrow, settler, guardian, pauser } = ampClients(
    connection,
    deployment,
    publicClient,
    need(admin, "admin"),
  );
  return {
    viem,
    networkHelpers,
    publicClient,
    deployment,
    token,
    social,
    escrow,
    admin: need(admin, "admin"),
    alice: need(alice, "alice"),
    bob: need(bob, "bob"),
    carol: need(carol, "carol"),
    dave: need(dave, "dave"),
    outsider: need(outsider, "outsider"),
    settler,
    guardian,
    pauser,
  };
}

export type Fixture = Awaited<ReturnType<typeof deployFixture>>;
export type Wallet = Fixture["alice"];

/**
 * AMP the escrow keeps: its own balance (activated, unclaimed rewards) plus its vault's (budgets,
 * pending spends, refund credits, bonds, the dispute pool).
 */
export async function escrowed(f: Pick<Fixture, "token" | "escrow">): Promise<bigint> {
  const vault = await f.escrow.read.vault();
  return (await f.token.read.balanceOf([f.escrow.address])) + (await f.token.read.balanceOf([vault]));
}

/** alice, bob and carol hold 10,000 AMP each and approved the escrow; community 1 has posts 1 (alice) and 2 (bob). */
export async function worldFixture(options: DeployAmpOptions = {}) {
  const f = await deployFixture(options);
  for (const who of [f.alice, f.bob, f.carol]) {
    await f.token.write.mint([who.account.address, amp(10_000)]);
    await f.token.write.approve([f.escrow.address, maxUint256], { account: who.account });
  }
  await f.social.write.createCommunity(["rust", "systems programming"], { account: f.alice.account });
  await f.social.write.publish([1n, ["intro"], "hello", ZERO_HASH, ""], { account: f.alice.account });
  await f.social.write.publish([1n, ["reply"], "hi there", ZERO_HASH, ""], { account: f.bob.account });
  return f;
}

/** Waits for a transaction and returns its receipt, failing on revert. */
export async function mined(f: Fixture, hash: Hex | Promise<Hex>) {
  const receipt = await f.publicClient.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success") throw new Error(`transaction ${receipt.transactionHash} reverted`);
  return receipt;
}

export async function now(f: Fixture): Promise<bigint> {
  return BigInt(await f.networkHelpers.time.latest());
}

/** A StandardMerkleTree of cumulative amounts, with proof lookup by account. */
export function rewardTree(entries: readonly (readonly [Address, bigint])[]) {
  const tree = StandardMerkleTree.of(
    entries.map(([account, amount]) => [account, amount.toString()]),
    ["address", "uint256"],
  );
  return {
    root: tree.root as Hex,
    proof(account: Address): Hex[] {
      for (const [i, [a]] of tree.entries()) {
        if (a?.toLowerCase() === account.toLowerCase()) return tree.getProof(i) as Hex[];
      }
      throw new Error(`rewardTree: ${account} not in tree`);
    },
  };
}

/** EIP-2612 permit signature by `owner` for the escrow. */
export async function signPermit(
  f: Fixture,
  owner: Wallet,
  value: bigint,
  deadline: bigint,
  spender?: Address,
) {
  const nonce = await f.token.read.nonces([owner.account.address]);
  const signature = await owner.signTypedData({
    account: owner.account,
    ...permitTypedData(f.deployment.chainId, f.token.address, {
      owner: owner.account.address,
      spender: spender ?? f.escrow.address,
      value,
      nonce,
      deadline,
    }),
  });
  const { v, r, s } = parseSignature(signature);
  return { v: Number(v), r, s };
}

/** A signer of typed data: a wallet client or a local account. */
type TypedDataSigner = { signTypedData: (args: never) => Promise<Hex> };

/**
 * `promoter`'s EIP-712 consent to a campaign on `postId` paid by `payer`, valid for an hour; returns the
 * `amplifyFor` arguments.
 */
export async function consentedAmplifyFor(
  f: Fixture,
  promoter: { address: Address; sign: TypedDataSigner["signTypedData"] },
  args: { postId: bigint; amount: bigint; duration: bigint; payer: Address },
) {
  const deadline = (await now(f)) + 3600n;
  const nonce = await f.escrow.read.nonces([promoter.address]);
  const typed = amplifyForTypedData(f.deployment.chainId, f.escrow.address, {
    promoter: promoter.address,
    ...args,
    nonce,
    deadline,
  });
  const signature = await promoter.sign(typed as never);
  return [promoter.address, args.postId, args.amount, args.duration, deadline, signature] as const;
}

/** A wallet client as a consent signer. */
export const walletSigner = (w: Wallet) => ({
  address: w.account.address,
  sign: ((typed: Parameters<Wallet["signTypedData"]>[0]) =>
    w.signTypedData({ ...typed, account: w.account })) as TypedDataSigner["signTypedData"],
});

/** Settles the next epoch (views up to now, by the settler) with the given spends and tree; returns the epoch number. */
export async function settleNext(
  f: Fixture,
  root: Hex,
  spends: readonly (readonly [bigint, bigint])[],
  label = "inputs",
): Promise<bigint> {
  const epoch = (await f.escrow.read.lastEpoch()) + 1n;
  await mined(
    f,
    f.escrow.write.settle(
      [epoch, await now(f), root, manifest(label), spends.map(([id]) => id), spends.map(([, a]) => a)],
      { account: f.settler.account },
    ),
  );
  return epoch;
}

/** Grants (or revokes) an escrow operational role through the delay: schedule, wait, execute. */
export async function changeRole(f: Fixture, role: Hex, account: Address, grant = true) {
  await mined(f, f.escrow.write.scheduleRoleChange([role, account, grant]));
  await f.networkHelpers.time.increase(Number(await f.escrow.read.roleDelay()));
  await mined(f, f.escrow.write.executeRoleChange([role, account, grant]));
}

/** The escrow with the token's errors too, to decode token errors surfacing through escrow calls. */
export const escrowWithTokenErrors = (f: Fixture) => ({
  abi: [...ampEscrowAbi, ...ampTokenAbi.filter((item) => item.type === "error")] as Abi,
  address: f.escrow.address,
});
