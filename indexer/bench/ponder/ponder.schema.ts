/**
 * The tables the AMP indexer folds these events into (indexer/src/store
 * migrations), with the same keys and amounts as exact integers.
 */
import { onchainTable, primaryKey } from "ponder";

export const communities = onchainTable("communities", (t) => ({
  id: t.bigint().primaryKey(),
  founder: t.hex().notNull(),
  name: t.text().notNull(),
  description: t.text().notNull(),
  createdAt: t.integer().notNull(),
  blockNumber: t.integer().notNull(),
}));

export const posts = onchainTable("posts", (t) => ({
  id: t.bigint().primaryKey(),
  communityId: t.bigint().notNull(),
  author: t.hex().notNull(),
  text: t.text().notNull(),
  contentHash: t.hex().notNull(),
  uri: t.text().notNull(),
  createdAt: t.integer().notNull(),
  blockNumber: t.integer().notNull(),
  txHash: t.hex().notNull(),
  topics: t.text().array().notNull(),
}));

export const postTopics = onchainTable(
  "post_topics",
  (t) => ({
    postId: t.bigint().notNull(),
    position: t.integer().notNull(),
    topic: t.text().notNull(),
    blockNumber: t.integer().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.postId, table.position] }) }),
);

export const campaigns = onchainTable("campaigns", (t) => ({
  id: t.bigint().primaryKey(),
  postId: t.bigint().notNull(),
  promoter: t.hex().notNull(),
  payer: t.hex().notNull(),
  budget: t.bigint().notNull(),
  spent: t.bigint().notNull(),
  expiresAt: t.bigint().notNull(),
  createdAt: t.integer().notNull(),
  blockNumber: t.integer().notNull(),
}));

export const campaignSpends = onchainTable(
  "campaign_spends",
  (t) => ({
    campaignId: t.bigint().notNull(),
    epoch: t.bigint().notNull(),
    amount: t.bigint().notNull(),
    blockNumber: t.integer().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.blockNumber, table.logIndex] }) }),
);

export const epochs = onchainTable(
  "epochs",
  (t) => ({
    epoch: t.bigint().notNull(),
    root: t.hex().notNull(),
    inputsHash: t.hex().notNull(),
    totalSpent: t.bigint().notNull(),
    activeAt: t.bigint().notNull(),
    blockNumber: t.integer().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.blockNumber, table.logIndex] }) }),
);

export const epochManifests = onchainTable(
  "epoch_manifests",
  (t) => ({
    epoch: t.bigint().notNull(),
    manifest: t.hex().notNull(),
    blockNumber: t.integer().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.blockNumber, table.logIndex] }) }),
);

export const claims = onchainTable(
  "claims",
  (t) => ({
    account: t.hex().notNull(),
    epoch: t.bigint().notNull(),
    amount: t.bigint().notNull(),
    cumulative: t.bigint().notNull(),
    blockNumber: t.integer().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.blockNumber, table.logIndex] }) }),
);

/** The AMP indexer keeps every event in chain_events; this is its Transfer part. */
export const transfers = onchainTable(
  "transfers",
  (t) => ({
    from: t.hex().notNull(),
    to: t.hex().notNull(),
    value: t.bigint().notNull(),
    blockNumber: t.integer().notNull(),
    logIndex: t.integer().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.blockNumber, table.logIndex] }) }),
);

export const balances = onchainTable("balances", (t) => ({
  account: t.hex().primaryKey(),
  balance: t.bigint().notNull(),
}));

export const roleEvents = onchainTable(
  "role_events",
  (t) => ({
    contract: t.hex().notNull(),
    role: t.hex().notNull(),
    account: t.hex().notNull(),
    granted: t.boolean().notNull(),
    blockNumber: t.integer().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.blockNumber, table.logIndex] }) }),
);

export const disputePoolFundings = onchainTable(
  "dispute_pool_fundings",
  (t) => ({
    funder: t.hex().notNull(),
    amount: t.bigint().notNull(),
    blockNumber: t.integer().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.blockNumber, table.logIndex] }) }),
);
