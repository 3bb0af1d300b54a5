/**
 * Mentions by display name over GraphQL: `@Name` resolves against the signed profiles in force at
 * the post's block time, a shared name goes to its longest holder, the mentioned account is
 * notified once, a later rename changes nothing, a reorg takes the mentions away, and hostile
 * texts stay bounded.
 */
import { describe, expect, it } from "vitest";
import { NO_AVATAR } from "#protocol";
import { seededApiEachTest } from "#test-kit/api.ts";
import { SOCIAL, sign, wallets } from "#test-kit/helpers.ts";
import { chainStore } from "#test-kit/stores.ts";
import type { ChainEvent } from "../store/events.ts";
import { MAX_MENTIONS } from "../store/mentions.ts";

const [alice, bob, carol, dave] = wallets() as [
  ReturnType<typeof wallets>[number],
  ReturnType<typeof wallets>[number],
  ReturnType<typeof wallets>[number],
  ReturnType<typeof wallets>[number],
];
type W = typeof alice;
const NOW = 1_800_000_000;
const BLOCK_TIME = NOW - 100;
const ZERO_HASH = `0x${"0".repeat(64)}`;
const SUBMIT = `mutation($kind: MessageKind!, $message: String!, $signature: String!) { submitMessage(kind: $kind, message: $message, signature: $signature) { seq } }`;
const MENTIONS = `query($id: ID!) { post(id: $id) { text mentions { start length account text } } }`;
const lower = (w: W) => w.address.toLowerCase();

describe("mentions by display name", () => {
  const seeded = seededApiEachTest(alice.address, 1, () => ({ now: () => NOW }));
  const gql = seeded.gql;
  let nonce = 5000n;
  const profile = async (w: W, name: string, timestamp: number) => {
    const s = await sign(w, "Profile", {
      account: w.address,
      name,
      avatar: NO_AVATAR,
      bio: "",
      timestamp: BigInt(timestamp),
      nonce: nonce++,
    });
    const r = await gql(SUBMIT, { kind: s.kind, message: s.json, signature: s.signature });
    expect(r.errors).toBeUndefined();
  };
  /** Applies block `number` (at BLOCK_TIME + number) holding posts `[id, author, text]`. */
  const block = async (number: number, posts: Array<[number, W, string]>) => {
    const hash = `0x${number.toString(16).padStart(64, "0")}`;
    const timestamp = BLOCK_TIME + number;
    await chainStore(seeded.db()).applyBatch({
      blocks: [{ number, hash, parentHash: `0x${(number - 1).toString(16).padStart(64, "0")}`, timestamp }],
      events: posts.map(
        ([id, author, text], i) =>
          ({
            kind: "PostPublished",
            payload: {
              postId: String(id),
              communityId: "1",
              author: lower(author),
              topics: [],
              text,
              contentHash: ZERO_HASH,
              uri: "",
            },
            blockNumber: number,
            blockHash: hash,
            txIndex: 0,
            logIndex: i,
            txHash: `0x${"cd".repeat(32)}`,
            address: SOCIAL,
            timestamp,
          }) as ChainEvent,
      ),
      checkpoint: { blockNumber: number, blockHash: hash, finalizedBlock: 1, headBlock: number },
    });
  };
  const mentionsOf = async (id: number) => {
    const r = await gql(MENTIONS, { id: String(id) });
    expect(r.errors).toBeUndefined();
    return r.data.post.mentions as Array<{ start: number; length: number; account: string; text: string }>;
  };
  const mentionNotes = async (w: W) => {
    const r = await gql(
      `{ notifications(account: "${w.address}", first: 50) { edges { node { kind actor post { id } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    return (
      r.data.notifications.edges as Array<{ node: { kind: string; actor: string; post: { id: string } } }>
    )
      .filter((e) => e.node.kind === "MENTION")
      .map((e) => [e.node.actor, e.node.post.id]);
  };

  it("links @Name to the account holding it at the post's time and notifies it once", async () => {
    await profile(bob, "Grace Hopper", NOW - 1000);
    await profile(carol, "Grace", NOW - 900);
    const text = `thanks @grace hopper and @Grace, again @Grace Hopper! cc @${carol.address}`;
    await block(2, [[2, alice, text]]);
    const found = await mentionsOf(2);
    expect(found.map((m) => [m.text, m.account])).toEqual([
      ["@grace hopper", lower(bob)],
      ["@Grace", lower(carol)],
      ["@Grace Hopper", lower(bob)],
      [`@${carol.address}`, lower(carol)],
    ]);
    for (const m of found) expect(text.slice(m.start, m.start + m.length)).toBe(m.text);
    expect(await mentionNotes(bob)).toEqual([[lower(alice), "2"]]);
    expect(await mentionNotes(carol)).toEqual([[lower(alice), "2"]]);
  });

  it("gives a shared name to the account that has held it longest; a copier gets nothing", async () => {
    await profile(bob, "Ada", NOW - 1000);
    await profile(carol, "ada", NOW - 800);
    await block(2, [[2, alice, "hello @Ada"]]);
    expect((await mentionsOf(2)).map((m) => m.account)).toEqual([lower(bob)]);
    expect(await mentionNotes(carol)).toEqual([]);
    // Bob renames (after block 2's time): post 2 keeps its mention; a new post finds the copier.
    await profile(bob, "Bob", BLOCK_TIME + 2);
    await block(3, [[3, alice, "hello again @Ada"]]);
    expect((await mentionsOf(2)).map((m) => m.account)).toEqual([lower(bob)]);
    expect((await mentionsOf(3)).map((m) => m.account)).toEqual([lower(carol)]);
    // Bob takes the name back: he holds it from now on, after Carol.
    await profile(bob, "Ada", BLOCK_TIME + 3);
    await block(4, [[4, alice, "@Ada once more"]]);
    expect((await mentionsOf(4)).map((m) => m.account)).toEqual([lower(carol)]);
  });

  it("ignores a profile signed after the post's time, and a bio change keeps the holding", async () => {
    await profile(dave, "Dave", NOW - 1000);
    await profile(bob, "Late", BLOCK_TIME + 50);
    await profile(carol, "Dave", NOW - 900);
    await profile(dave, "Dave", NOW - 500);
    await block(2, [[2, alice, "@Late and @Dave"]]);
    expect((await mentionsOf(2)).map((m) => [m.text, m.account])).toEqual([["@Dave", lower(dave)]]);
    expect(await mentionNotes(bob)).toEqual([]);
  });

  it("mentions nobody for an author's own name, e-mail addresses or unknown names", async () => {
    await profile(alice, "Alice", NOW - 1000);
    await profile(bob, "Bob", NOW - 1000);
    await block(2, [[2, alice, "I am @Alice; write to bob@example.org or @Nobody"]]);
    expect((await mentionsOf(2)).map((m) => m.text)).toEqual(["@Alice"]);
    expect(await mentionNotes(alice)).toEqual([]);
    expect(await mentionNotes(bob)).toEqual([]);
  });

  it("takes a reorged post's mentions and their notifications away", async () => {
    await profile(bob, "Bob", NOW - 1000);
    await block(2, [[2, alice, "hi @Bob"]]);
    expect(await mentionNotes(bob)).toEqual([[lower(alice), "2"]]);
    const chain = chainStore(seeded.db());
    const ancestor = await chain.getBlock(1);
    if (!ancestor) throw new Error("the seeded chain has block 1");
    await chain.rollbackTo(ancestor, 2);
    expect(await mentionNotes(bob)).toEqual([]);
    await block(2, [[2, alice, "hi @Bob again"]]);
    expect((await mentionsOf(2)).map((m) => m.text)).toEqual(["@Bob"]);
  });

  it("keeps a hostile text bounded: a thousand @ signs, names at the byte limit", async () => {
    await profile(bob, "b".repeat(50), NOW - 1000);
    await profile(carol, "C", NOW - 1000);
    await block(2, [
      [2, alice, "@".repeat(1000)],
      [3, alice, `@${"b".repeat(50)} @${"b".repeat(51)} ${Array.from({ length: 40 }, () => "@C").join(" ")}`],
    ]);
    expect(await mentionsOf(2)).toEqual([]);
    const found = await mentionsOf(3);
    expect(found).toHaveLength(MAX_MENTIONS);
    expect(found[0]?.account).toBe(lower(bob));
    expect(found.slice(1).every((m) => m.account === lower(carol))).toBe(true);
    expect(await mentionNotes(carol)).toEqual([[lower(alice), "3"]]);
  });
});
