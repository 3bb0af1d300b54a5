/**
 * Deleting a post over GraphQL: only its author can (a DeletePost message), once; the post is
 * then hidden from `post`, `posts`, threads, quotes, search and notifications, new likes,
 * comments and reposts of it are refused, and the chain's record (the PostPublished event)
 * stays in the store as it was.
 */
import { describe, expect, it } from "vitest";
import type { MessageByKind, MessageKind } from "#protocol";
import { seededApiEachTest } from "#test-kit/api.ts";
import { SOCIAL, sign, wallets } from "#test-kit/helpers.ts";
import { chainStore } from "#test-kit/stores.ts";
import type { ChainEvent } from "../store/events.ts";

const [alice, bob] = wallets() as [ReturnType<typeof wallets>[number], ReturnType<typeof wallets>[number]];
type W = typeof alice;
const NOW = 1_800_000_000;
const SUBMIT = `mutation($kind: MessageKind!, $message: String!, $signature: String!) { submitMessage(kind: $kind, message: $message, signature: $signature) { seq } }`;

describe("deleting a post", () => {
  // Alice wrote posts 1..3 (seeded); Bob replies to post 1 with post 4 and quotes it with post 5.
  const seeded = seededApiEachTest(alice.address, 3, async (db) => {
    const hash = `0x${"2".repeat(64)}`;
    let logIndex = 100;
    const at = (kind: ChainEvent["kind"], payload: Record<string, unknown>) =>
      ({
        kind,
        payload,
        blockNumber: 2,
        blockHash: hash,
        txIndex: 0,
        logIndex: logIndex++,
        txHash: `0x${"cd".repeat(32)}`,
        address: SOCIAL,
        timestamp: NOW - 100,
      }) as ChainEvent;
    const post = (id: number, text: string) =>
      at("PostPublished", {
        postId: String(id),
        communityId: "1",
        author: bob.address.toLowerCase(),
        topics: [],
        text,
        contentHash: `0x${"0".repeat(64)}`,
        uri: "",
      });
    await chainStore(db).applyBatch({
      blocks: [{ number: 2, hash, parentHash: `0x${"1".padStart(64, "0")}`, timestamp: NOW - 100 }],
      events: [
        post(4, "zebra reply from bob"),
        at("PostReplied", { postId: "4", parentId: "1" }),
        post(5, "zebra quote from bob"),
        at("PostQuoted", { postId: "5", quotedId: "1" }),
      ],
      checkpoint: { blockNumber: 2, blockHash: hash, finalizedBlock: 1, headBlock: 2 },
    });
    return { now: () => NOW };
  });
  const gql = seeded.gql;
  let nonce = 9000n;
  const submit = async <K extends MessageKind>(
    w: W,
    kind: K,
    fields: Omit<MessageByKind[K], "account" | "timestamp" | "nonce">,
  ) => {
    const s = await sign(w, kind, {
      account: w.address,
      ...fields,
      timestamp: BigInt(NOW),
      nonce: nonce++,
    } as MessageByKind[K]);
    return gql(SUBMIT, { kind: s.kind, message: s.json, signature: s.signature });
  };
  const code = async (r: ReturnType<typeof gql>) => (await r).errors?.[0]?.extensions?.code;
  const ids = (edges: Array<{ node: { id: string } }>) => edges.map((e) => e.node.id);

  it("hides the author's deleted post from every query and keeps the chain's record", async () => {
    expect((await submit(bob, "Like", { postId: 4n })).errors).toBeUndefined();
    expect((await submit(bob, "DeletePost", { postId: 4n })).errors).toBeUndefined();
    expect((await submit(bob, "DeletePost", { postId: 5n })).errors).toBeUndefined();
    const r = await gql(`{
      deleted: post(id: "4") { id }
      kept: post(id: "1") { replyCount quoteCount replies { edges { node { id } } }
        thread { edges { node { id } } } quotes { edges { node { id } } } }
      posts(first: 20) { edges { node { id } } }
      bobs: posts(author: "${bob.address}") { edges { node { id } } }
      search(query: "zebra") { edges { node { post { id } } } }
      notifications(account: "${alice.address}") { edges { node { kind post { id } } } }
    }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.deleted).toBeNull();
    expect(r.data.kept).toEqual({
      replyCount: 0,
      quoteCount: 0,
      replies: { edges: [] },
      thread: { edges: [] },
      quotes: { edges: [] },
    });
    expect(ids(r.data.posts.edges)).toEqual(["3", "2", "1"]);
    expect(r.data.bobs.edges).toEqual([]);
    expect(r.data.search.edges).toEqual([]);
    // The reply's and quote's notifications stay, without the hidden post.
    expect(r.data.notifications.edges.map((e: { node: { kind: string; post: unknown } }) => e.node)).toEqual([
      { kind: "QUOTE", post: null },
      { kind: "REPLY", post: null },
    ]);
    const onChain = seeded
      .db()
      .prepare(
        "SELECT count(*) AS n FROM chain_events WHERE kind = 'PostPublished' AND json_extract(payload, '$.postId') = '4'",
      )
      .get() as { n: number };
    expect(onChain.n).toBe(1);
  });

  it("lets only the author delete, once, and refuses engagement with a deleted post", async () => {
    expect(await code(submit(alice, "DeletePost", { postId: 4n }))).toBe("NOT_AUTHOR");
    expect(await code(submit(bob, "DeletePost", { postId: 99n }))).toBe("UNKNOWN_POST");
    expect(await code(submit(bob, "DeletePost", { postId: 2n ** 255n }))).toBe("UNKNOWN_POST");
    expect((await gql(`{ post(id: "4") { id } }`)).data.post).toEqual({ id: "4" });
    expect((await submit(bob, "DeletePost", { postId: 4n })).errors).toBeUndefined();
    expect(await code(submit(bob, "DeletePost", { postId: 4n }))).toBe("ALREADY_DELETED");
    expect(await code(submit(alice, "Like", { postId: 4n }))).toBe("POST_DELETED");
    expect(await code(submit(alice, "Comment", { postId: 4n, text: "hello?" }))).toBe("POST_DELETED");
    expect(await code(submit(alice, "Share", { postId: 4n }))).toBe("POST_DELETED");
  });
});
