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
import { privateKeyToAccount } from "viem/accounts";
import { DEFAULT_PARAMS } from "#indexer/attention/params.ts";
import { encodeManifest, manifestHex, manifestOf } from "#indexer/settlement/manifest.ts";
import { ampEscrowAbi, amplifyForTypedData, ampSocialAbi, ampTokenAbi, permitTypedData } from "#protocol";
import { deployAmp, MAX_SPENDS_PER_EPOCH, readBytecode } from "#protocol/deploy.ts";
import { reportBench } from "#test-kit/bench.ts";
import { ampClients } from "../test/fixture.ts";
import { uniswapDistributorArtifact, uniswapTree } from "./uniswap.ts";

const LEAVES = 100_000;
// Compile first (a no-op when up to date): deployAmp reads the artifacts.
await hre.tasks.getTask("build").run({ quiet: true });
const connection = await network.create();
const { viem, networkHelpers } = connection;
const publicClient = await viem.getPublicClient();
const [deployer, alice, bob, carol, relayer, ...others] = await viem.getWalletClients();
if (!deployer || !alice || !bob || !carol || !relayer) throw new Error("bench: not enough accounts");

const deployment = await deployAmp(deployer, publicClient, { challengeWindow: 60 });
const client = { public: publicClient, wallet: deployer };
const { token, social, escrow, settler, guardian } = ampClients(
  connection,
  deployment,
  publicClient,
  deployer,
);
const now = async () => BigInt(await networkHelpers.time.latest());
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

/** A manifest as the settler publishes it (default parameters, large counts): the bytes settle carries. */
const manifestFor = (epoch: bigint) =>
  manifestHex(
    encodeManifest(
      manifestOf({
        epoch: Number(epoch),
        periodEnd: 1_900_000_000,
        fromSeq: 1_000_000_000,
        toSeq: 1_001_000_000,
        exportHash: keccak256(toHex(`export ${epoch}`)),
        factsBlock: 100_000_000,
        params: DEFAULT_PARAMS,
      }),
    ),
  );

const tree1 = treeFor(1);
// A tenth of the campaigns' day has passed: each has earned the 100 AMP the epoch spends.
await networkHelpers.time.increase(8_700);
const settle = await gas(
  escrow.write.settle(
    [
      1n,
      await now(),
      tree1.root as Hex,
      manifestFor(1n),
      campaignIds,
      campaignIds.map(() => parseEther("100")),
    ],
    { account: settler.account },
  ),
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
await networkHelpers.time.increase(8_700);
await escrow.write.settle(
  [
    2n,
    await now(),
    tree2.root as Hex,
    manifestFor(2n),
    campaignIds,
    campaignIds.map(() => parseEther("100")),
  ],
  { account: settler.account },
);
await networkHelpers.time.increase(61);
const warm2 = proofOf(tree2, deployer.account.address);
await escrow.write.claim([deployer.account.address, warm2.amount, warm2.proof], { account: relayer.account });
const c2 = proofOf(tree2, fresh);
const repeatClaim = await gas(escrow.write.claim([fresh, c2.amount, c2.proof], { account: relayer.account }));

// ------------------------------------------------------------------ 10,000 epochs, then one claim
// 9,999 empty epochs and a 10,000th that raises `fresh`'s amount, all activating together: the
// claim that follows moves the active-epoch cursor over all of them (a binary search).
const tree3 = treeFor(3);
const lastBefore = await escrow.read.lastEpoch();
for (let i = 1n; i < 10_000n; i++) {
  await escrow.write.settle(
    [lastBefore + i, await now(), tree2.root as Hex, manifestFor(lastBefore + i), [], []],
    {
      account: settler.account,
    },
  );
}
await networkHelpers.time.increase(8_700);
await escrow.write.settle(
  [
    lastBefore + 10_000n,
    await now(),
    tree3.root as Hex,
    manifestFor(lastBefore + 10_000n),
    campaignIds,
    campaignIds.map(() => parseEther("100")),
  ],
  { account: settler.account },
);
await networkHelpers.time.increase(61);
const c3 = proofOf(tree3, fresh);
const claimAfter10kEpochs = await gas(
  escrow.write.claim([fresh, c3.amount, c3.proof], { account: relayer.account }),
);

// ------------------------------------------------------------------ an epoch at the spend cap
// A second deployment with an hour's window, so that the whole set-up lands inside it: 400
// one-second campaigns of fresh promoters (consenting to amplifyFor, holding no AMP), spent in one
// epoch near the end of their settlement grace, all refunded while it is pending, then revoked.
const worst = await deployAmp(deployer, publicClient, { challengeWindow: 3_600 });
const wToken = getContract({ address: worst.contracts.AMPToken, abi: ampTokenAbi, client });
const wSocial = getContract({ address: worst.contracts.AMPSocial, abi: ampSocialAbi, client });
const wEscrow = getContract({ address: worst.contracts.AMPEscrow, abi: ampEscrowAbi, client });
await wToken.write.mint([bob.account.address, parseEther("1000")]);
await wToken.write.approve([wEscrow.address, parseEther("1000")], { account: bob.account });
await wSocial.write.createCommunity(["bench", "worst case"], { account: alice.account });
await wSocial.write.publish([1n, [], "post", `0x${"00".repeat(32)}`, ""], { account: alice.account });
const capIds: bigint[] = [];
for (let i = 0; i < MAX_SPENDS_PER_EPOCH; i++) {
  const promoter = privateKeyToAccount(keccak256(toHex(`bench promoter ${i}`)));
  const deadlineFor = (await now()) + 3_600n;
  const signature = await promoter.signTypedData(
    amplifyForTypedData(worst.chainId, wEscrow.address, {
      promoter: promoter.address,
      postId: 1n,
      amount: 1n,
      duration: 1n,
      payer: bob.account.address,
      nonce: 0n,
      deadline: deadlineFor,
    }),
  );
  await wEscrow.write.amplifyFor([promoter.address, 1n, 1n, 1n, deadlineFor, signature], {
    account: bob.account,
  });
  capIds.push(await wEscrow.read.campaignCount());
}
const [, capClosesAt] = await wEscrow.read.campaignTimes([capIds.at(-1) as bigint]);
await networkHelpers.time.increaseTo(capClosesAt - 600n);
const settleMaxEpoch = await gas(
  wEscrow.write.settle([1n, await now(), tree1.root as Hex, manifestFor(1n), capIds, capIds.map(() => 1n)], {
    account: settler.account,
  }),
);
await networkHelpers.time.increaseTo(capClosesAt);
for (const id of capIds) await wEscrow.write.refund([id], { account: relayer.account });
const revokeMaxEpoch = await gas(
  wEscrow.write.revoke([1n, BigInt(MAX_SPENDS_PER_EPOCH + 1)], { account: guardian.account }),
);
if (await wEscrow.read.restorePending())
  throw new Error("bench: the capped epoch did not revoke in one transaction");

// ------------------------------------------------------------------ Uniswap's MerkleDistributor
// The same EVM, a 100,000-leaf tree of Uniswap's leaves (index, account, amount), sorted-pair
// hashing as its MerkleProof expects. Each measured claim is the first in its 256-index bitmap
// word, as every first claim of ours writes a fresh claimed-total slot; a claim in a word already
// written is reported too.
const distributorArtifact = uniswapDistributorArtifact();
const uniLeaves: { account: Address; amount: bigint }[] = [];
for (let i = 0; i < LEAVES; i++) {
  uniLeaves.push({
    account: getAddress(`0x${keccak256(toHex(`uni ${i}`)).slice(26)}`),
    amount: parseEther("1") + BigInt(i),
  });
}
const uniFresh = getAddress(`0x${keccak256(toHex("uni fresh")).slice(26)}`);
const UNI_FRESH = 0;
const UNI_HOLDER = 300;
const UNI_WARM = 301;
uniLeaves[UNI_FRESH] = { account: uniFresh, amount: parseEther("1") };
uniLeaves[UNI_HOLDER] = { account: carol.account.address, amount: parseEther("1") };
uniLeaves[UNI_WARM] = { account: alice.account.address, amount: parseEther("1") };
const uniTree = uniswapTree(uniLeaves);
const uniReceipt = await publicClient.waitForTransactionReceipt({
  hash: await deployer.deployContract({
    abi: distributorArtifact.abi,
    bytecode: distributorArtifact.bytecode,
    args: [token.address, uniTree.root],
    account: deployer.account,
    chain: deployer.chain,
  }),
});
const distributor = getContract({
  address: uniReceipt.contractAddress as Address,
  abi: distributorArtifact.abi,
  client,
});
await token.write.mint([distributor.address, parseEther("10")]);
const uniClaim = (index: number) => {
  const leaf = uniLeaves[index] as { account: Address; amount: bigint };
  return gas(
    relayer.writeContract({
      address: distributor.address,
      abi: distributorArtifact.abi,
      functionName: "claim",
      args: [BigInt(index), leaf.account, leaf.amount, uniTree.proof(index)],
      account: relayer.account,
      chain: relayer.chain,
    }),
  );
};
if ((await token.read.balanceOf([uniFresh])) !== 0n)
  throw new Error("bench: the fresh Uniswap recipient holds AMP");
const uniswapFirstClaim = await uniClaim(UNI_FRESH);
const uniswapHolderClaim = await uniClaim(UNI_HOLDER);
const uniswapHolderClaimWarmBitmap = await uniClaim(UNI_WARM);
const ratio = (a: number, b: number) => Number((a / b).toFixed(4));

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
  settleMaxEpoch: { value: settleMaxEpoch, unit: "gas", target: "<= 12000000" },
  revokeMaxEpoch: { value: revokeMaxEpoch, unit: "gas", target: "<= 8000000" },
  maxSpendsPerEpoch: { value: MAX_SPENDS_PER_EPOCH, unit: "spends" },
  claimAfter10kEpochs: { value: claimAfter10kEpochs, unit: "gas", target: "<= 120000" },
  uniswapFirstClaim: { value: uniswapFirstClaim, unit: "gas" },
  uniswapHolderClaim: { value: uniswapHolderClaim, unit: "gas" },
  uniswapHolderClaimWarmBitmap: { value: uniswapHolderClaimWarmBitmap, unit: "gas" },
  firstClaimVsUniswap: {
    value: ratio(firstClaim, uniswapFirstClaim),
    unit: "ratio",
    target: "<= 1.0",
    baseline: uniswapFirstClaim,
  },
  holderClaimVsUniswap: {
    value: ratio(firstClaimHolder, uniswapHolderClaim),
    unit: "ratio",
    target: "<= 1.0",
    baseline: uniswapHolderClaim,
  },
  firstClaimProofLength: { value: proofLength, unit: "hashes" },
  repeatClaimProofLength: { value: c2.proof.length, unit: "hashes" },
  uniswapProofLength: { value: uniTree.proof(UNI_FRESH).length, unit: "hashes" },
});
console.table(Object.fromEntries(Object.entries(result.figures).map(([k, f]) => [k, f.value])));
