/**
 * A store with conversations, engagement, profiles, media and notifications, for read-side
 * tests on both engines (`engine-pair.ts`): alice's posts 1..3, a block of replies (a chain of
 * depth three under post 1 and 24 more direct replies), quotes of post 1, mentions, likes,
 * reposts, comments, follows, profiles, a read marker, a deleted reply and media records.
 */

import type { Db } from "#indexer/store/db.ts";
import type { NewLogEntry } from "#indexer/store/engine/engagement-store.ts";
import type { ChainEvent } from "#indexer/store/events.ts";
import { SOCIAL, seedChain, wallets } from "./helpers.ts";
import { chainStore, engagementStore } from "./stores.ts";

export const SOCIAL_NOW = 1_800_000_000;
export const [socialAlice, socialBob, socialCarol] = wallets().map((w) => w.address.toLowerCase()) as [
  string,
  string,
  string,
];
/** Direct replies to post 1 beyond the reply chain: posts 10..33 (post 20 deleted). */
export const EXTRA_REPLIES = 24;
/** Quotes of post 1: posts 40..51. */
export const QUOTES = 12;
export const MEDIA_HASHES = ["ab", "cd", "ef"].map((b) => b.repeat(32));

export async function seedSocial(db: Db): Promise<void> {
  const [alice, bob, carol] = [socialAlice, socialBob, socialCarol];
  await seedChain(chainStore(db), alice as `0x${string}`, 3);
  let logIndex = 100;
  const at = (kind: ChainEvent["kind"], payload: Record<string, unknown>) =>
    ({
      kind,
      payload,
      blockNumber: 2,
      blockHash: `0x${"2".repeat(64)}`,
      txIndex: 0,
      logIndex: logIndex++,
      txHash: `0x${"cd".repeat(32)}`,
      address: SOCIAL,
      timestamp: SOCIAL_NOW - 100,
    }) as ChainEvent;
  const post = (id: number, author: string, text: string) =>
    at("PostPublished", {
      postId: String(id),
      communityId: "1",
      author,
      topics: [],
      text,
      contentHash: `0x${"0".repeat(64)}`,
      uri: "",
    });
  const events: ChainEvent[] = [
    post(4, bob, "bob replies"),
    at("PostReplied", { postId: "4", parentId: "1" }),
    post(5, carol, `carol replies to bob, cc @${alice} and @${bob}`),
    at("PostReplied", { postId: "5", parentId: "4" }),
    post(6, alice, "alice answers carol"),
    at("PostReplied", { postId: "6", parentId: "5" }),
  ];
  for (let i = 0; i < EXTRA_REPLIES; i++) {
    events.push(post(10 + i, i % 2 ? bob : carol, `reply ${i} to post 1`));
    events.push(at("PostReplied", { postId: String(10 + i), parentId: "1" }));
  }
  for (let i = 0; i < QUOTES; i++) {
    events.push(post(40 + i, i % 2 ? carol : bob, `quote ${i} of post 1, hi @${alice}`));
    events.push(at("PostQuoted", { postId: String(40 + i), quotedId: "1" }));
  }
  await chainStore(db).applyBatch({
    blocks: [
      {
        number: 2,
        hash: `0x${"2".repeat(64)}`,
        parentHash: `0x${"1".padStart(64, "0")}`,
        timestamp: SOCIAL_NOW - 100,
      },
    ],
    events,
    checkpoint: { blockNumber: 2, blockHash: `0x${"2".repeat(64)}`, finalizedBlock: 1, headBlock: 2 },
  });

  let nonce = 0;
  let received = SOCIAL_NOW - 50;
  const entry = (
    kind: NewLogEntry["kind"],
    account: string,
    fields: Record<string, unknown>,
  ): NewLogEntry => {
    const message = { account, ...fields, timestamp: String(SOCIAL_NOW - 60), nonce: String(++nonce) };
    return {
      kind,
      signer: account,
      message,
      json: JSON.stringify(message),
      signature: "0x",
      receivedAt: ++received,
    };
  };
  const noAvatar = `0x${"0".repeat(64)}`;
  const entries: NewLogEntry[] = [
    entry("Profile", alice, {
      name: "Alice Liddell",
      bio: "down the rabbit hole",
      avatar: `0x${MEDIA_HASHES[0]}`,
    }),
    entry("Profile", bob, { name: "Bob", bio: "builds things", avatar: noAvatar }),
    entry("Follow", bob, { target: alice, follow: true }),
    entry("Follow", carol, { target: alice, follow: true }),
  ];
  for (const who of [bob, carol]) {
    for (let p = 1; p <= 3; p++) entries.push(entry("Like", who, { postId: String(p) }));
    entries.push(entry("Share", who, { postId: "1" }));
    entries.push(entry("Comment", who, { postId: "2", text: `comment by ${who}` }));
  }
  entries.push(entry("NotificationsRead", alice, { readUntil: String(SOCIAL_NOW - 100) }));
  entries.push(entry("Unlike", carol, { postId: "3" }));
  entries.push(entry("DeletePost", bob, { postId: "20" }));
  for (let i = 0; i < 20; i++)
    entries.push(entry("Like", i % 2 ? bob : carol, { postId: String(40 + (i % QUOTES)) }));
  await engagementStore(db).appendMany(entries);

  const media = db.prepare(
    "INSERT INTO media (hash, mime_type, size, width, height, created_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  for (const [i, hash] of MEDIA_HASHES.entries())
    media.run(hash, "image/png", 1000 + i, 10 * (i + 1), 20, SOCIAL_NOW);
}
