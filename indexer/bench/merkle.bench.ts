/**
 * Merkle tree and every proof for 100,000 accounts, beside
 * @openzeppelin/merkle-tree (StandardMerkleTree.of plus getProof per leaf);
 * the roots and a sample of proofs must be equal. The same tree is also built
 * over @noble/hashes' keccak_256, the other library considered, so the two
 * compare in one run.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { percentile, reportBench, timeIt } from "#test-kit/bench.ts";
import { account, rng } from "../src/attention/fixtures.ts";
import type { KeccakWords } from "../src/settlement/keccak.ts";
import { buildMerkle, buildMerkleWith, type MerkleResult } from "../src/settlement/merkle.ts";

const N = 100_000;
const r = rng(11);
const values: [string, bigint][] = Array.from({ length: N }, (_, i) => [
  account(i * 13 + 5),
  BigInt(Math.floor(r() * 1e12)) * 10n ** 6n,
]);

const viewBytes = (words: Uint32Array, offset: number, count: number) =>
  new Uint8Array(words.buffer, words.byteOffset + 4 * offset, 4 * count);
const noble: KeccakWords = (input, inOffset, inWords, out, outOffset) => {
  viewBytes(out, outOffset, 8).set(keccak_256(viewBytes(input, inOffset, inWords)));
};

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
/** Median of five builds, each from a collected heap, as a settlement run would start. */
async function measure(build: () => MerkleResult): Promise<{ median: number; runs: number[]; root: string }> {
  const root = build().root; // warm-up (JIT)
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    gc();
    runs.push((await timeIt(1, build))[0] as number);
  }
  runs.sort((a, b) => a - b);
  return { median: percentile(runs, 50), runs, root };
}

const current = await measure(() => buildMerkle(values));
const nobleRun = await measure(() => buildMerkleWith(noble, values));
const ours = buildMerkle(values);

const t0 = performance.now();
const oz = StandardMerkleTree.of(values, ["address", "uint256"]);
const ozProofs: string[][] = [];
for (let i = 0; i < N; i++) ozProofs.push(oz.getProof(i));
const ozMs = performance.now() - t0;

for (const run of [current, nobleRun]) {
  if (run.root !== oz.root) throw new Error(`root mismatch: ${run.root} != ${oz.root}`);
}
for (let i = 0; i < N; i += 997) {
  const mine = ours.proofs.get((values[i] as [string, bigint])[0].toLowerCase());
  if (JSON.stringify(mine) !== JSON.stringify(ozProofs[i])) throw new Error(`proof mismatch at ${i}`);
}
const show = (run: { median: number; runs: number[] }) =>
  `${run.median.toFixed(0)} ms (runs ${run.runs.map((x) => x.toFixed(0)).join(", ")})`;
console.log(`merkle 100k: ${show(current)}; OZ ${ozMs.toFixed(0)} ms; same root ${oz.root}`);
console.log(`  over @noble/hashes: ${show(nobleRun)}`);
reportBench("merkle", import.meta.filename, {
  "tree + all proofs 100k ms": { value: current.median, unit: "ms", target: "<= 1000", baseline: ozMs },
  "@noble/hashes keccak_256 ms": { value: nobleRun.median, unit: "ms" },
  "OpenZeppelin of + getProof per leaf ms": { value: ozMs, unit: "ms" },
  "speedup vs OpenZeppelin": { value: ozMs / current.median, unit: "x" },
  "same root": { value: 1, unit: "bool", target: ">= 1" },
});
