import fc from "fast-check";
import { bytesToHex, type Hex } from "viem";
import { privateKeyToAccount, sign } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { engagementDomain, engagementTypes, type ImpressionMessage } from "#protocol";
import { SOCIAL } from "#test-kit/helpers.ts";
import { recoverDigest } from "./recover.ts";
import { digestSigner, nativeSigning } from "./sign.ts";
import { createEngagementHasher } from "./typed-hash.ts";

/** The curve order n of secp256k1. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const privateKey = bytes32
  .map((b) => BigInt(bytesToHex(b)))
  .filter((k) => k > 0n && k < N)
  .map((k) => `0x${k.toString(16).padStart(64, "0")}` as Hex);

describe("native digest signer", () => {
  it("is loaded on this platform (a silent fallback would slow every served impression)", () => {
    expect(nativeSigning).toBe(true);
  });

  it("writes the bytes viem writes for any key and digest, and the signer recovers", async () => {
    await fc.assert(
      fc.asyncProperty(privateKey, bytes32, async (key, digest) => {
        const signature = await digestSigner(key)(digest);
        expect(signature).toBe(
          (await sign({ hash: bytesToHex(digest), privateKey: key, to: "hex" })).toLowerCase(),
        );
        expect(await recoverDigest(digest, signature)).toBe(privateKeyToAccount(key).address.toLowerCase());
      }),
      { numRuns: 100 },
    );
  });

  it("signs an impression's EIP-712 digest as viem's signTypedData does", async () => {
    const key: Hex = `0x${"42".repeat(32)}`;
    const signer = privateKeyToAccount(key);
    const domain = engagementDomain(31337, SOCIAL);
    const message: ImpressionMessage = {
      account: signer.address.toLowerCase() as `0x${string}`,
      viewer: `0x${"ab".repeat(20)}`,
      campaignId: 7n,
      postId: 12n,
      price: 10n ** 18n,
      policySeq: 3n,
      expiresAt: 1_750_003_600n,
      timestamp: 1_750_000_000n,
      nonce: 99n,
    };
    const digest = createEngagementHasher(domain)("Impression", message);
    const viaViem = await signer.signTypedData({
      domain,
      types: engagementTypes,
      primaryType: "Impression",
      message,
    });
    expect(await digestSigner(key)(digest)).toBe(viaViem.toLowerCase());
  });
});
