import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import fc from "fast-check";
import { bytesToHex, keccak256 } from "viem";
import { describe, expect, it } from "vitest";
import { account } from "../attention/fixtures.ts";
import { keccakSmall, keccakWords } from "./keccak.ts";
import { buildMerkle, processProof, ZERO_ROOT } from "./merkle.ts";

describe("keccak", () => {
  it("matches viem's keccak256 on 32- and 64-byte inputs (bytes and in-place words)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ minLength: 32, maxLength: 32 }),
          fc.uint8Array({ minLength: 64, maxLength: 64 }),
        ),
        (b) => {
          expect(bytesToHex(keccakSmall(b))).toBe(keccak256(b));
          const input = new Uint32Array(16);
          new Uint8Array(input.buffer).set(b);
          const out = new Uint32Array(8);
          keccakWords(input, 0, b.length / 4, out, 0);
          expect(bytesToHex(new Uint8Array(out.buffer))).toBe(keccak256(b));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("merkle tree", () => {
  it("has the same root and proofs as @openzeppelin/merkle-tree", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), { minLength: 40, maxLength: 40 }),
        (ids, amounts) => {
          const values: [string, bigint][] = ids.map((id, i) => [account(id), amounts[i] as bigint]);
          const oz = StandardMerkleTree.of(values, ["address", "uint256"]);
          const ours = buildMerkle(values);
          expect(ours.root).toBe(oz.root);
          for (const [i, v] of oz.entries()) {
            const proof = ours.proofs.get((v[0] as string).toLowerCase());
            expect(proof).toEqual(oz.getProof(i));
            expect(
              processProof(ours.leafHashes.get((v[0] as string).toLowerCase()) as `0x${string}`, proof ?? []),
            ).toBe(oz.root);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("matches on 1,000 leaves and handles an empty set", () => {
    const values: [string, bigint][] = Array.from({ length: 1000 }, (_, i) => [
      account(i * 7),
      BigInt(i) * 10n ** 15n,
    ]);
    const oz = StandardMerkleTree.of(values, ["address", "uint256"]);
    const ours = buildMerkle(values);
    expect(ours.root).toBe(oz.root);
    expect(ours.proofs.get(account(700).toLowerCase())).toEqual(
      oz.getProof([account(700), 100n * 10n ** 15n]),
    );
    expect(buildMerkle([]).root).toBe(ZERO_ROOT);
  });
});
