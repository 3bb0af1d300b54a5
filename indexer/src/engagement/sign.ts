/**
 * Signing a 32-byte digest with libsecp256k1 (the native `secp256k1`
 * bindings, a few hundredths of a millisecond) instead of viem's JavaScript
 * curve arithmetic (about 1.5 ms): the impression key signs one impression per
 * amplified stream item, on the thread that answers requests. Both use the
 * RFC 6979 nonce and normalise s to the lower half, so the signature is the
 * same bytes viem writes (r, s, then v as 27 or 28); `sign.test.ts` checks it.
 * Where the native module cannot be loaded, viem signs.
 */
import { createRequire } from "node:module";
import { bytesToHex, type Hex, hexToBytes } from "viem";
import { sign } from "viem/accounts";

interface NativeSigner {
  ecdsaSign(msg32: Uint8Array, seckey: Uint8Array): { signature: Uint8Array; recid: number };
}

function loadNative(): NativeSigner | null {
  try {
    return createRequire(import.meta.url)("secp256k1/bindings") as NativeSigner;
  } catch {
    return null;
  }
}

const native = loadNative();

/** Whether signing runs on libsecp256k1 in this process. */
export const nativeSigning = native !== null;

export type SignDigest = (digest: Uint8Array) => Promise<Hex>;

/** A signer of digests for one private key: 65 bytes of hex, lower case, v as 27 or 28. */
export function digestSigner(privateKey: Hex): SignDigest {
  if (!native) {
    return async (digest) =>
      (await sign({ hash: bytesToHex(digest), privateKey, to: "hex" })).toLowerCase() as Hex;
  }
  const key = hexToBytes(privateKey);
  return async (digest) => {
    const { signature, recid } = native.ecdsaSign(digest, key);
    const out = new Uint8Array(65);
    out.set(signature, 0);
    out[64] = 27 + recid;
    return bytesToHex(out);
  };
}
