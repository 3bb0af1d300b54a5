import { sha256 } from "viem";
import { describe, expect, it } from "vitest";
import { AmpError } from "./errors.ts";
import { mediaCommitment, mediaHash, postMediaHashes } from "./media.ts";

const a = mediaHash(new TextEncoder().encode("first image"));
const b = mediaHash(new TextEncoder().encode("second image"));

describe("how a post commits to its images", () => {
  it("hashes the images' hashes in order and names them in the uri", () => {
    const c = mediaCommitment([a, b]);
    expect(c.uri).toBe(`amp-media:${a},${b}`);
    expect(c.contentHash).toBe(sha256(`0x${a}${b}`));
    expect(postMediaHashes(c.uri, c.contentHash)).toEqual([a, b]);
    expect(postMediaHashes(c.uri, c.contentHash.toUpperCase().replace("0X", "0x"))).toEqual([a, b]);
  });

  it("shows nothing when the uri and the hash disagree or the uri is not a media list", () => {
    const c = mediaCommitment([a, b]);
    expect(postMediaHashes(`amp-media:${b},${a}`, c.contentHash)).toEqual([]);
    expect(postMediaHashes(`amp-media:${a}`, c.contentHash)).toEqual([]);
    expect(postMediaHashes(`amp-media:${a},${b},`, c.contentHash)).toEqual([]);
    expect(postMediaHashes(`amp-media:${a.toUpperCase()},${b}`, c.contentHash)).toEqual([]);
    expect(postMediaHashes("ipfs://whatever", c.contentHash)).toEqual([]);
    expect(postMediaHashes(`amp-media:${Array(5).fill(a).join(",")}`, c.contentHash)).toEqual([]);
  });

  it("refuses no images, more than four, or something that is not a hash", () => {
    for (const bad of [[], [a, a, a, a, a], ["nope"], [`0x${a}`]]) {
      expect(() => mediaCommitment(bad)).toThrow(AmpError);
    }
  });
});
