import { describe, expect, it } from "vitest";
import { canonicalMessage, decodeMessage, MessageDecodeError } from "./message-codec.ts";
import { encodeMessage, type MessageByKind, type MessageKind } from "./messages.ts";

const a = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const b = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const base = { account: a, timestamp: 1_800_000_000n, nonce: 2n ** 200n } as const;
const samples: { [K in MessageKind]: MessageByKind[K] } = {
  Delegation: { ...base, sessionKey: b, expiresAt: 1_800_003_600n },
  RevokeDelegation: { ...base, sessionKey: b },
  Follow: { ...base, target: b, follow: false },
  View: { ...base, postId: 7n, dwellMs: 4_294_967_295, campaignId: 0n },
  Like: { ...base, postId: 1n },
  Comment: { ...base, postId: 1n, text: "naïve 0xABC — ok" },
  Share: { ...base, postId: 3n },
  Impression: {
    ...base,
    viewer: b,
    campaignId: 4n,
    postId: 3n,
    price: 10n ** 18n,
    policySeq: 12n,
    expiresAt: 1_800_003_600n,
  },
  Policy: { ...base, mode: 3, communities: [1n, 2n], topics: ["Eth", "défi"], blockedPromoters: [b] },
  Unlike: { ...base, postId: 1n },
  NotificationsRead: { ...base, readUntil: 1_800_000_000n },
  Profile: { ...base, name: "Zoë ✓", avatar: `0x${"ab".repeat(32)}`, bio: "builds things\nin Lisbon" },
  Membership: { ...base, communityId: 2n ** 255n, member: true },
  DeletePost: { ...base, postId: 7n },
};

describe("message wire form", () => {
  it("decodes what it encodes, for every kind", () => {
    for (const [kind, message] of Object.entries(samples) as [MessageKind, MessageByKind[MessageKind]][]) {
      expect(decodeMessage(kind, encodeMessage(message)), kind).toEqual(message);
      expect(decodeMessage(kind, canonicalMessage(kind, message)), kind).toEqual(message);
    }
  });

  it("lowercases addresses and orders fields canonically", () => {
    const mixed = encodeMessage({
      postId: 1n,
      nonce: 1n,
      timestamp: 5n,
      account: a.toUpperCase().replace("0X", "0x"),
    });
    expect(canonicalMessage("Like", decodeMessage("Like", mixed))).toBe(
      `{"account":"${a}","postId":"1","timestamp":"5","nonce":"1"}`,
    );
  });

  it("rejects out-of-range and malformed fields", () => {
    const bad = [
      ["View", { ...samples.View, dwellMs: 4_294_967_296 }],
      ["Like", { ...samples.Like, postId: "01" }],
      ["Like", { ...samples.Like, account: "0x123" }],
      ["Comment", { ...samples.Comment, text: "" }],
      ["Policy", { ...samples.Policy, mode: 5 }],
      ["Policy", { ...samples.Policy, topics: ["x".repeat(33)] }],
      ["Follow", { ...samples.Follow, follow: "yes" }],
      ["Profile", { ...samples.Profile, name: "x".repeat(51) }],
      ["Profile", { ...samples.Profile, name: "two\nlines" }],
      ["Profile", { ...samples.Profile, bio: "é".repeat(151) }],
      ["Profile", { ...samples.Profile, avatar: "0x1234" }],
      ["Profile", { ...samples.Profile, avatar: `0x${"zz".repeat(32)}` }],
    ] as const;
    for (const [kind, message] of bad) {
      expect(() => decodeMessage(kind, encodeMessage(message)), encodeMessage(message).slice(0, 60)).toThrow(
        MessageDecodeError,
      );
    }
  });
});
