/**
 * Folds the AMP events into the tables of ponder.schema.ts as the AMP
 * indexer's chain store does: one row per created thing, running amounts
 * (campaign budget and spent, balances) updated in place.
 */
import { ponder } from "ponder:registry";
import {
  balances,
  campaignSpends,
  campaigns,
  claims,
  communities,
  disputePoolFundings,
  epochManifests,
  epochs,
  posts,
  postTopics,
  roleEvents,
  transfers,
} from "ponder:schema";
import { zeroAddress } from "viem";

const at = (event: { block: { number: bigint }; log: { logIndex: number } }) => ({
  blockNumber: Number(event.block.number),
  logIndex: event.log.logIndex,
});

ponder.on("AMPToken:Transfer", async ({ event, context }) => {
  const { from, to, value } = event.args;
  await context.db
    .insert(transfers)
    .values({ from, to, value, ...at(event), txHash: event.transaction.hash });
  if (from !== zeroAddress) {
    await context.db
      .insert(balances)
      .values({ account: from, balance: -value })
      .onConflictDoUpdate((row) => ({ balance: row.balance - value }));
  }
  if (to !== zeroAddress) {
    await context.db
      .insert(balances)
      .values({ account: to, balance: value })
      .onConflictDoUpdate((row) => ({ balance: row.balance + value }));
  }
});

ponder.on("AMPSocial:CommunityCreated", async ({ event, context }) => {
  const { communityId, founder, name, description } = event.args;
  await context.db.insert(communities).values({
    id: communityId,
    founder,
    name,
    description,
    createdAt: Number(event.block.timestamp),
    blockNumber: Number(event.block.number),
  });
});

ponder.on("AMPSocial:PostPublished", async ({ event, context }) => {
  const { postId, communityId, author, topics, text, contentHash, uri } = event.args;
  await context.db.insert(posts).values({
    id: postId,
    communityId,
    author,
    text,
    contentHash,
    uri,
    createdAt: Number(event.block.timestamp),
    blockNumber: Number(event.block.number),
    txHash: event.transaction.hash,
    topics: [...topics],
  });
  for (const [position, topic] of topics.entries()) {
    await context.db
      .insert(postTopics)
      .values({ postId, position, topic, blockNumber: Number(event.block.number) });
  }
});

ponder.on("AMPEscrow:CampaignCreated", async ({ event, context }) => {
  const { campaignId, postId, promoter, payer, budget, expiresAt } = event.args;
  await context.db.insert(campaigns).values({
    id: campaignId,
    postId,
    promoter,
    payer,
    budget,
    spent: 0n,
    expiresAt: BigInt(expiresAt),
    createdAt: Number(event.block.timestamp),
    blockNumber: Number(event.block.number),
  });
});

ponder.on("AMPEscrow:CampaignToppedUp", async ({ event, context }) => {
  const { campaignId, amount } = event.args;
  await context.db.update(campaigns, { id: campaignId }).set((row) => ({ budget: row.budget + amount }));
});

ponder.on("AMPEscrow:CampaignSpent", async ({ event, context }) => {
  const { campaignId, epoch, amount } = event.args;
  await context.db.insert(campaignSpends).values({ campaignId, epoch: BigInt(epoch), amount, ...at(event) });
  await context.db.update(campaigns, { id: campaignId }).set((row) => ({ spent: row.spent + amount }));
});

ponder.on("AMPEscrow:EpochManifest", async ({ event, context }) => {
  const { epoch, manifest } = event.args;
  await context.db.insert(epochManifests).values({ epoch: BigInt(epoch), manifest, ...at(event) });
});

ponder.on("AMPEscrow:EpochSettled", async ({ event, context }) => {
  const { epoch, root, inputsHash, totalSpent, activeAt } = event.args;
  await context.db
    .insert(epochs)
    .values({ epoch: BigInt(epoch), root, inputsHash, totalSpent, activeAt: BigInt(activeAt), ...at(event) });
});

ponder.on("AMPEscrow:Claimed", async ({ event, context }) => {
  const { account, epoch, amount, cumulativeAmount } = event.args;
  await context.db
    .insert(claims)
    .values({ account, epoch: BigInt(epoch), amount, cumulative: cumulativeAmount, ...at(event) });
});

ponder.on("AMPEscrow:DisputePoolFunded", async ({ event, context }) => {
  const { funder, amount } = event.args;
  await context.db.insert(disputePoolFundings).values({ funder, amount, ...at(event) });
});

for (const name of ["AMPToken:RoleGranted", "AMPEscrow:RoleGranted"] as const) {
  ponder.on(name, async ({ event, context }) => {
    const { role, account } = event.args;
    await context.db
      .insert(roleEvents)
      .values({ contract: event.log.address, role, account, granted: true, ...at(event) });
  });
}
