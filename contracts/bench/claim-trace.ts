import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import hre, { network } from "hardhat";
import { type Address, getAddress, type Hex, keccak256, parseEther, toHex } from "viem";
import { AmpError } from "#protocol";
import { deployAmp } from "#protocol/deploy.ts";
import { ampClients } from "../test/fixture.ts";
import { uniswapDistributorArtifact, uniswapTree } from "./uniswap.ts";

const LEAVES = 100_000;
await hre.tasks.getTask("build").run({ quiet: true });
const connection = await network.create();
const { viem, networkHelpers } = connection;
const publicClient = await viem.getPublicClient();
const [deployer, alice, , carol, relayer, fresh] = await viem.getWalletClients();
if (!deployer || !alice || !carol || !relayer || !fresh)
  throw new AmpError("TRACE_ACCOUNTS", "not enough accounts");
const deployment = await deployAmp(deployer, publicClient, { challengeWindow: 60 });
const { token, social, escrow, settler } = ampClients(connection, deployment, publicClient, deployer);

type StructLog = { op: string; gas: number; gasCost: number; depth: number; stack?: string[] };
type Row = { depth: number; op: string; gas: number; note: string };
/** Opcodes listed one by one: storage, logs, calls and account accesses. */
const LISTED =
  /^(SLOAD|SSTORE|TLOAD|TSTORE|LOG\d|CALL|STATICCALL|DELEGATECALL|EXTCODESIZE|EXTCODEHASH|BALANCE)$/;

/** Per-op gas of a trace: a call's own cost is what it took minus what its frame used. */
async function trace(hash: Hex, label: string): Promise<void> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  const result = (await publicClient.request({
    method: "debug_traceTransaction" as never,
    params: [hash, { disableMemory: true, disableStorage: true }] as never,
  })) as { gas: number; structLogs: StructLog[] };
  const logs = result.structLogs;
  const rows: Row[] = [];
  const byOp = new Map<string, number>();
  for (let i = 0; i < logs.length; i++) {
    const log = logs[i] as StructLog;
    let cost = log.gasCost;
    if (["CALL", "STATICCALL", "DELEGATECALL"].includes(log.op)) {
      // The next op at the same depth follows the return: the difference less the callee's own use.
      let j = i + 1;
      let inner = 0;
      while (j < logs.length && (logs[j] as StructLog).depth > log.depth) {
        inner += (logs[j] as StructLog).gasCost;
        j++;
      }
      const after = logs[j] as StructLog | undefined;
      cost = after ? log.gas - after.gas - inner : log.gasCost;
    }
    const key = `${log.depth}:${log.op}`;
    byOp.set(key, (byOp.get(key) ?? 0) + cost);
    if (LISTED.test(log.op)) {
      const stack = log.stack ?? [];
      const top = stack.at(-1) ?? "";
      const note = log.op === "SLOAD" || log.op === "SSTORE" ? `slot ${top.slice(0, 18)}…` : "";
      rows.push({ depth: log.depth, op: log.op, gas: cost, note });
    }
  }
  console.log(`\n=== ${label}: receipt gasUsed ${receipt.gasUsed}`);
  for (const r of rows)
    console.log(`  d${r.depth} ${r.op.padEnd(12)} ${String(r.gas).padStart(6)}  ${r.note}`);
  const top = [...byOp.entries()].sort((a, b) => b[1] - a[1]);
  const total = top.reduce((s, [, g]) => s + g, 0);
  console.log(`  execution gas ${total}, intrinsic + refunds ${Number(receipt.gasUsed) - total}`);
  console.log(
    `  by op: ${top
      .slice(0, 30)
      .map(([k, g]) => `${k}=${g}`)
      .join(" ")}`,
  );
}

// ------------------------------------------------------------------ AMP: one settled epoch
for (const who of [alice, carol]) await token.write.mint([who.account.address, parseEther("1000000")]);
await token.write.approve([escrow.address, parseEther("100000")], { account: alice.account });
await social.write.createCommunity(["trace", "claim trace"], { account: alice.account });
await social.write.publish([1n, ["gas"], "a post", `0x${"00".repeat(32)}`, ""], { account: alice.account });
await escrow.write.amplify([1n, parseEther("10000"), 86_400n], { account: alice.account });
const claimants: Address[] = [deployer, fresh, alice].map((w) => w.account.address);
const values: [string, string][] = [];
for (let i = 0; i < LEAVES; i++) {
  const address =
    i < claimants.length ? (claimants[i] as Address) : getAddress(`0x${keccak256(toHex(i)).slice(26)}`);
  values.push([address, (parseEther("1") + BigInt(i)).toString()]);
}
const tree = StandardMerkleTree.of(values, ["address", "uint256"], { sortLeaves: false });
const proofOf = (account: Address) => {
  for (const [i, [address, amount]] of tree.entries()) {
    if (address === account) return { amount: BigInt(amount), proof: tree.getProof(i) as Hex[] };
  }
  throw new AmpError("TRACE_LEAF", `${account} not in tree`);
};
await networkHelpers.time.increase(8_700);
await escrow.write.settle(
  [1n, BigInt(await networkHelpers.time.latest()), tree.root as Hex, "0x00", [1n], [parseEther("100")]],
  { account: settler.account },
);
await networkHelpers.time.increase(61);
const warm = proofOf(deployer.account.address);
await escrow.write.claim([deployer.account.address, warm.amount, warm.proof], { account: relayer.account });
const f = proofOf(fresh.account.address);
await trace(
  await escrow.write.claim([fresh.account.address, f.amount, f.proof], { account: relayer.account }),
  "AMPEscrow first claim (recipient holds no AMP)",
);
const h = proofOf(alice.account.address);
await trace(
  await escrow.write.claim([alice.account.address, h.amount, h.proof], { account: relayer.account }),
  "AMPEscrow claim of a holder",
);

// ------------------------------------------------------------------ Uniswap's MerkleDistributor
const artifact = uniswapDistributorArtifact();
const uniLeaves: { account: Address; amount: bigint }[] = [];
for (let i = 0; i < LEAVES; i++) {
  uniLeaves.push({
    account: getAddress(`0x${keccak256(toHex(`uni ${i}`)).slice(26)}`),
    amount: parseEther("1"),
  });
}
uniLeaves[300] = { account: carol.account.address, amount: parseEther("1") };
const uniTree = uniswapTree(uniLeaves);
const deployed = await publicClient.waitForTransactionReceipt({
  hash: await deployer.deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode,
    args: [token.address, uniTree.root],
    account: deployer.account,
    chain: deployer.chain,
  }),
});
const distributor = deployed.contractAddress as Address;
await token.write.mint([distributor, parseEther("10")]);
const uniClaim = (index: number) => {
  const leaf = uniLeaves[index] as { account: Address; amount: bigint };
  return relayer.writeContract({
    address: distributor,
    abi: artifact.abi,
    functionName: "claim",
    args: [BigInt(index), leaf.account, leaf.amount, uniTree.proof(index)],
    account: relayer.account,
    chain: relayer.chain,
  });
};
await trace(await uniClaim(0), "Uniswap first claim (recipient holds no AMP)");
await trace(await uniClaim(300), "Uniswap claim of a holder");
