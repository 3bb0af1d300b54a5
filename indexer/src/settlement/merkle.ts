/**
 * Merkle tree of cumulative payouts, byte-for-byte the tree that
 * `StandardMerkleTree.of(values, ["address", "uint256"])` of
 * @openzeppelin/merkle-tree builds (leaves double-hashed and sorted, node pairs
 * sorted before hashing, the same array layout), so its root and proofs verify
 * with OpenZeppelin's MerkleProof. Every node is hashed once into one flat
 * buffer and every proof is read off the layered array in one pass.
 */
import type { Hex } from "viem";
import { SettlementError } from "./errors.ts";
import { type KeccakWords, keccakWords } from "./keccak.ts";

export interface MerkleResult {
  /** Root, or the zero hash when there are no leaves. */
  root: Hex;
  /** Proof per account (lower-case address). */
  proofs: Map<string, Hex[]>;
  /** Leaf hash per account. */
  leafHashes: Map<string, Hex>;
  /** Number of leaves. */
  size: number;
}

export const ZERO_ROOT: Hex = `0x${"0".repeat(64)}`;

function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

function badHex(hex: string): never {
  throw new SettlementError("SETTLEMENT_BAD_INPUT", "merkle: bad hex", { details: hex });
}

/** Parses `length` bytes of hex (with or without 0x) into `out` at `offset`. */
function hexToBytesInto(hex: string, out: Uint8Array, offset: number, length: number): void {
  const start = hex.startsWith("0x") ? 2 : 0;
  if (hex.length - start !== length * 2) badHex(hex);
  for (let i = 0; i < length; i++) {
    const hi = nibble(hex.charCodeAt(start + 2 * i));
    const lo = nibble(hex.charCodeAt(start + 2 * i + 1));
    if (hi < 0 || lo < 0) badHex(hex);
    out[offset + i] = (hi << 4) | lo;
  }
}

/** Writes a uint256 big-endian into `out` at `offset` (32 bytes, already zeroed). */
function uint256Into(value: bigint, out: Uint8Array, offset: number): void {
  if (value <= BigInt(Number.MAX_SAFE_INTEGER)) {
    let v = Number(value);
    for (let i = 31; i >= 24 && v > 0; i--) {
      out[offset + i] = v % 256;
      v = Math.floor(v / 256);
    }
    return;
  }
  hexToBytesInto(value.toString(16).padStart(64, "0"), out, offset, 32);
}

/** Lexicographic comparison of two 32-byte nodes in `bytes` (node indices). */
function compareNodes(bytes: Uint8Array, a: number, b: number): number {
  const pa = a * 32;
  const pb = b * 32;
  for (let i = 0; i < 32; i++) {
    const d = (bytes[pa + i] as number) - (bytes[pb + i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Builds the tree over (account, cumulative amount) leaves. Accounts must be
 * distinct; amounts must fit uint256.
 */
export function buildMerkle(entries: Iterable<readonly [string, bigint]>): MerkleResult {
  return buildMerkleWith(keccakWords, entries);
}

/** `buildMerkle` over a given keccak256 of 8 or 16 words (the benchmark compares implementations). */
export function buildMerkleWith(
  keccakWords: KeccakWords,
  entries: Iterable<readonly [string, bigint]>,
): MerkleResult {
  const list = [...entries];
  const n = list.length;
  if (n === 0) return { root: ZERO_ROOT, proofs: new Map(), leafHashes: new Map(), size: 0 };

  // abi.encode(address, uint256): 64 bytes per leaf, hashed twice.
  const encoded = new Uint32Array(16 * n);
  const encBytes = new Uint8Array(encoded.buffer);
  for (let i = 0; i < n; i++) {
    const [account, amount] = list[i] as readonly [string, bigint];
    if (amount < 0n || amount >= 1n << 256n) {
      throw new SettlementError("SETTLEMENT_BAD_INPUT", `merkle: amount out of range for ${account}`);
    }
    hexToBytesInto(account, encBytes, 64 * i + 12, 20);
    uint256Into(amount, encBytes, 64 * i + 32);
  }
  const inner = new Uint32Array(8 * n);
  const leafWords = new Uint32Array(8 * n);
  for (let i = 0; i < n; i++) {
    keccakWords(encoded, 16 * i, 16, inner, 8 * i);
    keccakWords(inner, 8 * i, 8, leafWords, 8 * i);
  }
  const leafBytes = new Uint8Array(leafWords.buffer);

  // Sort leaves by hash (bytes, ascending) as StandardMerkleTree does by default.
  const order = new Uint32Array(n);
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    order[i] = i;
    const p = 32 * i;
    key[i] =
      (leafBytes[p] as number) * 2 ** 40 +
      (leafBytes[p + 1] as number) * 2 ** 32 +
      (leafBytes[p + 2] as number) * 2 ** 24 +
      (leafBytes[p + 3] as number) * 2 ** 16 +
      (leafBytes[p + 4] as number) * 2 ** 8 +
      (leafBytes[p + 5] as number);
  }
  order.sort((a, b) => (key[a] as number) - (key[b] as number) || compareNodes(leafBytes, a, b));

  // Layered array as in OZ makeMerkleTree: tree[len - 1 - i] = sorted leaf i; tree[i] = hash(sort(children)).
  const len = 2 * n - 1;
  const tree = new Uint32Array(8 * len);
  const treeBytes = new Uint8Array(tree.buffer);
  const treeIndexOf = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const leaf = order[i] as number;
    const at = len - 1 - i;
    for (let w = 0; w < 8; w++) tree[8 * at + w] = leafWords[8 * leaf + w] as number;
    treeIndexOf[leaf] = at;
  }
  const pair = new Uint32Array(16);
  for (let i = len - 1 - n; i >= 0; i--) {
    const l = 2 * i + 1;
    const r = 2 * i + 2;
    const leftFirst = compareNodes(treeBytes, l, r) <= 0;
    const first = 8 * (leftFirst ? l : r);
    const second = 8 * (leftFirst ? r : l);
    for (let w = 0; w < 8; w++) {
      pair[w] = tree[first + w] as number;
      pair[8 + w] = tree[second + w] as number;
    }
    keccakWords(pair, 0, 16, tree, 8 * i);
  }

  const buffer = Buffer.from(tree.buffer, tree.byteOffset, tree.byteLength);
  // One hex conversion of the whole tree, then a slice per node.
  const all = buffer.toString("hex");
  const hex = new Array<Hex>(len);
  for (let i = 0; i < len; i++) hex[i] = `0x${all.slice(64 * i, 64 * i + 64)}`;

  const proofs = new Map<string, Hex[]>();
  const leafHashes = new Map<string, Hex>();
  for (let leaf = 0; leaf < n; leaf++) {
    const account = (list[leaf] as readonly [string, bigint])[0].toLowerCase();
    let index = treeIndexOf[leaf] as number;
    leafHashes.set(account, hex[index] as Hex);
    const proof: Hex[] = [];
    while (index > 0) {
      proof.push(hex[index % 2 === 1 ? index + 1 : index - 1] as Hex);
      index = (index - 1) >> 1;
    }
    if (proofs.has(account)) {
      throw new SettlementError("SETTLEMENT_BAD_INPUT", `merkle: duplicate account ${account}`);
    }
    proofs.set(account, proof);
  }
  return { root: hex[0] as Hex, proofs, leafHashes, size: n };
}

/** Recomputes the root from a leaf hash and its proof (as OpenZeppelin's MerkleProof.verify does). */
export function processProof(leaf: Hex, proof: readonly Hex[]): Hex {
  const pair = new Uint32Array(16);
  const pairBytes = new Uint8Array(pair.buffer);
  let current = new Uint8Array(32);
  hexToBytesInto(leaf, current, 0, 32);
  const sibling = new Uint8Array(32);
  for (const p of proof) {
    hexToBytesInto(p, sibling, 0, 32);
    let cmp = 0;
    for (let i = 0; i < 32 && cmp === 0; i++) cmp = (current[i] as number) - (sibling[i] as number);
    pairBytes.set(cmp <= 0 ? current : sibling, 0);
    pairBytes.set(cmp <= 0 ? sibling : current, 32);
    const out = new Uint32Array(8);
    keccakWords(pair, 0, 16, out, 0);
    current = new Uint8Array(out.buffer);
  }
  return `0x${Buffer.from(current).toString("hex")}`;
}
