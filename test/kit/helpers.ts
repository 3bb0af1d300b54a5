/** Shared fixtures for indexer tests: temp dirs, a seeded store, signing helpers. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Address, Hex } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { privateKeyToAccount } from "viem/accounts";
import type { AsyncChainStore } from "#indexer/store/engine/chain-store.ts";
import type { ChainEvent } from "#indexer/store/events.ts";
import {
  encodeMessage,
  engagementDomain,
  engagementTypes,
  type MessageByKind,
  type MessageKind,
} from "#protocol";

/** Hardhat's well-known development keys (public test fixtures). */
export const DEV_KEYS: Hex[] = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
];

export function tempDir(prefix = "amp-indexer-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const wallets = (): PrivateKeyAccount[] => DEV_KEYS.map((k) => privateKeyToAccount(k));

export const SOCIAL = "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Address;

export async function sign<K extends MessageKind>(
  signer: PrivateKeyAccount,
  kind: K,
  message: MessageByKind[K],
  chainId = 31337,
  verifyingContract: Address = SOCIAL,
): Promise<{ kind: K; json: string; signature: Hex }> {
  const signature = await signer.signTypedData({
    domain: engagementDomain(chainId, verifyingContract),
    types: engagementTypes,
    primaryType: kind as MessageKind,
    message: message as never,
  } as Parameters<PrivateKeyAccount["signTypedData"]>[0]);
  return { kind, json: encodeMessage(message), signature };
}

let counter = 0;
const pos = (block: number) => ({
  blockNumber: block,
  blockHash: `0x${block.toString(16).padStart(64, "0")}`,
  txIndex: 0,
  logIndex: counter++,
  txHash: `0x${"ab".repeat(32)}`,
  address: SOCIAL,
  timestamp: 1_700_000_000 + block,
});

/** Seeds one community, `posts` posts by `author` and one campaign on post 1 (block 1..). */
export async function seedChain(chain: AsyncChainStore, author: Address, posts = 3): Promise<void> {
  const a = author.toLowerCase();
  const events: ChainEvent[] = [
    {
      ...pos(1),
      kind: "CommunityCreated",
      payload: { communityId: "1", founder: a, name: "general", description: "all things" },
    },
  ];
  for (let i = 1; i <= posts; i++) {
    events.push({
      ...pos(1),
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
    ...pos(1),
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
  await chain.applyBatch({
    blocks: [{ number: 1, hash: pos(1).blockHash, parentHash: pos(0).blockHash, timestamp: 1_700_000_001 }],
    events,
    checkpoint: { blockNumber: 1, blockHash: pos(1).blockHash, finalizedBlock: 0, headBlock: 1 },
  });
}

/** Every derived table, sorted, for comparing two stores (block hashes and head position excluded). */
export function dumpState(db: import("#indexer/store/db.ts").Db): Record<string, unknown[]> {
  const tables: Record<string, string> = {
    chain_events: "block_number, log_index",
    balances: "account",
    communities: "id",
    moderators: "block_number, log_index",
    posts: "id",
    post_topics: "post_id, position",
    campaigns: "id",
    campaign_spends: "block_number, log_index",
    epochs: "block_number, log_index",
    claims: "block_number, log_index",
    engagement_log: "seq",
    refund_withdrawals: "block_number, log_index",
    epoch_revocations: "block_number, log_index",
    escrow_pauses: "block_number, log_index",
    role_events: "block_number, log_index",
    role_changes: "block_number, log_index",
    disputes: "block_number, log_index",
    dispute_pool_fundings: "block_number, log_index",
  };
  const out: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(tables)) {
    out[table] = db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all();
  }
  out.checkpoint = db.prepare("SELECT block_number, block_hash FROM checkpoint").all();
  return out;
}
