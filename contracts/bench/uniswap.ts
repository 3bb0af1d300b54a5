/**
 * Uniswap's MerkleDistributor, the claim-gas baseline of the gas benchmark and the claim trace:
 * its build artifact from the `@uniswap/merkle-distributor` package, and its tree (leaves
 * `keccak256(abi.encodePacked(index, account, amount))`, sorted-pair hashing as its MerkleProof
 * expects).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Abi, type Address, encodePacked, type Hex, keccak256 } from "viem";

export interface UniswapLeaf {
  account: Address;
  amount: bigint;
}

export function uniswapDistributorArtifact(): { abi: Abi; bytecode: Hex } {
  const artifact = JSON.parse(
    readFileSync(
      join(
        import.meta.dirname,
        "..",
        "..",
        "node_modules",
        "@uniswap",
        "merkle-distributor",
        "build",
        "MerkleDistributor.json",
      ),
      "utf8",
    ),
  ) as { abi: Abi; bytecode: string };
  return { abi: artifact.abi, bytecode: `0x${artifact.bytecode.replace(/^0x/, "")}` };
}

/** The distributor's tree over `leaves` (leaf i has index i): its root and the proof of any index. */
export function uniswapTree(leaves: readonly UniswapLeaf[]): { root: Hex; proof(index: number): Hex[] } {
  const levels: Hex[][] = [
    leaves.map((l, i) =>
      keccak256(encodePacked(["uint256", "address", "uint256"], [BigInt(i), l.account, l.amount])),
    ),
  ];
  const sortedPair = (a: Hex, b: Hex) => keccak256((a < b ? a + b.slice(2) : b + a.slice(2)) as Hex);
  while ((levels.at(-1) as Hex[]).length > 1) {
    const level = levels.at(-1) as Hex[];
    const next: Hex[] = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(i + 1 < level.length ? sortedPair(level[i] as Hex, level[i + 1] as Hex) : (level[i] as Hex));
    levels.push(next);
  }
  return {
    root: (levels.at(-1) as Hex[])[0] as Hex,
    proof: (index) => {
      const proof: Hex[] = [];
      let i = index;
      for (const level of levels.slice(0, -1)) {
        const sibling = i ^ 1;
        if (sibling < level.length) proof.push(level[sibling] as Hex);
        i >>= 1;
      }
      return proof;
    },
  };
}
