/**
 * Merkle tree and every proof for 100,000 accounts, beside
 * @openzeppelin/merkle-tree (StandardMerkleTree.of plus getProof per leaf);
 * the roots and a sample of proofs must be equal.
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { percentile, reportBench, timeIt } from "#test-kit/bench.ts";
import { account, rng } from "../src/attention/fixtures.ts";
import { buildMerkle } from "../src/settlement/merkle.ts";

const N = 100_000;
const r = rng(11);
const values: [string, bigint][] = Array.from({ length: N }, (_, i) => [
  account(i * 13 + 5),
  BigInt(Math.floor(r() * 1e12)) * 10n ** 6n,
]);

buildMerkle(values); // warm-up (JIT)
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const runs: number[] = [];
for (let i = 0; i < 5; i++) {
  gc(); // each build starts from a collected heap, as a settlement run would
  runs.push((await timeIt(1, () => buildMerkle(values)))[0] as number);
}
runs.sort((a, b) => a - b);
const ours = buildMerkle(values);

const t0 = performance.now();
const oz = StandardMerkleTree.of(values, ["address", "uint256"]);
const ozProofs: string[][] = [];
for (let i = 0; i < N; i++) ozProofs.push(oz.getProof(i));
const ozMs = performance.now() - t0;

if (ours.root !== oz.root) throw new Error(`root mismatch: ${ours.root} != ${oz.root}`);
for (let i = 0; i < N; i += 997) {
  const mine = ours.proofs.get((values[i] as [string, bigint])[0].toLowerCase());
  if (JSON.stringify(mine) !== JSON.stringify(ozProofs[i])) throw new Error(`proof mismatch at ${i}`);
}
const median = percentile(runs, 50);
console.log(
  `merkle 100k: ${median.toFixed(0)} ms (runs ${runs.map((x) => x.toFixed(0)).join(", ")}); OZ ${ozMs.toFixed(0)} ms; same root ${oz.root}`,
);
reportBench("merkle", import.meta.filename, {
  "tree + all proofs 100k ms": { value: median, unit: "ms", target: "<= 1000", baseline: ozMs },
  "OpenZeppelin of + getProof per leaf ms": { value: ozMs, unit: "ms" },
  "speedup vs OpenZeppelin": { value: ozMs / median, unit: "x" },
  "same root": { value: 1, unit: "bool", target: ">= 1" },
});
