import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, keccak256, toHex, zeroAddress } from "viem";
import { deployFixture, mined, now, ZERO_HASH } from "./fixture.ts";

describe("AMPSocial", () => {
  describe("communities", () => {
    it("test_createCommunity: ids from 1, event carries name and description, founder stored", async () => {
      const f = await deployFixture();
      assert.equal(await f.social.read.communityCount(), 0n);
      await f.viem.assertions.emitWithArgs(
        f.social.write.createCommunity(["rust", "systems programming"], { account: f.alice.account }),
        f.social,
        "CommunityCreated",
        [1n, f.alice.account.address, "rust", "systems programming"],
      );
      await f.social.write.createCommunity(["art", ""], { account: f.bob.account });
      assert.equal(await f.social.read.communityCount(), 2n);
      const [founder, createdAt, moderators] = await f.social.read.communities([1n]);
      assert.equal(founder, getAddress(f.alice.account.address));
      assert.ok(createdAt > 0n && createdAt <= (await now(f)));
      assert.equal(moderators, 0);
      assert.equal((await f.social.read.communities([2n]))[0], getAddress(f.bob.account.address));
      assert.equal((await f.social.read.communities([3n]))[0], zeroAddress);
    });

    it("test_createCommunity_revertsForBadNameOrDescription", async () => {
      const f = await deployFixture();
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.social.write.createCommunity(["", "x"]),
        f.social,
        "AMPSocialInvalidName",
        [0n, 64n],
      );
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.social.write.createCommunity(["n".repeat(65), "x"]),
        f.social,
        "AMPSocialInvalidName",
        [65n, 64n],
      );
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.social.write.createCommunity(["ok", "d".repeat(1001)]),
        f.social,
        "AMPSocialDescriptionTooLong",
        [1001n, 1000n],
      );
      await mined(f, f.social.write.createCommunity(["n".repeat(64), "d".repeat(1000)]));
    });

    it("test_moderators: founder adds and removes; events; counts", async () => {
      const f = await deployFixture();
      await f.social.write.createCommunity(["rust", ""], { account: f.alice.account });
      await f.viem.assertions.emitWithArgs(
        f.social.write.addModerator([1n, f.bob.account.address], { account: f.alice.account }),
        f.social,
        "ModeratorAdded",
        [1n, f.bob.account.address],
      );
      await f.social.write.addModerator([1n, f.carol.account.address], { account: f.alice.account });
      assert.equal(await f.social.read.isModerator([1n, f.bob.account.address]), true);
      assert.equal((await f.social.read.communities([1n]))[2], 2);
      await f.viem.assertions.emitWithArgs(
        f.social.write.removeModerator([1n, f.bob.account.address], { account: f.alice.account }),
        f.social,
        "ModeratorRemoved",
        [1n, f.bob.account.address],
      );
      assert.equal(await f.social.read.isModerator([1n, f.bob.account.address]), false);
      assert.equal((await f.social.read.communities([1n]))[2], 1);
    });

    it("test_moderators_revertPaths", async () => {
      const f = await deployFixture();
      await f.social.write.createCommunity(["rust", ""], { account: f.alice.account });
      const bob = f.bob.account.address;
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.social.write.addModerator([1n, bob], { account: f.bob.account }),
        f.social,
        "AMPSocialNotFounder",
        [1n, bob],
      );
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.social.write.removeModerator([1n, bob], { account: f.bob.account }),
        f.social,
        "AMPSocialNotFounder",
        [1n, bob],
      );
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.social.write.addModerator([2n, bob], { account: f.alice.account }),
        f.social,
        "AMPSocialUnknownCommunity",
        [2n],
      );
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.social.write.addModerator([1n, zeroAddress], { account: f.alice.account }),
        f.social,
        "AMPSocialInvalidModerator",
        [zeroAddress],
      );
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.social.write.removeModerator([1n, bob], { account: f.alice.account }),
        f.social,
        "AMPSocialNotModerator",
        [1n, bob],
      );
      await f.social.write.addModerator([1n, bob], { account: f.alice.account });
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.social.write.addModerator([1n, bob], { account: f.alice.account }),
        f.social,
        "AMPSocialAlreadyModerator",
        [1n, bob],
      );
    });
  });

  describe("posts", () => {
    async function withCommunity() {
      const f = await deployFixture();
      await f.social.write.createCommunity(["rust", ""], { account: f.alice.account });
      return f;
    }

    it("test_publish: ids from 1, event carries everything, author and community stored", async () => {
      const f = await withCommunity();
      const hash = keccak256(toHex("ipfs content"));
      await f.viem.assertions.emitWithArgs(
        f.social.write.publish([1n, ["rust", "async"], "hello world", hash, "ipfs://cid"], {
          account: f.bob.account,
        }),
        f.social,
        "PostPublished",
        [1n, 1n, f.bob.account.address, ["rust", "async"], "hello world", hash, "ipfs://cid"],
      );
      assert.equal(await f.social.read.postCount(), 1n);
      assert.deepEqual(await f.social.read.posts([1n]), [getAddress(f.bob.account.address), 1n]);
      assert.deepEqual(await f.social.read.posts([2n]), [zeroAddress, 0n]);
      // Text only, and content hash only, are both fine.
      await mined(f, f.social.write.publish([1n, [], "text only", ZERO_HASH, ""]));
      await mined(f, f.social.write.publish([1n, [], "", hash, "https://example.org/p"]));
      assert.equal(await f.social.read.postCount(), 3n);
    });

    it("test_publish_boundsAccepted: 1000-byte text, five 32-byte topics", async () => {
      const f = await withCommunity();
      const topics = ["a", "b", "c", "d", "e"].map((c) => c.repeat(32));
      await mined(f, f.social.write.publish([1n, topics, "é".repeat(500), ZERO_HASH, "u".repeat(2048)]));
      assert.equal(await f.social.read.MAX_TEXT_BYTES(), 1000n);
      assert.equal(await f.social.read.MAX_TOPICS(), 5n);
      assert.equal(await f.social.read.MAX_TOPIC_BYTES(), 32n);
    });

    it("test_publish_revertPaths", async () => {
      const f = await withCommunity();
      const post = (args: Parameters<typeof f.social.write.publish>[0]) => f.social.write.publish(args);
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        post([0n, [], "x", ZERO_HASH, ""]),
        f.social,
        "AMPSocialUnknownCommunity",
        [0n],
      );
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        post([2n, [], "x", ZERO_HASH, ""]),
        f.social,
        "AMPSocialUnknownCommunity",
        [2n],
      );
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        post([1n, ["a", "b", "c", "d", "e", "f"], "x", ZERO_HASH, ""]),
        f.social,
        "AMPSocialTooManyTopics",
        [6n, 5n],
      );
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        post([1n, ["ok", ""], "x", ZERO_HASH, ""]),
        f.social,
        "AMPSocialInvalidTopic",
        [1n, 0n, 32n],
      );
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        post([1n, ["t".repeat(33)], "x", ZERO_HASH, ""]),
        f.social,
        "AMPSocialInvalidTopic",
        [0n, 33n, 32n],
      );
      // Length is in bytes: 501 two-byte characters are 1002 bytes.
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        post([1n, [], "é".repeat(501), ZERO_HASH, ""]),
        f.social,
        "AMPSocialTextTooLong",
        [1002n, 1000n],
      );
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        post([1n, [], "", ZERO_HASH, "ipfs://x"]),
        f.social,
        "AMPSocialEmptyPost",
        [],
      );
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        post([1n, [], "x", ZERO_HASH, "u".repeat(2049)]),
        f.social,
        "AMPSocialUriTooLong",
        [2049n, 2048n],
      );
      assert.equal(await f.social.read.postCount(), 0n);
    });
  });

  describe("replies and quotes", () => {
    async function withPost() {
      const f = await deployFixture();
      await f.social.write.createCommunity(["rust", ""], { account: f.alice.account });
      await f.social.write.createCommunity(["art", ""], { account: f.alice.account });
      await mined(f, f.social.write.publish([1n, [], "root", ZERO_HASH, ""], { account: f.alice.account }));
      return f;
    }

    it("test_reply: a post in the parent's community, then PostReplied; replies to replies", async () => {
      const f = await withPost();
      await f.viem.assertions.emitWithArgs(
        f.social.write.reply([1n, ["q"], "a reply", ZERO_HASH, ""], { account: f.bob.account }),
        f.social,
        "PostPublished",
        [2n, 1n, f.bob.account.address, ["q"], "a reply", ZERO_HASH, ""],
      );
      await f.viem.assertions.emitWithArgs(
        f.social.write.reply([2n, [], "a reply to the reply", ZERO_HASH, ""], { account: f.carol.account }),
        f.social,
        "PostReplied",
        [3n, 2n],
      );
      assert.deepEqual(await f.social.read.posts([3n]), [getAddress(f.carol.account.address), 1n]);
      assert.equal(await f.social.read.postCount(), 3n);
    });

    it("test_quote: a post in any community, then PostQuoted", async () => {
      const f = await withPost();
      await f.viem.assertions.emitWithArgs(
        f.social.write.quote([1n, 2n, [], "look at this", ZERO_HASH, ""], { account: f.bob.account }),
        f.social,
        "PostQuoted",
        [2n, 1n],
      );
      assert.deepEqual(await f.social.read.posts([2n]), [getAddress(f.bob.account.address), 2n]);
    });

    it("test_reply_revertsForUnknownParent", async () => {
      const f = await withPost();
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.social.write.reply([2n, [], "x", ZERO_HASH, ""]),
        f.social,
        "AMPSocialUnknownPost",
        [2n],
      );
    });

    it("test_reply_revertsForEmptyContent", async () => {
      const f = await withPost();
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.social.write.reply([1n, [], "", ZERO_HASH, ""]),
        f.social,
        "AMPSocialEmptyPost",
        [],
      );
    });

    it("test_quote_revertsForUnknownQuotedPost", async () => {
      const f = await withPost();
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.social.write.quote([0n, 1n, [], "x", ZERO_HASH, ""]),
        f.social,
        "AMPSocialUnknownPost",
        [0n],
      );
    });

    it("test_quote_revertsForUnknownCommunity", async () => {
      const f = await withPost();
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.social.write.quote([1n, 3n, [], "x", ZERO_HASH, ""]),
        f.social,
        "AMPSocialUnknownCommunity",
        [3n],
      );
      assert.equal(await f.social.read.postCount(), 1n);
    });
  });
});
