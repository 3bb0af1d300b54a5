/**
 * keccak256 for the Merkle tree's fixed 32- and 64-byte inputs, from
 * hash-wasm (the fastest of the libraries measured in indexer/bench/merkle.bench.ts).
 * Inputs and outputs are little-endian 32-bit words in place, so the tree
 * keeps its flat buffers; the hasher is created once and re-initialised per hash.
 */
import { createKeccak } from "hash-wasm";
import { SettlementError } from "./errors.ts";

/**
 * keccak256 of `inWords` (8 or 16, i.e. 32 or 64 bytes) little-endian 32-bit
 * words read from `input` at `inOffset`; the 8 digest words go to `out` at
 * `outOffset`. Views over the same buffer as Uint8Array give the byte order.
 */
export type KeccakWords = (
  input: Uint32Array,
  inOffset: number,
  inWords: number,
  out: Uint32Array,
  outOffset: number,
) => void;

const hasher = await createKeccak(256);

function bytesOf(words: Uint32Array, offset: number, count: number): Uint8Array {
  return new Uint8Array(words.buffer, words.byteOffset + 4 * offset, 4 * count);
}

export const keccakWords: KeccakWords = (input, inOffset, inWords, out, outOffset) => {
  if (inWords !== 8 && inWords !== 16) {
    throw new SettlementError("SETTLEMENT_BAD_INPUT", "keccak input must be 8 or 16 words", {
      details: `got ${inWords} words`,
    });
  }
  hasher.init();
  hasher.update(bytesOf(input, inOffset, inWords));
  bytesOf(out, outOffset, 8).set(hasher.digest("binary"));
};

/** keccak256 of a 32- or 64-byte input, as 32 bytes. */
export function keccakSmall(bytes: Uint8Array): Uint8Array {
  if (bytes.length !== 32 && bytes.length !== 64) {
    throw new SettlementError("SETTLEMENT_BAD_INPUT", "keccak input must be 32 or 64 bytes", {
      details: `got ${bytes.length} bytes`,
    });
  }
  const input = new Uint32Array(16);
  new Uint8Array(input.buffer).set(bytes);
  const out = new Uint32Array(8);
  keccakWords(input, 0, bytes.length / 4, out, 0);
  return new Uint8Array(out.buffer);
}
