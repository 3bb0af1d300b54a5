/**
 * Images in posts and profiles. An image is named by the sha256 of its bytes (lowercase hex,
 * no 0x). A post carries images through the two off-chain fields of `AMPSocial.publish`:
 *
 *   uri         = "amp-media:" + the images' hashes, in order, joined by ","
 *   contentHash = sha256(the images' 32-byte hashes concatenated, in the same order)
 *
 * so the chain commits to exactly which bytes the post shows; an indexer serves an image only
 * under the hash of its bytes, and a post whose uri does not match its contentHash shows none.
 */
import { hexToBytes, sha256 } from "viem";
import { AmpError } from "./errors.ts";

export const MEDIA_URI_PREFIX = "amp-media:";

export const MEDIA_LIMITS = {
  /** Largest accepted image, in bytes. */
  maxBytes: 5 * 1024 * 1024,
  /** Largest width and height, in pixels. */
  maxDimension: 8192,
  /** Images per post. */
  maxPerPost: 4,
} as const;

/** Accepted image types, sniffed from the bytes. */
export const MEDIA_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif"] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

const HASH = /^[0-9a-f]{64}$/;

export function isMediaHash(value: string): boolean {
  return HASH.test(value);
}

/** The sha256 of bytes as a media hash (64 lowercase hex digits). */
export function mediaHash(bytes: Uint8Array): string {
  return sha256(bytes).slice(2);
}

/** The `uri` and `contentHash` a post with these images publishes. */
export function mediaCommitment(hashes: readonly string[]): { uri: string; contentHash: `0x${string}` } {
  if (hashes.length === 0 || hashes.length > MEDIA_LIMITS.maxPerPost) {
    throw new AmpError(
      "BAD_MEDIA",
      `a post carries 1..${MEDIA_LIMITS.maxPerPost} images, got ${hashes.length}`,
    );
  }
  const joined = new Uint8Array(32 * hashes.length);
  hashes.forEach((h, i) => {
    if (!isMediaHash(h)) throw new AmpError("BAD_MEDIA", `not a media hash: ${h.slice(0, 70)}`);
    joined.set(hexToBytes(`0x${h}`), 32 * i);
  });
  return { uri: `${MEDIA_URI_PREFIX}${hashes.join(",")}`, contentHash: sha256(joined) };
}

/**
 * The images a post commits to: the hashes in its `uri` when its `contentHash` matches them,
 * otherwise (no media uri, malformed, or a commitment that does not match) none.
 */
export function postMediaHashes(uri: string, contentHash: string): string[] {
  if (!uri.startsWith(MEDIA_URI_PREFIX)) return [];
  const hashes = uri.slice(MEDIA_URI_PREFIX.length).split(",");
  if (hashes.length > MEDIA_LIMITS.maxPerPost || !hashes.every(isMediaHash)) return [];
  return mediaCommitment(hashes).contentHash === contentHash.toLowerCase() ? hashes : [];
}
