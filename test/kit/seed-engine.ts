/**
 * The chain fixture of `seedChain` (one community, `posts` posts by `author`, one campaign on
 * post 1, all in block 1) written through the Kysely chain store, on either engine.
 */
import type { Address } from "viem";
import { createKyselyChainStore } from "#indexer/store/engine/chain-store.ts";
import type { ChainBatch, ChainEvent } from "#indexer/store/events.ts";
import { engineOf, type StoreSource } from "#indexer/store/log-range.ts";
import { SOCIAL } from "./helpers.ts";

const blockHash = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

/** The batch `seedChain` applies: block 1 with the community, the posts and the campaign. */
export function seedBatch(author: Address, posts = 3): ChainBatch {
  const a = author.toLowerCase();
  let logIndex = 0;
  const at = () => ({
    blockNumber: 1,
    blockHash: blockHash(1),
    txIndex: 0,
    logIndex: logIndex++,
    txHash: `0x${"ab".repeat(32)}`,
    address: SOCIAL,
    timestamp: 1_700_000_001,
  });
  const events: ChainEvent[] = [
    {
      ...at(),
      kind: "CommunityCreated",
      payload: { communityId: "1", founder: a, name: "general", description: "all things" },
    },
  ];
  for (let i = 1; i <= posts; i++) {
    events.push({
      ...at(),
      kind: "PostPublished",
      payload: {
        postId: String(i),
        communityId: "1",
        author: a,
        topics: i % 2 === 0 ? ["news", "even", "news"] : ["news"],
        text: `post ${i}`,
        contentHash: `0x${"0".repeat(64)}`,
        uri: "",
      },
    });
  }
  events.push({
    ...at(),
    kind: "CampaignCreated",
    payload: {
      campaignId: "1",
      postId: "1",
      promoter: a,
      payer: a,
      budget: "1000000000000000000",
      expiresAt: "4000000000",
    },
  });
  return {
    blocks: [{ number: 1, hash: blockHash(1), parentHash: blockHash(0), timestamp: 1_700_000_001 }],
    events,
    checkpoint: { blockNumber: 1, blockHash: blockHash(1), finalizedBlock: 0, headBlock: 1 },
  };
}

/** Seeds the `seedChain` fixture into a store (a SQLite handle: its engine) through the Kysely chain store. */
export async function seedChainOn(target: StoreSource, author: Address, posts = 3): Promise<void> {
  await createKyselyChainStore(engineOf(target)).applyBatch(seedBatch(author, posts));
}
