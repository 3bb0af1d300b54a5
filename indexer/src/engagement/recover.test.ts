import fc from "fast-check";
import { bytesToHex, type Hex, hashTypedData, hexToBytes } from "viem";
import { privateKeyToAccount, sign } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { engagementDomain, engagementTypes, type MessageKind } from "#protocol";
import { SOCIAL } from "#test-kit/helpers.ts";
import { nativeRecovery, recoverDigest, recoverNative, recoverWithViem } from "./recover.ts";
import { createEngagementHasher } from "./typed-hash.ts";

/** The curve order n of secp256k1. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const word = (n: bigint) => n.toString(16).padStart(64, "0");

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const privateKey = bytes32
  .map((b) => BigInt(bytesToHex(b)))
  .filter((k) => k > 0n && k < N)
  .map((k) => `0x${word(k)}` as Hex);

const CANONICAL = /^0x[0-9a-fA-F]{130}$/;

/** Native and viem agree on `signature` over `digest`; returns what they found. */
async function agree(digest: Uint8Array, signature: string) {
  const fromViem = await recoverWithViem(digest, signature);
  // Native recovery reads the canonical form only (the only one intake passes on); others are refused.
  expect(recoverNative(digest, signature)).toBe(CANONICAL.test(signature) ? fromViem : null);
  expect(await recoverDigest(digest, signature)).toBe(fromViem);
  return fromViem;
}

describe("native signer recovery", () => {
  it("is loaded on this platform (a silent fallback would hide a slow intake)", () => {
    expect(nativeRecovery).toBe(true);
  });

  it("recovers the signer of valid signatures, as viem does, in both v encodings", async () => {
    await fc.assert(
      fc.asyncProperty(privateKey, bytes32, async (key, digest) => {
        const signature = await sign({ hash: bytesToHex(digest), privateKey: key, to: "hex" });
        const signer = privateKeyToAccount(key).address.toLowerCase();
        expect(await agree(digest, signature)).toBe(signer);
        // The same signature with v as 0/1 instead of 27/28.
        const v = Number.parseInt(signature.slice(130), 16) - 27;
        expect(await agree(digest, `${signature.slice(0, 130)}0${v}`)).toBe(signer);
      }),
      { numRuns: 60 },
    );
  });

  it("treats a high-s signature (n - s, v flipped) as viem does", async () => {
    await fc.assert(
      fc.asyncProperty(privateKey, bytes32, async (key, digest) => {
        const signature = await sign({ hash: bytesToHex(digest), privateKey: key, to: "hex" });
        const s = BigInt(`0x${signature.slice(66, 130)}`);
        const v = Number.parseInt(signature.slice(130), 16) === 27 ? "1c" : "1b";
        const high = `${signature.slice(0, 66)}${word(N - s)}${v}`;
        expect(await agree(digest, high)).toBe(await recoverWithViem(digest, high));
      }),
      { numRuns: 40 },
    );
  });

  it("refuses what viem refuses: v out of range, r or s out of [1, n), bad length, random bytes", async () => {
    await fc.assert(
      fc.asyncProperty(
        bytes32,
        fc.uint8Array({ minLength: 65, maxLength: 65 }),
        fc.integer({ min: 0, max: 255 }),
        async (digest, raw, v) => {
          const hex = bytesToHex(raw).slice(2);
          const r = hex.slice(0, 64);
          const s = hex.slice(64, 128);
          const vHex = v.toString(16).padStart(2, "0");
          for (const signature of [
            `0x${hex}`,
            `0x${r}${s}${vHex}`,
            `0x${word(0n)}${s}1b`,
            `0x${r}${word(0n)}1c`,
            `0x${word(N)}${s}1b`,
            `0x${r}${word(N + 1n)}1b`,
            `0x${hex.slice(0, 128)}`,
            `0x${hex}00`,
            `0x${hex.slice(0, 129)}`,
          ]) {
            await agree(digest, signature);
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});

const domain = engagementDomain(31337, SOCIAL);
const hasher = createEngagementHasher(domain);
const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => bytesToHex(b));
const uint = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });
const anyValue = fc.oneof(
  fc.string(),
  fc.bigInt(),
  fc.integer(),
  fc.boolean(),
  fc.constant(undefined),
  fc.constant("0xAbCdEf0123456789aBcDeF0123456789AbCdEf01"),
);
/** A value of the field's type, or sometimes one that is not (the encoder must then defer to viem). */
const fieldValue = (type: string): fc.Arbitrary<unknown> => {
  const plain: fc.Arbitrary<unknown> = type.endsWith("[]")
    ? fc.array(fieldValue(type.slice(0, -2)), { maxLength: 4 })
    : type === "address"
      ? address
      : type === "bool"
        ? fc.boolean()
        : type === "string"
          ? fc.string({ unit: "binary", maxLength: 40 })
          : type === "bytes32"
            ? fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex(b))
            : uint(Number(type.slice(4)));
  return fc.oneof({ weight: 12, arbitrary: plain }, { weight: 1, arbitrary: anyValue });
};
const message = (kind: MessageKind) =>
  fc.record(
    Object.fromEntries(engagementTypes[kind].map((f) => [f.name, fieldValue(f.type)])) as Record<
      string,
      fc.Arbitrary<unknown>
    >,
  );

describe("engagement digests", () => {
  const kinds = Object.keys(engagementTypes) as MessageKind[];
  it.each(kinds)("%s: the same digest as viem's hashTypedData, or the same refusal", (kind) => {
    fc.assert(
      fc.property(message(kind), (m) => {
        let expected: Hex | Error;
        try {
          expected = hashTypedData({
            domain,
            types: engagementTypes,
            primaryType: kind,
            message: m as never,
          });
        } catch (error) {
          expected = error as Error;
        }
        if (expected instanceof Error) expect(() => hasher(kind, m as never)).toThrow();
        else expect(bytesToHex(hasher(kind, m as never))).toBe(expected);
      }),
      { numRuns: 150 },
    );
  });

  it("signs and recovers end to end: a wallet's typed-data signature recovers to the wallet", async () => {
    const key = `0x${"11".repeat(32)}` as Hex;
    const wallet = privateKeyToAccount(key);
    const like = { account: wallet.address, postId: 7n, timestamp: 1_700_000_000n, nonce: 3n };
    const signature = await wallet.signTypedData({
      domain,
      types: engagementTypes,
      primaryType: "Like",
      message: like,
    });
    const lower = { ...like, account: wallet.address.toLowerCase() as Hex };
    expect(await recoverDigest(hasher("Like", lower), signature)).toBe(wallet.address.toLowerCase());
    expect(hexToBytes(signature)).toHaveLength(65);
  });
});
