/**
 * The address that signed a 32-byte digest, with libsecp256k1 (the native
 * `secp256k1` bindings, about a tenth of a millisecond) instead of viem's
 * JavaScript curve arithmetic (about 1.5 ms). The signature is read exactly as
 * viem reads it: 65 bytes of hex, r and s in [1, n), v one of 0, 1, 27, 28, and
 * high-s accepted; `recover.test.ts` checks both give the same answer for
 * valid, malformed and high-s signatures. Where the native module cannot be
 * loaded (another platform without a prebuilt binary), viem recovers.
 */
import { createRequire } from "node:module";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { type Address, bytesToHex, type Hex, recoverAddress } from "viem";
import { AmpError } from "#protocol";

interface NativeSecp256k1 {
  ecdsaRecover(signature: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array;
}

/** The native bindings only: the package's own fallback is a slower JavaScript curve. */
function loadNative(): NativeSecp256k1 | null {
  try {
    return createRequire(import.meta.url)("secp256k1/bindings") as NativeSecp256k1;
  } catch {
    return null;
  }
}

const native = loadNative();
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;

/** Whether recovery runs on libsecp256k1 in this process. */
export const nativeRecovery = native !== null;

export type RecoverDigest = (digest: Uint8Array, signature: string) => Promise<Address | null>;

/** viem's recovery: the reference, and the path where the native module is missing. */
export const recoverWithViem: RecoverDigest = async (digest, signature) => {
  try {
    return (
      await recoverAddress({ hash: bytesToHex(digest), signature: signature as Hex })
    ).toLowerCase() as Address;
  } catch {
    return null;
  }
};

/**
 * libsecp256k1's recovery of a signature in the canonical form (0x and 130 hex digits, the only
 * form intake and the verifier pass on), or null when it does not recover, as viem refuses it.
 */
export function recoverNative(digest: Uint8Array, signature: string): Address | null {
  if (!native) throw new AmpError("NATIVE_SECP256K1_MISSING", "native secp256k1 is not loaded");
  if (!SIGNATURE.test(signature)) return null;
  const bytes = Buffer.from(signature.slice(2), "hex");
  const v = bytes[64] as number;
  const recid = v === 0 || v === 27 ? 0 : v === 1 || v === 28 ? 1 : -1;
  if (recid < 0) return null;
  let publicKey: Uint8Array;
  try {
    publicKey = native.ecdsaRecover(bytes.subarray(0, 64), recid, digest, false);
  } catch {
    return null;
  }
  return bytesToHex(keccak_256(publicKey.subarray(1)).subarray(12)) as Address;
}

/**
 * The signer of `digest` (lower case), or null when the signature does not recover. Any other
 * form than the canonical one goes to viem, whose reading of odd-length hex is its own.
 */
export const recoverDigest: RecoverDigest = native
  ? async (digest, signature) =>
      SIGNATURE.test(signature) ? recoverNative(digest, signature) : recoverWithViem(digest, signature)
  : recoverWithViem;
