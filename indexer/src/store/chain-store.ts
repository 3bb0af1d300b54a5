/**
 * Folds chain events into tables. A batch (blocks, events, new checkpoint) is
 * applied in ONE transaction, so a killed process either has all of it or
 * none of it. A reorg rolls back everything after the common ancestor in one
 * transaction: rows created after it are deleted, later changes to older rows
 * (`*_block` columns, amount counters) are undone in reverse event order.
 */
import type { Db } from "./db.ts";
import type { BlockRecord, ChainBatch, ChainEvent, ChainEventKind, Checkpoint } from "./events.ts";
import { createMentionWriter } from "./mentions.ts";
import { createNotificationWriter } from "./notifications.ts";

export type { ChainBatch, Checkpoint } from "./events.ts";

export interface ChainStore {
  getCheckpoint(): Checkpoint | null;
  getBlock(number: number): BlockRecord | null;
  /** Stored blocks from `from` down, newest first, at most `limit`. */
  blocksDescending(from: number, limit: number): BlockRecord[];
  applyBatch(batch: ChainBatch): void;
  /** Deletes everything after `ancestor` and sets the checkpoint to it. */
  rollbackTo(ancestor: BlockRecord, headBlock: number): number;
  /** Drops hashes of blocks in [from, below) that carry no events. */
  pruneBlocks(from: number, below: number): void;
}

const ZERO = "0x0000000000000000000000000000000000000000";
const ZERO_HASH = `0x${"0".repeat(64)}`;

export function createChainStore(db: Db): ChainStore {
  const notify = createNotificationWriter(db);
  const mentionWriter = createMentionWriter(db);
  const s = {
    checkpoint: db.prepare(
      "SELECT block_number AS blockNumber, block_hash AS blockHash, finalized_block AS finalizedBlock, head_block AS headBlock FROM checkpoint WHERE id = 1",
    ),
    setCheckpoint: db.prepare(
      "INSERT INTO checkpoint (id, block_number, block_hash, finalized_block, head_block) VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET block_number = excluded.block_number, block_hash = excluded.block_hash, finalized_block = excluded.finalized_block, head_block = excluded.head_block",
    ),
    block: db.prepare(
      "SELECT number, hash, parent_hash AS parentHash, timestamp FROM blocks WHERE number = ?",
    ),
    blocksDesc: db.prepare(
      "SELECT number, hash, parent_hash AS parentHash, timestamp FROM blocks WHERE number <= ? ORDER BY number DESC LIMIT ?",
    ),
    putBlock: db.prepare(
      "INSERT OR REPLACE INTO blocks (number, hash, parent_hash, timestamp) VALUES (?, ?, ?, ?)",
    ),
    putEvent: db.prepare(
      "INSERT INTO chain_events (block_number, tx_index, log_index, block_hash, tx_hash, address, kind, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    eventsAfter: db.prepare(
      "SELECT kind, payload, block_number AS blockNumber FROM chain_events WHERE block_number > ? ORDER BY block_number DESC, log_index DESC",
    ),
    balance: db.prepare("SELECT balance FROM balances WHERE account = ?").pluck(),
    setBalance: db.prepare(
      "INSERT INTO balances (account, balance) VALUES (?, ?) ON CONFLICT (account) DO UPDATE SET balance = excluded.balance",
    ),
    community: db.prepare(
      "INSERT INTO communities (id, founder, name, description, created_at, block_number) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    addModerator: db.prepare(
      "INSERT INTO moderators (community_id, account, block_number, log_index) VALUES (?, ?, ?, ?)",
    ),
    removeModerator: db.prepare(
      "UPDATE moderators SET removed_block = ? WHERE community_id = ? AND account = ? AND removed_block IS NULL",
    ),
    post: db.prepare(
      "INSERT INTO posts (id, community_id, author, text, content_hash, uri, created_at, block_number, tx_hash, topics) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    topic: db.prepare("INSERT INTO post_topics (post_id, position, topic, block_number) VALUES (?, ?, ?, ?)"),
    postStats: db.prepare("INSERT OR IGNORE INTO post_stats (post_id) VALUES (?)"),
    reply: db.prepare(
      "UPDATE posts SET parent_id = ?, root_id = COALESCE((SELECT COALESCE(root_id, id) FROM posts WHERE id = ?), ?) WHERE id = ?",
    ),
    quote: db.prepare("UPDATE posts SET quote_id = ? WHERE id = ?"),
    postAuthor: db.prepare("SELECT author FROM posts WHERE id = ?").pluck(),
    campaign: db.prepare(
      "INSERT INTO campaigns (id, post_id, promoter, payer, budget, spent, expires_at, created_at, block_number) VALUES (?, ?, ?, ?, ?, '0', ?, ?, ?)",
    ),
    campaignAmounts: db.prepare("SELECT budget, spent FROM campaigns WHERE id = ?"),
    setBudget: db.prepare("UPDATE campaigns SET budget = ? WHERE id = ?"),
    setSpent: db.prepare("UPDATE campaigns SET spent = ? WHERE id = ?"),
    refund: db.prepare("UPDATE campaigns SET refunded_amount = ?, refunded_block = ? WHERE id = ?"),
    spend: db.prepare(
      "INSERT INTO campaign_spends (campaign_id, epoch, amount, block_number, log_index) VALUES (?, ?, ?, ?, ?)",
    ),
    liveSpends: db.prepare(
      "SELECT rowid, campaign_id AS campaignId, amount FROM campaign_spends WHERE epoch = ? AND revoked_block IS NULL",
    ),
    revokedSpends: db.prepare(
      "SELECT rowid, campaign_id AS campaignId, amount FROM campaign_spends WHERE epoch = ? AND revoked_block = ?",
    ),
    setSpendRevoked: db.prepare("UPDATE campaign_spends SET revoked_block = ? WHERE rowid = ?"),
    epoch: db.prepare(
      "INSERT INTO epochs (epoch, root, inputs_hash, total_spent, active_at, block_number, log_index) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ),
    manifest: db.prepare(
      "INSERT INTO epoch_manifests (epoch, manifest, block_number, log_index) VALUES (?, ?, ?, ?)",
    ),
    revokeEpoch: db.prepare("UPDATE epochs SET revoked_block = ? WHERE epoch = ? AND revoked_block IS NULL"),
    unrevokeEpoch: db.prepare("UPDATE epochs SET revoked_block = NULL WHERE epoch = ? AND revoked_block = ?"),
    claim: db.prepare(
      "INSERT INTO claims (account, epoch, amount, cumulative, block_number, log_index) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    refundWithdrawn: db.prepare(
      "INSERT INTO refund_withdrawals (campaign_id, promoter, amount, block_number, log_index) VALUES (?, ?, ?, ?, ?)",
    ),
    revocation: db.prepare(
      "INSERT INTO epoch_revocations (from_epoch, to_epoch, block_number, log_index) VALUES (?, ?, ?, ?)",
    ),
    revokeFrom: db.prepare("UPDATE epochs SET revoked_block = ? WHERE epoch >= ? AND revoked_block IS NULL"),
    pause: db.prepare(
      "INSERT INTO escrow_pauses (paused, account, paused_for, timestamp, block_number, log_index) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    roleEvent: db.prepare(
      "INSERT INTO role_events (contract, role, account, granted, block_number, log_index) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    roleChange: db.prepare(
      "INSERT INTO role_changes (role, account, grant, ready_at, status, block_number, log_index) VALUES (?, ?, ?, ?, 'scheduled', ?, ?)",
    ),
    closeRoleChange: db.prepare(
      "UPDATE role_changes SET status = ?, closed_by = ?, closed_block = ? WHERE role = ? AND account = ? AND grant = ? AND status = 'scheduled'",
    ),
    currentSettlement: db.prepare(
      "SELECT block_number AS blockNumber, log_index AS logIndex FROM epochs WHERE epoch = ? ORDER BY block_number DESC, log_index DESC LIMIT 1",
    ),
    dispute: db.prepare(
      "INSERT INTO disputes (epoch, disputer, bond, deadline, status, settled_block, settled_log, block_number, log_index) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)",
    ),
    resolveDispute: db.prepare(
      "UPDATE disputes SET status = ?, paid = ?, resolved_block = ? WHERE rowid = (SELECT rowid FROM disputes WHERE epoch = ? AND disputer = ? AND status = 1 ORDER BY block_number, log_index LIMIT 1)",
    ),
    poolFunding: db.prepare(
      "INSERT INTO dispute_pool_fundings (funder, amount, block_number, log_index) VALUES (?, ?, ?, ?)",
    ),
    prune: db.prepare(
      "DELETE FROM blocks WHERE number >= ? AND number < ? AND NOT EXISTS (SELECT 1 FROM chain_events e WHERE e.block_number = blocks.number)",
    ),
  };

  const addBalance = (account: string, delta: bigint) => {
    if (account === ZERO) return;
    const current = BigInt((s.balance.get(account) as string | undefined) ?? "0");
    s.setBalance.run(account, (current + delta).toString());
  };
  const addCampaign = (id: number, field: "budget" | "spent", delta: bigint) => {
    const row = s.campaignAmounts.get(id) as { budget: string; spent: string } | undefined;
    if (!row) return;
    const next = (BigInt(row[field]) + delta).toString();
    (field === "budget" ? s.setBudget : s.setSpent).run(next, id);
  };

  const applyEvent = (e: ChainEvent): void => {
    switch (e.kind) {
      case "Transfer": {
        const v = BigInt(e.payload.value);
        addBalance(e.payload.from, -v);
        addBalance(e.payload.to, v);
        return;
      }
      case "CommunityCreated": {
        const p = e.payload;
        s.community.run(Number(p.communityId), p.founder, p.name, p.description, e.timestamp, e.blockNumber);
        return;
      }
      case "ModeratorAdded":
        s.addModerator.run(Number(e.payload.communityId), e.payload.account, e.blockNumber, e.logIndex);
        return;
      case "ModeratorRemoved":
        s.removeModerator.run(e.blockNumber, Number(e.payload.communityId), e.payload.account);
        return;
      case "PostPublished": {
        const p = e.payload;
        const id = Number(p.postId);
        s.post.run(
          id,
          Number(p.communityId),
          p.author,
          p.text,
          p.contentHash,
          p.uri,
          e.timestamp,
          e.blockNumber,
          e.txHash,
          JSON.stringify(p.topics),
        );
        for (const [i, t] of p.topics.entries()) s.topic.run(id, i, t, e.blockNumber);
        s.postStats.run(id);
        const mentioned = mentionWriter.record(id, p.text, e.timestamp, e.blockNumber);
        notify.mentions(
          mentioned.map((m) => m.account),
          {
            actor: p.author,
            postId: id,
            createdAt: e.timestamp,
            blockNumber: e.blockNumber,
          },
        );
        return;
      }
      case "PostReplied": {
        const id = Number(e.payload.postId);
        const parent = Number(e.payload.parentId);
        s.reply.run(parent, parent, parent, id);
        const actor = (s.postAuthor.get(id) as string | undefined) ?? null;
        notify.toAuthor(
          parent,
          { kind: "REPLY", actor, createdAt: e.timestamp, blockNumber: e.blockNumber },
          id,
        );
        return;
      }
      case "PostQuoted": {
        const id = Number(e.payload.postId);
        const quoted = Number(e.payload.quotedId);
        s.quote.run(quoted, id);
        const actor = (s.postAuthor.get(id) as string | undefined) ?? null;
        notify.toAuthor(
          quoted,
          { kind: "QUOTE", actor, createdAt: e.timestamp, blockNumber: e.blockNumber },
          id,
        );
        return;
      }
      case "CampaignCreated": {
        const p = e.payload;
        s.campaign.run(
          Number(p.campaignId),
          Number(p.postId),
          p.promoter,
          p.payer,
          p.budget,
          Number(p.expiresAt),
          e.timestamp,
          e.blockNumber,
        );
        return;
      }
      case "CampaignToppedUp":
        addCampaign(Number(e.payload.campaignId), "budget", BigInt(e.payload.amount));
        return;
      case "CampaignRefunded":
        s.refund.run(e.payload.amount, e.blockNumber, Number(e.payload.campaignId));
        return;
      case "CampaignSpent": {
        const p = e.payload;
        s.spend.run(Number(p.campaignId), Number(p.epoch), p.amount, e.blockNumber, e.logIndex);
        addCampaign(Number(p.campaignId), "spent", BigInt(p.amount));
        return;
      }
      case "EpochSettled": {
        const p = e.payload;
        s.epoch.run(
          Number(p.epoch),
          p.root,
          p.inputsHash,
          p.totalSpent,
          Number(p.activeAt),
          e.blockNumber,
          e.logIndex,
        );
        notify.earnings(Number(p.epoch), p.root, e.timestamp, e.blockNumber);
        return;
      }
      case "EpochManifest":
        s.manifest.run(Number(e.payload.epoch), e.payload.manifest, e.blockNumber, e.logIndex);
        return;
      case "EpochRevoked": {
        const epoch = Number(e.payload.epoch);
        s.revokeEpoch.run(e.blockNumber, epoch);
        for (const row of s.liveSpends.all(epoch) as SpendRow[]) {
          s.setSpendRevoked.run(e.blockNumber, row.rowid);
          addCampaign(row.campaignId, "spent", -BigInt(row.amount));
        }
        return;
      }
      case "Claimed": {
        const p = e.payload;
        s.claim.run(p.account, Number(p.epoch), p.amount, p.cumulativeAmount, e.blockNumber, e.logIndex);
        return;
      }
      case "RefundWithdrawn": {
        const p = e.payload;
        s.refundWithdrawn.run(Number(p.campaignId), p.promoter, p.amount, e.blockNumber, e.logIndex);
        return;
      }
      case "EpochsRevoked": {
        const p = e.payload;
        s.revocation.run(Number(p.fromEpoch), Number(p.toEpoch), e.blockNumber, e.logIndex);
        // Revoked at once; EpochRevoked follows as each epoch's spends are back.
        s.revokeFrom.run(e.blockNumber, Number(p.fromEpoch));
        return;
      }
      case "RoleGranted":
      case "RoleRevoked": {
        const p = e.payload;
        s.roleEvent.run(
          e.address,
          p.role,
          p.account,
          e.kind === "RoleGranted" ? 1 : 0,
          e.blockNumber,
          e.logIndex,
        );
        return;
      }
      case "RoleChangeScheduled": {
        const p = e.payload;
        s.roleChange.run(p.role, p.account, p.grant ? 1 : 0, Number(p.readyAt), e.blockNumber, e.logIndex);
        return;
      }
      case "RoleChangeExecuted":
      case "RoleChangeCancelled": {
        const p = e.payload;
        const cancelled = e.kind === "RoleChangeCancelled";
        s.closeRoleChange.run(
          cancelled ? "cancelled" : "executed",
          cancelled ? (e.payload as { by: string }).by : null,
          e.blockNumber,
          p.role,
          p.account,
          p.grant ? 1 : 0,
        );
        return;
      }
      case "Paused":
        s.pause.run(1, e.payload.account, null, e.timestamp, e.blockNumber, e.logIndex);
        return;
      case "Unpaused":
        s.pause.run(
          0,
          e.payload.account,
          Number(e.payload.pausedFor),
          e.timestamp,
          e.blockNumber,
          e.logIndex,
        );
        return;
      case "EpochDisputed": {
        const p = e.payload;
        const settlement = s.currentSettlement.get(Number(p.epoch)) as
          | { blockNumber: number; logIndex: number }
          | undefined;
        s.dispute.run(
          Number(p.epoch),
          p.disputer,
          p.bond,
          Number(p.deadline),
          settlement?.blockNumber ?? null,
          settlement?.logIndex ?? null,
          e.blockNumber,
          e.logIndex,
        );
        return;
      }
      case "DisputeResolved": {
        const p = e.payload;
        s.resolveDispute.run(Number(p.status), p.paidToDisputer, e.blockNumber, Number(p.epoch), p.disputer);
        return;
      }
      case "DisputePoolFunded":
        s.poolFunding.run(e.payload.funder, e.payload.amount, e.blockNumber, e.logIndex);
        return;
    }
  };

  // Undo of counter changes; row inserts and `*_block` marks are undone in bulk by rollbackTo.
  const undoEvent = (kind: ChainEventKind, payload: Record<string, string>, blockNumber: number): void => {
    switch (kind) {
      case "Transfer": {
        const v = BigInt(payload.value as string);
        addBalance(payload.from as string, v);
        addBalance(payload.to as string, -v);
        return;
      }
      case "CampaignToppedUp":
        addCampaign(Number(payload.campaignId), "budget", -BigInt(payload.amount as string));
        return;
      case "CampaignSpent":
        addCampaign(Number(payload.campaignId), "spent", -BigInt(payload.amount as string));
        return;
      case "EpochRevoked": {
        const epoch = Number(payload.epoch);
        for (const row of s.revokedSpends.all(epoch, blockNumber) as SpendRow[]) {
          s.setSpendRevoked.run(null, row.rowid);
          addCampaign(row.campaignId, "spent", BigInt(row.amount));
        }
        s.unrevokeEpoch.run(epoch, blockNumber);
        return;
      }
      default:
        return;
    }
  };

  const deleteAfter = [
    "DELETE FROM chain_events WHERE block_number > ?",
    "DELETE FROM blocks WHERE number > ?",
    "DELETE FROM communities WHERE block_number > ?",
    "DELETE FROM moderators WHERE block_number > ?",
    "UPDATE moderators SET removed_block = NULL WHERE removed_block > ?",
    "DELETE FROM posts WHERE block_number > ?",
    "DELETE FROM post_topics WHERE block_number > ?",
    "DELETE FROM campaigns WHERE block_number > ?",
    "UPDATE campaigns SET refunded_amount = '0', refunded_block = NULL WHERE refunded_block > ?",
    "DELETE FROM campaign_spends WHERE block_number > ?",
    "DELETE FROM epochs WHERE block_number > ?",
    "DELETE FROM epoch_manifests WHERE block_number > ?",
    "DELETE FROM claims WHERE block_number > ?",
    "DELETE FROM refund_withdrawals WHERE block_number > ?",
    "DELETE FROM epoch_revocations WHERE block_number > ?",
    "UPDATE epochs SET revoked_block = NULL WHERE revoked_block > ?",
    "DELETE FROM escrow_pauses WHERE block_number > ?",
    "DELETE FROM role_events WHERE block_number > ?",
    "DELETE FROM role_changes WHERE block_number > ?",
    "UPDATE role_changes SET status = 'scheduled', closed_by = NULL, closed_block = NULL WHERE closed_block > ?",
    "DELETE FROM disputes WHERE block_number > ?",
    "UPDATE disputes SET status = 1, paid = NULL, resolved_block = NULL WHERE resolved_block > ?",
    "DELETE FROM dispute_pool_fundings WHERE block_number > ?",
    "DELETE FROM notifications WHERE block_number > ?",
    "DELETE FROM post_mentions WHERE block_number > ?",
  ].map((sql) => db.prepare(sql));

  const applyBatch = db.transaction((batch: ChainBatch) => {
    for (const b of batch.blocks) s.putBlock.run(b.number, b.hash, b.parentHash, b.timestamp);
    for (const e of batch.events) {
      s.putEvent.run(
        e.blockNumber,
        e.txIndex,
        e.logIndex,
        e.blockHash,
        e.txHash,
        e.address,
        e.kind,
        JSON.stringify(e.payload),
      );
      applyEvent(e);
    }
    const c = batch.checkpoint;
    s.setCheckpoint.run(c.blockNumber, c.blockHash, c.finalizedBlock, c.headBlock);
  });

  const rollbackTo = db.transaction((ancestor: BlockRecord, headBlock: number) => {
    const rows = s.eventsAfter.all(ancestor.number) as {
      kind: ChainEventKind;
      payload: string;
      blockNumber: number;
    }[];
    for (const row of rows) undoEvent(row.kind, JSON.parse(row.payload), row.blockNumber);
    for (const stmt of deleteAfter) stmt.run(ancestor.number);
    // An ancestor without a hash is the block before the start block on a chain that has no such block.
    if (ancestor.hash)
      s.putBlock.run(ancestor.number, ancestor.hash, ancestor.parentHash, ancestor.timestamp);
    const current = s.checkpoint.get() as Checkpoint | undefined;
    const finalized = Math.min(current?.finalizedBlock ?? ancestor.number, ancestor.number);
    s.setCheckpoint.run(ancestor.number, ancestor.hash || null, finalized, headBlock);
    return rows.length;
  });

  return {
    getCheckpoint: () => (s.checkpoint.get() as Checkpoint | undefined) ?? null,
    getBlock: (n) => (s.block.get(n) as BlockRecord | undefined) ?? null,
    blocksDescending: (from, limit) => s.blocksDesc.all(from, limit) as BlockRecord[],
    applyBatch: (batch) => applyBatch(batch),
    rollbackTo: (ancestor, head) => rollbackTo(ancestor, head),
    pruneBlocks: (from, below) => {
      s.prune.run(from, below);
    },
  };
}

interface SpendRow {
  rowid: number;
  campaignId: number;
  amount: string;
}

export { ZERO as ZERO_ADDRESS, ZERO_HASH };
