/**
 * Gas benchmark: receipt gasUsed of the main AMP transactions on an in-process Hardhat chain,
 * with a plain OpenZeppelin ERC-20 transfer as the baseline. Claims run against a 100,000-leaf
 * StandardMerkleTree. Run: `npm run bench -- gas`.
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import hre, { network } from "hardhat";
import {
  type Address,
  erc20Abi,
  getAddress,
  getContract,
  type Hex,
  keccak256,
  parseEther,
  parseSignature,
  toHex,
} from "viem";
import { ampEscrowAbi, ampSocialAbi, ampTokenAbi, permitTypedData } from "#protocol";
import { deployAmp, readBytecode } from "#protocol/deploy.ts";
import { reportBench } from "#test-kit/bench.ts";

const LEAVES = 100_000;
// Compile first (a no-op when up to date): deployAmp reads the artifacts.
await hre.tasks.getTask("build").run({ quiet: true });
const { viem, networkHelpers } = await network.create();
const publicClient = await viem.getPublicClient();
const [deployer, alice, bob, carol, relayer, ...others] = await viem.getWalletClients();
if (!deployer || !alice || !bob || !carol || !relayer) throw new Error("bench: not enough accounts");

const deployment = await deployAmp(deployer, publicClient, { challengeWindow: 60 });
const client = { public: publicClient, wallet: deployer };
const token = getContract({ address: deployment.contracts.AMPToken, abi: ampTokenAbi, client });
const social = getContract({ address: deployment.contracts.AMPSocial, abi: ampSocialAbi, client });
const escrow = getContract({ address: deployment.contracts.AMPEscrow, abi: ampEscrowAbi, client });
const plainAbi = [
  ...erc20Abi,
  { type: "constructor", inputs: [{ name: "supply", type: "uint256" }], stateMutability: "nonpayable" },
] as const;
const plainReceipt = await publicClient.waitForTransactionReceipt({
  hash: await alice.deployContract({
    abi: plainAbi,
    bytecode: readBytecode("test/PlainERC20"),
    args: [parseEther("1000000")],
    account: alice.account,
    chain: alice.chain,
  }),
});
const plain = getContract({ address: plainReceipt.contractAddress as Address, abi: erc20Abi, client });

async function gas(hash: Promise<Hex> | Hex): Promise<number> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success") throw new Error("bench: transaction reverted");
  return Number(receipt.gasUsed);
}

for (const who of [alice, bob, carol]) {
  await token.write.mint([who.account.address, parseEther("1000000")]);
}
// Baseline and AMP transfer in the same situation: sender and receiver already hold tokens.
await plain.write.transfer([bob.account.address, 1n], { account: alice.account });
const plainTransfer = await gas(
  plain.write.transfer([bob.account.address, parseEther("1")], { account: alice.account }),
);
const transfer = await gas(
  token.write.transfer([bob.account.address, parseEther("1")], { account: alice.account }),
);

const approve = await gas(
  token.write.approve([escrow.address, parseEther("1000")], { account: alice.account }),
);

await social.write.createCommunity(["bench", "gas benchmark"], { account: alice.account });
await social.write.publish([1n, ["gas"], "a post to amplify", `0x${"00".repeat(32)}`, ""], {
  account: alice.account,
});
// First campaign pays for the campaign counter's first write; measure a typical later one.
await escrow.write.amplify([1n, parseEther("1"), 3600n], { account: alice.account });
const amplify = await gas(escrow.write.amplify([1n, parseEther("100"), 86_400n], { account: alice.account }));

async function signPermit(owner: NonNullable<typeof bob>, value: bigint, deadline: bigint) {
  const nonce = await token.read.nonces([owner.account.address]);
  const signature = await owner.signTypedData({
    account: owner.account,
    ...permitTypedData(deployment.chainId, token.address, {
      owner: owner.account.address,
      spender: escrow.address,
      value,
      nonce,
      deadline,
    }),
  });
  return parseSignature(signature);
}
const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
const p1 = await signPermit(bob, parseEther("50"), deadline);
const permit = await gas(
  token.write.permit(
    [bob.account.address, escrow.address, parseEther("50"), deadline, Number(p1.v), p1.r, p1.s],
    { account: relayer.account },
  ),
);
const p2 = await signPermit(carol, parseEther("100"), deadline);
const amplifyWithPermit = await gas(
  escrow.write.amplifyWithPermit([1n, parseEther("100"), 86_400n, deadline, Number(p2.v), p2.r, p2.s], {
    account: carol.account,
  }),
);

// Ten campaigns, then one settlement spending from all of them.
await token.write.approve([escrow.address, parseEther("100000")], { account: bob.account });
const campaignIds: bigint[] = [];
for (let i = 0; i < 10; i++) {
  await escrow.write.amplify([1n, parseEther("1000"), 86_400n], { account: bob.account });
  campaignIds.push(await escrow.read.campaignCount());
}

// A 100,000-leaf tree of cumulative amounts; the claimants sit among pseudo-random accounts.
const claimants: Address[] = [deployer, alice, bob, carol, relayer, ...others].map((w) => w.account.address);
function treeFor(epoch: number) {
  const values: [string, string][] = [];
  for (let i = 0; i < LEAVES; i++) {
    const address =
      i < claimants.length ? (claimants[i] as Address) : getAddress(`0x${keccak256(toHex(i)).slice(26)}`);
    values.push([address, (parseEther("1") * BigInt(epoch) + BigInt(i)).toString()]);
  }
  // Unsorted leaves put the first 68,927 entries at depth 17, so the claims below pay for the longest proofs.
  return StandardMerkleTree.of(values, ["address", "uint256"], { sortLeaves: false });
}
const proofOf = (tree: StandardMerkleTree<[string, string]>, account: Address) => {
  for (const [i, [address, amount]] of tree.entries()) {
    if (address === account) return { amount: BigInt(amount), proof: tree.getProof(i) as Hex[] };
  }
  throw new Error(`bench: ${account} not in tree`);
};

const tree1 = treeFor(1);
const settle = await gas(
  escrow.write.settle([
    1n,
    tree1.root as Hex,
    keccak256(toHex("inputs-1")),
    campaignIds,
    campaignIds.map(() => parseEther("100")),
  ]),
);
await networkHelpers.time.increase(61);

// The first claim after a root activates also moves the contract's active-epoch cursor (paid once
// per epoch); a warm-up claim takes that cost so the figures below are the typical ones.
const warm = proofOf(tree1, deployer.account.address);
const claimAfterActivation = await gas(
  escrow.write.claim([deployer.account.address, warm.amount, warm.proof], { account: relayer.account }),
);

// First claim by an account that holds no AMP yet (its token balance slot is created too).
const fresh = others[0]?.account.address as Address;
const c1 = proofOf(tree1, fresh);
const firstClaim = await gas(escrow.write.claim([fresh, c1.amount, c1.proof], { account: relayer.account }));
const proofLength = c1.proof.length;

// First claim by an account that already holds AMP.
const c1b = proofOf(tree1, alice.account.address);
const firstClaimHolder = await gas(
  escrow.write.claim([alice.account.address, c1b.amount, c1b.proof], { account: relayer.account }),
);

// Batch claim of ten first claims.
const taken = new Set([deployer.account.address, fresh, alice.account.address]);
const batch = claimants.filter((a) => !taken.has(a)).slice(0, 10);
const batchProofs = batch.map((a) => proofOf(tree1, a));
const batchClaim10 = await gas(
  escrow.write.claimBatch([batch, batchProofs.map((p) => p.amount), batchProofs.map((p) => p.proof)], {
    account: relayer.account,
  }),
);

// Repeat claim: the same account after the next epoch raised its cumulative amount.
const tree2 = treeFor(2);
await escrow.write.settle([
  2n,
  tree2.root as Hex,
  keccak256(toHex("inputs-2")),
  campaignIds,
  campaignIds.map(() => parseEther("100")),
]);
await networkHelpers.time.increase(61);
const warm2 = proofOf(tree2, deployer.account.address);
await escrow.write.claim([deployer.account.address, warm2.amount, warm2.proof], { account: relayer.account });
const c2 = proofOf(tree2, fresh);
const repeatClaim = await gas(escrow.write.claim([fresh, c2.amount, c2.proof], { account: relayer.account }));

const result = reportBench("gas", import.meta.filename, {
  transfer: { value: transfer, unit: "gas", baseline: plainTransfer },
  plainErc20Transfer: { value: plainTransfer, unit: "gas" },
  transferVsPlain: { value: Number((transfer / plainTransfer).toFixed(4)), unit: "ratio", target: "<= 1.02" },
  approve: { value: approve, unit: "gas" },
  permit: { value: permit, unit: "gas" },
  amplify: { value: amplify, unit: "gas", target: "<= 110000" },
  amplifyWithPermit: { value: amplifyWithPermit, unit: "gas" },
  firstClaim: { value: firstClaim, unit: "gas", target: "<= 95000" },
  firstClaimHolder: { value: firstClaimHolder, unit: "gas" },
  claimAfterActivation: { value: claimAfterActivation, unit: "gas" },
  repeatClaim: { value: repeatClaim, unit: "gas", target: "<= 65000" },
  batchClaim10: { value: batchClaim10, unit: "gas" },
  settle10Campaigns: { value: settle, unit: "gas" },
  firstClaimProofLength: { value: proofLength, unit: "hashes" },
  repeatClaimProofLength: { value: c2.proof.length, unit: "hashes" },
});
console.table(Object.fromEntries(Object.entries(result.figures).map(([k, f]) => [k, f.value])));
