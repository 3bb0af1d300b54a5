/**
 * Folds chain events into tables, written once in Kysely for either engine
 * (PostgreSQL, or SQLite through Kysely's dialect on the engine's one
 * connection). A batch (blocks, events, new checkpoint) is applied in ONE
 * transaction, so a killed process either has all of it or none of it. A
 * reorg rolls back everything after the common ancestor in one transaction:
 * rows created after it are deleted, later changes to older rows (`*_block`
 * columns, amount counters) are undone in reverse event order.
 *
 * Built for a database across a socket: a batch's rows are buffered and
 * written in bulk (on a PostgreSQL engine by COPY FROM STDIN on the batch's
 * connection, else as multi-row INSERTs), and balance and campaign counters
 * are summed in memory (bigint) and written once per batch. An event that
 * reads or updates earlier rows (a reply, a revocation, a dispute, ...) first
 * writes everything buffered before it, so rows and notifications keep the
 * order of the events.
 */
import type { Insertable } from "kysely";
import { Kysely, sql } from "kysely";
import type pg from "pg";
import type { BlockRecord, ChainBatch, ChainEvent, ChainEventKind, Checkpoint } from "../events.ts";
import { mentionSites, nameKey, resolveMentions } from "../mentions.ts";
import type { NotificationInput } from "../notifications.ts";
import { chunks, insertRows, insertStatements, MAX_PARAMS } from "./bulk-insert.ts";
import type { StoreEngine } from "./engine.ts";
import { onePgTransaction, type PgSession } from "./pg-copy.ts";
import type { StoreTables } from "./tables.ts";

export interface AsyncChainStore {
  getCheckpoint(): Promise<Checkpoint | null>;
  getBlock(number: number): Promise<BlockRecord | null>;
  /** Stored blocks from `from` down, newest first, at most `limit`. */
  blocksDescending(from: number, limit: number): Promise<BlockRecord[]>;
  applyBatch(batch: ChainBatch): Promise<void>;
  /** Deletes everything after `ancestor` and sets the checkpoint to it; returns the events undone. */
  rollbackTo(ancestor: BlockRecord, headBlock: number): Promise<number>;
  /** Drops hashes of blocks in [from, below) that carry no events. */
  pruneBlocks(from: number, below: number): Promise<void>;
}

const ZERO = "0x0000000000000000000000000000000000000000";
/** Keys per `IN (...)` list. */
const IN_CHUNK = 5_000;

type Db = Kysely<StoreTables>;
/** The handle of one transaction (Kysely's, or one pinned to a PostgreSQL connection). */
type Trx = Kysely<StoreTables>;
/** Tables written by buffered multi-row inserts, in the order they are first written. */
type Buffered =
  | "chain_events"
  | "communities"
  | "moderators"
  | "posts"
  | "post_topics"
  | "post_stats"
  | "campaigns"
  | "campaign_spends"
  | "epochs"
  | "epoch_manifests"
  | "claims"
  | "refund_withdrawals"
  | "epoch_revocations"
  | "escrow_pauses"
  | "role_events"
  | "role_changes"
  | "disputes"
  | "dispute_pool_fundings"
  | "post_mentions"
  | "notifications";

type Rows = Record<string, unknown>[];
type CampaignDelta = { budget: bigint; spent: bigint };

/** How one transaction writes its buffered rows and counter deltas. */
interface BulkWriter {
  /** Writes each table's rows (rows in order within a table). */
  rows(tables: [Buffered, Rows][]): Promise<void>;
  /** Adds the deltas to the balances (a row per account) and to the campaigns that exist. */
  counters(balances: Map<string, bigint>, campaigns: Map<number, CampaignDelta>): Promise<void>;
  /** Whether `rows` and `counters` may be in flight together (they take turns on one session). */
  queued: boolean;
}

const ignoreConflicts = (table: Buffered) => table === "post_stats";

/** Awaits every promise; rethrows the first rejection in order (the cause: later ones follow it). */
export async function settleInOrder(pending: Promise<unknown>[]): Promise<void> {
  for (const r of await Promise.allSettled(pending)) if (r.status === "rejected") throw r.reason;
}

/** Either engine: multi-row INSERTs, and counters read, summed in bigint and written back. */
function valuesWriter(trx: Trx): BulkWriter {
  return {
    queued: false,
    rows: async (tables) => {
      for (const [table, list] of tables)
        await insertRows(trx, table, list, { ignoreConflicts: ignoreConflicts(table) });
    },
    counters: async (balances, campaigns) => {
      for (const part of chunks([...balances.keys()], IN_CHUNK)) {
        const current = new Map(
          (
            await trx
              .selectFrom("balances")
              .select(["account", "balance"])
              .where("account", "in", part)
              .execute()
          ).map((r) => [r.account, BigInt(r.balance)]),
        );
        await insertRows(
          trx,
          "balances",
          part.map((account) => ({
            account,
            balance: ((current.get(account) ?? 0n) + (balances.get(account) as bigint)).toString(),
          })),
          { upsert: { key: ["account"], update: ["balance"] } },
        );
      }
      // Whole rows go back (an upsert of budget and spent): 11 parameters each.
      for (const part of chunks([...campaigns.keys()], Math.floor(MAX_PARAMS / 11))) {
        const found = await trx.selectFrom("campaigns").selectAll().where("id", "in", part).execute();
        if (found.length === 0) continue;
        const updated = found.map((row) => {
          const d = campaigns.get(row.id) as CampaignDelta;
          return {
            ...row,
            budget: (BigInt(row.budget) + d.budget).toString(),
            spent: (BigInt(row.spent) + d.spent).toString(),
          };
        });
        await insertRows(trx, "campaigns", updated, { upsert: { key: ["id"], update: ["budget", "spent"] } });
      }
    },
  };
}

/** Plain inserts of at least this many rows go by COPY on PostgreSQL (below, one INSERT costs less). */
const COPY_MIN_ROWS = 64;

/**
 * PostgreSQL, on the transaction's connection: bulk rows by COPY (the rest as INSERTs), counters
 * added in NUMERIC by the server (exact to 78 digits) from arrays of deltas. Every statement is
 * started at once and takes its turn on the session, so this process encodes the next while the
 * server runs the previous; the promise settles when the server has run them all.
 */
function copyWriter(session: PgSession): BulkWriter {
  return {
    queued: true,
    rows: (tables) => {
      const pending: Promise<unknown>[] = [];
      for (const [table, list] of tables) {
        if (list.length >= COPY_MIN_ROWS && !ignoreConflicts(table)) pending.push(session.copy(table, list));
        else if (table === "post_stats" && list.length >= COPY_MIN_ROWS)
          // One array parameter instead of a VALUES list: the counters rows of new posts.
          pending.push(
            session.query(
              "INSERT INTO post_stats (post_id) SELECT unnest($1::bigint[]) ON CONFLICT DO NOTHING",
              [list.map((r) => r.post_id)],
            ),
          );
        else
          for (const q of insertStatements(session.q, table, list, {
            ignoreConflicts: ignoreConflicts(table),
          }))
            pending.push(session.query(q.sql, q.parameters as unknown[]));
      }
      return settleInOrder(pending);
    },
    counters: (balances, campaigns) => {
      const pending: Promise<unknown>[] = [];
      if (balances.size > 0)
        pending.push(
          session.query(
            "INSERT INTO balances (account, balance) SELECT * FROM unnest($1::text[], $2::numeric[]) ON CONFLICT (account) DO UPDATE SET balance = balances.balance + excluded.balance",
            [[...balances.keys()], [...balances.values()].map(String)],
          ),
        );
      if (campaigns.size > 0)
        pending.push(
          session.query(
            "UPDATE campaigns AS c SET budget = c.budget + d.budget, spent = c.spent + d.spent FROM unnest($1::bigint[], $2::numeric[], $3::numeric[]) AS d (id, budget, spent) WHERE c.id = d.id",
            [
              [...campaigns.keys()],
              [...campaigns.values()].map((d) => String(d.budget)),
              [...campaigns.values()].map((d) => String(d.spent)),
            ],
          ),
        );
      return settleInOrder(pending);
    },
  };
}

const checkpointColumns = [
  "block_number as blockNumber",
  "block_hash as blockHash",
  "finalized_block as finalizedBlock",
  "head_block as headBlock",
] as const;
const blockColumns = ["number", "hash", "parent_hash as parentHash", "timestamp"] as const;

/** The name keys a text's `@Name` sites may refer to (as `resolveMentions` asks for them). */
function mentionNameKeys(text: string): string[] {
  const keys = new Set<string>();
  for (const site of mentionSites(text))
    if ("names" in site) for (const n of site.names) keys.add(nameKey(n));
  return [...keys];
}

/**
 * For each name key, the account that has held that name longest among the names in force at
 * `time` (each account's latest Profile name by then), as `../mentions.ts` resolves it on SQLite.
 * `lower()` on both sides may fold more than ASCII (PostgreSQL), so the exact key is compared here.
 */
async function nameHolders(trx: Trx, keys: string[], time: number): Promise<Map<string, string>> {
  const byKey = new Map<string, string>();
  if (keys.length === 0) return byKey;
  const rows = await trx
    .selectFrom("profile_names as n")
    .select(["n.account", "n.name"])
    .where(
      sql<string>`lower(n.name)`,
      "in",
      keys.map((k) => sql<string>`lower(${k})`),
    )
    .where("n.since", "<=", time)
    .where("n.seq", "=", (eb) =>
      eb
        .selectFrom("profile_names as m")
        .select((m) => m.fn.max("m.seq").as("latest"))
        .whereRef("m.account", "=", "n.account")
        .where("m.since", "<=", time),
    )
    .orderBy("n.since")
    .orderBy("n.seq")
    .execute();
  const wanted = new Set(keys);
  for (const r of rows) {
    const key = nameKey(r.name);
    if (wanted.has(key) && !byKey.has(key)) byKey.set(key, r.account);
  }
  return byKey;
}

async function putCheckpoint(trx: Trx, c: Checkpoint): Promise<void> {
  await trx
    .insertInto("checkpoint")
    .values({
      id: 1,
      block_number: c.blockNumber,
      block_hash: c.blockHash,
      finalized_block: c.finalizedBlock,
      head_block: c.headBlock,
    })
    .onConflict((oc) =>
      oc.column("id").doUpdateSet((eb) => ({
        block_number: eb.ref("excluded.block_number"),
        block_hash: eb.ref("excluded.block_hash"),
        finalized_block: eb.ref("excluded.finalized_block"),
        head_block: eb.ref("excluded.head_block"),
      })),
    )
    .execute();
}

async function putBlocks(trx: Trx, blocks: BlockRecord[]): Promise<void> {
  // One row per number (the last wins, as INSERT OR REPLACE would): an upsert may not touch a row twice.
  const unique = [...new Map(blocks.map((b) => [b.number, b])).values()];
  for (const part of chunks(unique, Math.floor(MAX_PARAMS / 4))) {
    await trx
      .insertInto("blocks")
      .values(
        part.map((b) => ({
          number: b.number,
          hash: b.hash,
          parent_hash: b.parentHash,
          timestamp: b.timestamp,
        })),
      )
      .onConflict((oc) =>
        oc.column("number").doUpdateSet((eb) => ({
          hash: eb.ref("excluded.hash"),
          parent_hash: eb.ref("excluded.parent_hash"),
          timestamp: eb.ref("excluded.timestamp"),
        })),
      )
      .execute();
  }
}

/** Buffered rows and counter deltas of one transaction. */
function writer(trx: Trx, bulk: BulkWriter) {
  const rows = new Map<Buffered, Record<string, unknown>[]>();
  const balances = new Map<string, bigint>();
  const campaigns = new Map<number, CampaignDelta>();

  const push = <T extends Buffered>(table: T, row: Insertable<StoreTables[T]>) => {
    const list = rows.get(table);
    if (list) list.push(row as Record<string, unknown>);
    else rows.set(table, [row as Record<string, unknown>]);
  };

  const flushRows = () => {
    const tables = [...rows];
    rows.clear();
    return bulk.rows(tables);
  };
  const flushCounters = () => {
    const done = bulk.counters(new Map(balances), new Map(campaigns));
    balances.clear();
    campaigns.clear();
    return done;
  };
  /** Everything buffered, rows before counters (a campaign's row before its deltas). */
  const flush = async () => {
    if (bulk.queued) return await settleInOrder([flushRows(), flushCounters()]);
    await flushRows();
    await flushCounters();
  };

  const addBalance = (account: string, delta: bigint) => {
    if (account === ZERO) return;
    balances.set(account, (balances.get(account) ?? 0n) + delta);
  };
  const addCampaign = (id: number, field: "budget" | "spent", delta: bigint) => {
    const d = campaigns.get(id) ?? { budget: 0n, spent: 0n };
    d[field] += delta;
    campaigns.set(id, d);
  };
  const notify = (n: NotificationInput) => {
    if (n.actor && n.actor === n.account) return;
    push("notifications", {
      account: n.account,
      kind: n.kind,
      actor: n.actor ?? null,
      post_id: n.postId ?? null,
      epoch: n.epoch ?? null,
      amount: n.amount ?? null,
      created_at: n.createdAt,
      block_number: n.blockNumber ?? null,
      seq: n.seq ?? null,
    });
  };
  const authorOf = async (postId: number): Promise<string | null> =>
    (await trx.selectFrom("posts").select("author").where("id", "=", postId).executeTakeFirst())?.author ??
    null;

  return { push, flushRows, flushCounters, flush, addBalance, addCampaign, notify, authorOf };
}

type Writer = ReturnType<typeof writer>;

async function applyEvent(trx: Trx, w: Writer, e: ChainEvent): Promise<void> {
  const at = { block_number: e.blockNumber, log_index: e.logIndex };
  switch (e.kind) {
    case "Transfer": {
      const v = BigInt(e.payload.value);
      w.addBalance(e.payload.from, -v);
      w.addBalance(e.payload.to, v);
      return;
    }
    case "CommunityCreated": {
      const p = e.payload;
      w.push("communities", {
        id: Number(p.communityId),
        founder: p.founder,
        name: p.name,
        description: p.description,
        created_at: e.timestamp,
        block_number: e.blockNumber,
      });
      return;
    }
    case "ModeratorAdded":
      w.push("moderators", {
        community_id: Number(e.payload.communityId),
        account: e.payload.account,
        ...at,
        removed_block: null,
      });
      return;
    case "ModeratorRemoved":
      await w.flushRows();
      await trx
        .updateTable("moderators")
        .set({ removed_block: e.blockNumber })
        .where("community_id", "=", Number(e.payload.communityId))
        .where("account", "=", e.payload.account)
        .where("removed_block", "is", null)
        .execute();
      return;
    case "PostPublished": {
      const p = e.payload;
      const id = Number(p.postId);
      w.push("posts", {
        id,
        community_id: Number(p.communityId),
        author: p.author,
        text: p.text,
        content_hash: p.contentHash,
        uri: p.uri,
        created_at: e.timestamp,
        block_number: e.blockNumber,
        tx_hash: e.txHash,
        topics: JSON.stringify(p.topics),
        parent_id: null,
        root_id: null,
        quote_id: null,
      });
      for (const [position, topic] of p.topics.entries())
        w.push("post_topics", { post_id: id, position, topic, block_number: e.blockNumber });
      w.push("post_stats", { post_id: id });
      if (!p.text.includes("@")) return;
      const byNameKey = await nameHolders(trx, mentionNameKeys(p.text), e.timestamp);
      const mentions = resolveMentions(p.text, () => byNameKey);
      for (const m of mentions) w.push("post_mentions", { post_id: id, ...m, block_number: e.blockNumber });
      for (const account of new Set(mentions.map((m) => m.account)))
        w.notify({
          account,
          kind: "MENTION",
          actor: p.author,
          postId: id,
          createdAt: e.timestamp,
          blockNumber: e.blockNumber,
        });
      return;
    }
    case "PostReplied": {
      await w.flushRows();
      const id = Number(e.payload.postId);
      const parent = Number(e.payload.parentId);
      const parentRow = await trx
        .selectFrom("posts")
        .select(["id", "root_id"])
        .where("id", "=", parent)
        .executeTakeFirst();
      await trx
        .updateTable("posts")
        .set({ parent_id: parent, root_id: parentRow ? (parentRow.root_id ?? parentRow.id) : parent })
        .where("id", "=", id)
        .execute();
      const author = await w.authorOf(parent);
      if (author)
        w.notify({
          account: author,
          kind: "REPLY",
          actor: await w.authorOf(id),
          postId: id,
          createdAt: e.timestamp,
          blockNumber: e.blockNumber,
        });
      return;
    }
    case "PostQuoted": {
      await w.flushRows();
      const id = Number(e.payload.postId);
      const quoted = Number(e.payload.quotedId);
      await trx.updateTable("posts").set({ quote_id: quoted }).where("id", "=", id).execute();
      const author = await w.authorOf(quoted);
      if (author)
        w.notify({
          account: author,
          kind: "QUOTE",
          actor: await w.authorOf(id),
          postId: id,
          createdAt: e.timestamp,
          blockNumber: e.blockNumber,
        });
      return;
    }
    case "CampaignCreated": {
      const p = e.payload;
      w.push("campaigns", {
        id: Number(p.campaignId),
        post_id: Number(p.postId),
        promoter: p.promoter,
        payer: p.payer,
        budget: p.budget,
        spent: "0",
        refunded_amount: "0",
        refunded_block: null,
        expires_at: Number(p.expiresAt),
        created_at: e.timestamp,
        block_number: e.blockNumber,
      });
      return;
    }
    case "CampaignToppedUp":
      w.addCampaign(Number(e.payload.campaignId), "budget", BigInt(e.payload.amount));
      return;
    case "CampaignRefunded":
      await w.flushRows();
      await trx
        .updateTable("campaigns")
        .set({ refunded_amount: e.payload.amount, refunded_block: e.blockNumber })
        .where("id", "=", Number(e.payload.campaignId))
        .execute();
      return;
    case "CampaignSpent": {
      const p = e.payload;
      w.push("campaign_spends", {
        campaign_id: Number(p.campaignId),
        epoch: Number(p.epoch),
        amount: p.amount,
        ...at,
        revoked_block: null,
      });
      w.addCampaign(Number(p.campaignId), "spent", BigInt(p.amount));
      return;
    }
    case "EpochSettled": {
      const p = e.payload;
      const epoch = Number(p.epoch);
      w.push("epochs", {
        epoch,
        root: p.root,
        inputs_hash: p.inputsHash,
        total_spent: p.totalSpent,
        active_at: Number(p.activeAt),
        revoked_block: null,
        ...at,
      });
      // One EARNING per account the settled epoch pays, after every notification before it.
      await w.flushRows();
      await trx
        .insertInto("notifications")
        .columns(["account", "kind", "epoch", "amount", "created_at", "block_number"])
        .expression((eb) =>
          eb
            .selectFrom("epoch_payouts")
            .select((s) => [
              "account",
              s.val("EARNING").as("kind"),
              "epoch",
              "amount",
              s.val(e.timestamp).as("created_at"),
              s.val(e.blockNumber).as("block_number"),
            ])
            .where("epoch", "=", epoch)
            .where((s) => s(s.fn("lower", ["root"]), "=", p.root.toLowerCase()))
            .where("amount", "<>", "0")
            // By account (the order of the primary key (epoch, account)): both engines number them alike.
            .orderBy("account"),
        )
        .execute();
      return;
    }
    case "EpochManifest":
      w.push("epoch_manifests", { epoch: Number(e.payload.epoch), manifest: e.payload.manifest, ...at });
      return;
    case "EpochRevoked": {
      await w.flushRows();
      const epoch = Number(e.payload.epoch);
      await trx
        .updateTable("epochs")
        .set({ revoked_block: e.blockNumber })
        .where("epoch", "=", epoch)
        .where("revoked_block", "is", null)
        .execute();
      const live = await trx
        .selectFrom("campaign_spends")
        .select(["campaign_id", "amount"])
        .where("epoch", "=", epoch)
        .where("revoked_block", "is", null)
        .execute();
      await trx
        .updateTable("campaign_spends")
        .set({ revoked_block: e.blockNumber })
        .where("epoch", "=", epoch)
        .where("revoked_block", "is", null)
        .execute();
      for (const row of live) w.addCampaign(row.campaign_id, "spent", -BigInt(row.amount));
      return;
    }
    case "Claimed": {
      const p = e.payload;
      w.push("claims", {
        account: p.account,
        epoch: Number(p.epoch),
        amount: p.amount,
        cumulative: p.cumulativeAmount,
        ...at,
      });
      return;
    }
    case "RefundWithdrawn": {
      const p = e.payload;
      w.push("refund_withdrawals", {
        campaign_id: Number(p.campaignId),
        promoter: p.promoter,
        amount: p.amount,
        ...at,
      });
      return;
    }
    case "EpochsRevoked": {
      const p = e.payload;
      w.push("epoch_revocations", { from_epoch: Number(p.fromEpoch), to_epoch: Number(p.toEpoch), ...at });
      await w.flushRows();
      // Revoked at once; EpochRevoked follows as each epoch's spends are back.
      await trx
        .updateTable("epochs")
        .set({ revoked_block: e.blockNumber })
        .where("epoch", ">=", Number(p.fromEpoch))
        .where("revoked_block", "is", null)
        .execute();
      return;
    }
    case "RoleGranted":
    case "RoleRevoked":
      w.push("role_events", {
        contract: e.address,
        role: e.payload.role,
        account: e.payload.account,
        granted: e.kind === "RoleGranted" ? 1 : 0,
        ...at,
      });
      return;
    case "RoleChangeScheduled": {
      const p = e.payload;
      w.push("role_changes", {
        role: p.role,
        account: p.account,
        grant: p.grant ? 1 : 0,
        ready_at: Number(p.readyAt),
        status: "scheduled",
        closed_by: null,
        closed_block: null,
        ...at,
      });
      return;
    }
    case "RoleChangeExecuted":
    case "RoleChangeCancelled": {
      await w.flushRows();
      const p = e.payload;
      const cancelled = e.kind === "RoleChangeCancelled";
      await trx
        .updateTable("role_changes")
        .set({
          status: cancelled ? "cancelled" : "executed",
          closed_by: cancelled ? (e.payload as { by: string }).by : null,
          closed_block: e.blockNumber,
        })
        .where("role", "=", p.role)
        .where("account", "=", p.account)
        .where("grant", "=", p.grant ? 1 : 0)
        .where("status", "=", "scheduled")
        .execute();
      return;
    }
    case "Paused":
    case "Unpaused":
      w.push("escrow_pauses", {
        paused: e.kind === "Paused" ? 1 : 0,
        account: e.payload.account,
        paused_for: e.kind === "Unpaused" ? Number(e.payload.pausedFor) : null,
        timestamp: e.timestamp,
        ...at,
      });
      return;
    case "EpochDisputed": {
      await w.flushRows();
      const p = e.payload;
      const settlement = await trx
        .selectFrom("epochs")
        .select(["block_number", "log_index"])
        .where("epoch", "=", Number(p.epoch))
        .orderBy("block_number", "desc")
        .orderBy("log_index", "desc")
        .limit(1)
        .executeTakeFirst();
      w.push("disputes", {
        epoch: Number(p.epoch),
        disputer: p.disputer,
        bond: p.bond,
        deadline: Number(p.deadline),
        status: 1,
        paid: null,
        settled_block: settlement?.block_number ?? null,
        settled_log: settlement?.log_index ?? null,
        resolved_block: null,
        ...at,
      });
      return;
    }
    case "DisputeResolved": {
      await w.flushRows();
      const p = e.payload;
      const open = await trx
        .selectFrom("disputes")
        .select(["block_number", "log_index"])
        .where("epoch", "=", Number(p.epoch))
        .where("disputer", "=", p.disputer)
        .where("status", "=", 1)
        .orderBy("block_number")
        .orderBy("log_index")
        .limit(1)
        .executeTakeFirst();
      if (open)
        await trx
          .updateTable("disputes")
          .set({ status: Number(p.status), paid: p.paidToDisputer, resolved_block: e.blockNumber })
          .where("block_number", "=", open.block_number)
          .where("log_index", "=", open.log_index)
          .execute();
      return;
    }
    case "DisputePoolFunded":
      w.push("dispute_pool_fundings", { funder: e.payload.funder, amount: e.payload.amount, ...at });
      return;
  }
}

/** Undo of counter changes; row inserts and `*_block` marks are undone in bulk by rollbackTo. */
async function undoEvent(
  trx: Trx,
  w: Writer,
  kind: ChainEventKind,
  payload: Record<string, string>,
  blockNumber: number,
): Promise<void> {
  switch (kind) {
    case "Transfer": {
      const v = BigInt(payload.value as string);
      w.addBalance(payload.from as string, v);
      w.addBalance(payload.to as string, -v);
      return;
    }
    case "CampaignToppedUp":
      w.addCampaign(Number(payload.campaignId), "budget", -BigInt(payload.amount as string));
      return;
    case "CampaignSpent":
      w.addCampaign(Number(payload.campaignId), "spent", -BigInt(payload.amount as string));
      return;
    case "EpochRevoked": {
      const epoch = Number(payload.epoch);
      const revoked = await trx
        .selectFrom("campaign_spends")
        .select(["campaign_id", "amount"])
        .where("epoch", "=", epoch)
        .where("revoked_block", "=", blockNumber)
        .execute();
      await trx
        .updateTable("campaign_spends")
        .set({ revoked_block: null })
        .where("epoch", "=", epoch)
        .where("revoked_block", "=", blockNumber)
        .execute();
      for (const row of revoked) w.addCampaign(row.campaign_id, "spent", BigInt(row.amount));
      await trx
        .updateTable("epochs")
        .set({ revoked_block: null })
        .where("epoch", "=", epoch)
        .where("revoked_block", "=", blockNumber)
        .execute();
      return;
    }
    default:
      return;
  }
}

const CREATED_AFTER = [
  "chain_events",
  "communities",
  "moderators",
  "posts",
  "post_topics",
  "campaigns",
  "campaign_spends",
  "epochs",
  "epoch_manifests",
  "claims",
  "refund_withdrawals",
  "epoch_revocations",
  "escrow_pauses",
  "role_events",
  "role_changes",
  "disputes",
  "dispute_pool_fundings",
  "notifications",
  "post_mentions",
] as const;

async function deleteAfter(trx: Trx, n: number): Promise<void> {
  await trx.deleteFrom("blocks").where("number", ">", n).execute();
  for (const table of CREATED_AFTER) await trx.deleteFrom(table).where("block_number", ">", n).execute();
  await trx.updateTable("moderators").set({ removed_block: null }).where("removed_block", ">", n).execute();
  await trx
    .updateTable("campaigns")
    .set({ refunded_amount: "0", refunded_block: null })
    .where("refunded_block", ">", n)
    .execute();
  await trx.updateTable("epochs").set({ revoked_block: null }).where("revoked_block", ">", n).execute();
  await trx
    .updateTable("role_changes")
    .set({ status: "scheduled", closed_by: null, closed_block: null })
    .where("closed_block", ">", n)
    .execute();
  await trx
    .updateTable("disputes")
    .set({ status: 1, paid: null, resolved_block: null })
    .where("resolved_block", ">", n)
    .execute();
}

/**
 * The store over an engine (or a bare Kysely handle). Given a PostgreSQL engine, a batch runs on
 * one pooled connection and its bulk rows go by COPY FROM STDIN in the same transaction; a bare
 * handle (or SQLite) writes multi-row INSERTs. Either way one batch is one transaction.
 */
export function createKyselyChainStore(target: Db | StoreEngine): AsyncChainStore {
  const db = target instanceof Kysely ? target : target.db;
  const pool: pg.Pool | null = target instanceof Kysely ? null : target.pool;
  /** Runs `fn` in one transaction with the bulk writer for it. */
  const inTransaction = <T>(fn: (trx: Trx, bulk: BulkWriter) => Promise<T>): Promise<T> =>
    pool
      ? onePgTransaction(pool, (s) => fn(s.q, copyWriter(s)))
      : db.transaction().execute((trx) => fn(trx, valuesWriter(trx)));
  const checkpoint = async (q: Db | Trx) =>
    ((await q.selectFrom("checkpoint").select(checkpointColumns).where("id", "=", 1).executeTakeFirst()) as
      | Checkpoint
      | undefined) ?? null;

  return {
    getCheckpoint: () => checkpoint(db),
    getBlock: async (n) =>
      (await db.selectFrom("blocks").select(blockColumns).where("number", "=", n).executeTakeFirst()) ?? null,
    blocksDescending: (from, limit) =>
      db
        .selectFrom("blocks")
        .select(blockColumns)
        .where("number", "<=", from)
        .orderBy("number", "desc")
        .limit(limit)
        .execute(),
    applyBatch: (batch) =>
      inTransaction(async (trx, bulk) => {
        await putBlocks(trx, batch.blocks);
        const w = writer(trx, bulk);
        const events: Insertable<StoreTables["chain_events"]>[] = [];
        for (const e of batch.events) {
          events.push({
            block_number: e.blockNumber,
            tx_index: e.txIndex,
            log_index: e.logIndex,
            block_hash: e.blockHash,
            tx_hash: e.txHash,
            address: e.address,
            kind: e.kind,
            payload: JSON.stringify(e.payload),
          });
        }
        // Sent at once and awaited after the fold: the connection runs the statements in order
        // while this process folds the events (the database and the fold overlap on two cores).
        const stored = bulk.rows([["chain_events", events]]);
        stored.catch(() => undefined);
        try {
          for (const e of batch.events) await applyEvent(trx, w, e);
        } catch (error) {
          await stored; // a failed insert of the events is the cause: report it
          throw error;
        }
        await stored;
        await w.flush();
        await putCheckpoint(trx, batch.checkpoint);
      }),
    rollbackTo: (ancestor, headBlock) =>
      inTransaction(async (trx, bulk) => {
        const rows = await trx
          .selectFrom("chain_events")
          .select(["kind", "payload", "block_number"])
          .where("block_number", ">", ancestor.number)
          .orderBy("block_number", "desc")
          .orderBy("log_index", "desc")
          .execute();
        const w = writer(trx, bulk);
        for (const row of rows)
          await undoEvent(trx, w, row.kind as ChainEventKind, JSON.parse(row.payload), row.block_number);
        await w.flushCounters();
        await deleteAfter(trx, ancestor.number);
        // An ancestor without a hash is the block before the start block on a chain that has no such block.
        if (ancestor.hash) await putBlocks(trx, [ancestor]);
        const current = await checkpoint(trx);
        await putCheckpoint(trx, {
          blockNumber: ancestor.number,
          blockHash: ancestor.hash || null,
          finalizedBlock: Math.min(current?.finalizedBlock ?? ancestor.number, ancestor.number),
          headBlock,
        });
        return rows.length;
      }),
    pruneBlocks: async (from, below) => {
      await db
        .deleteFrom("blocks")
        .where("number", ">=", from)
        .where("number", "<", below)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("chain_events as e")
                .select("e.block_number")
                .whereRef("e.block_number", "=", "blocks.number"),
            ),
          ),
        )
        .execute();
    },
  };
}
