/**
 * The append-only engagement log and the state derived from it (delegations,
 * follows, policies, per-post counts, notifications), written once in Kysely
 * for either engine. Entries arrive already verified. The database assigns
 * `seq` (an identity column on PostgreSQL, the rowid on SQLite) and `append`
 * resolves only after the transaction holding the entry and its derived rows
 * has committed: on PostgreSQL (fsync and synchronous_commit on) a resolved
 * append is durable, and is the acknowledgement intake may send; on SQLite
 * the group commit (`engagement/group-commit.ts`) syncs the WAL file first. Sequence
 * numbers follow commit order because one writer appends, one transaction
 * at a time (the writer lease). On PostgreSQL they increase but may skip a
 * value: an insert refused for a taken (account, nonce), or a transaction
 * rolled back, has drawn one from the identity.
 */

import type { Kysely, Transaction } from "kysely";
import { AmpError, type MessageKind } from "#protocol";
import { nameKey } from "../mentions.ts";
import type { NotificationInput } from "../notifications.ts";
import { reusable } from "./reusable.ts";
import type { StoreTables } from "./tables.ts";

/** A verified entry. `message` is the canonical JSON parsed (bigints as strings). */
export interface NewLogEntry {
  kind: MessageKind;
  signer: string;
  message: Record<string, unknown> & { account: string; nonce: string; timestamp: string };
  /** Canonical JSON of `message` (stored and exported verbatim). */
  json: string;
  signature: string;
  receivedAt: number;
}

export interface LogEntry {
  seq: number;
  kind: MessageKind;
  account: string;
  signer: string;
  nonce: string;
  json: string;
  signature: string;
  timestamp: number;
  receivedAt: number;
}

export interface Delegation {
  account: string;
  sessionKey: string;
  expiresAt: number;
  revoked: boolean;
  /** Timestamp of the delegation message in force. */
  since: number;
}

/** The log already holds an entry with this (account, nonce); nothing was written. */
export class LogNonceTakenError extends AmpError {
  override name = "LogNonceTakenError";
  constructor(account: string, nonce: string) {
    super("LOG_NONCE_TAKEN", `nonce ${nonce} of ${account} is already in the log`);
  }
}

/** One entry of a group commit: its seq, `taken` when its (account, nonce) was already in the log, or the error. */
export type BatchResult = { seq: number } | { taken: true } | { error: unknown };

export interface AsyncEngagementStore {
  /** Rejects with `LogNonceTakenError` when the (account, nonce) is already in the log. */
  append(entry: NewLogEntry): Promise<number>;
  /**
   * Group commit: appends the entries in one transaction and resolves once it has committed. An
   * entry whose (account, nonce) is taken (by an earlier entry, of this batch or of another
   * writer) is skipped and reported `taken`. Should the transaction fail as a whole (a lost
   * connection, a deadlock with another writer), each entry is retried in its own transaction,
   * so one bad entry costs only itself.
   */
  appendBatch(entries: NewLogEntry[]): Promise<BatchResult[]>;
  /** Appends many entries in one transaction (replay); returns the last seq. */
  appendMany(entries: NewLogEntry[]): Promise<number>;
  entryByNonce(account: string, nonce: string): Promise<LogEntry | null>;
  delegation(account: string, sessionKey: string): Promise<Delegation | null>;
  postExists(postId: bigint): Promise<boolean>;
  postCreatedAt(postId: bigint): Promise<number | null>;
  campaignPost(campaignId: bigint): Promise<number | null>;
  /** The post's author (lowercase), or null when there is no such post. */
  postAuthor(postId: bigint): Promise<string | null>;
  /** Whether the post's author deleted it (DeletePost). */
  postDeleted(postId: bigint): Promise<boolean>;
  likes(account: string, postId: bigint): Promise<boolean>;
  shared(account: string, postId: bigint): Promise<boolean>;
  mediaExists(hash: string): Promise<boolean>;
  communityExists(communityId: bigint): Promise<boolean>;
  lastSeq(): Promise<number>;
  entries(fromSeq: number, toSeq: number): Promise<LogEntry[]>;
}

type Db = Kysely<StoreTables>;
type Trx = Transaction<StoreTables>;
type Counter = "likes" | "comments" | "shares" | "views" | "bought_views";

const entryColumns = [
  "seq",
  "kind",
  "account",
  "signer",
  "nonce",
  "json",
  "signature",
  "timestamp",
  "received_at as receivedAt",
] as const;

const safe = (id: bigint) => id <= BigInt(Number.MAX_SAFE_INTEGER);

async function notify(q: Statements, trx: Trx, n: NotificationInput): Promise<void> {
  if (n.actor && n.actor === n.account) return;
  await q.notification.run(
    trx,
    n.account,
    n.kind,
    n.actor ?? null,
    n.postId ?? null,
    n.epoch ?? null,
    n.amount ?? null,
    n.createdAt,
    n.blockNumber ?? null,
    n.seq ?? null,
  );
}

async function toAuthor(
  q: Statements,
  trx: Trx,
  postId: number,
  n: Omit<NotificationInput, "account" | "postId">,
) {
  const author = (await q.author.run(trx, postId)).rows[0]?.author;
  if (author) await notify(q, trx, { ...n, account: author, postId });
}

async function bump(q: Statements, trx: Trx, postId: number, counter: Counter): Promise<void> {
  await q.bump[counter].run(trx, postId);
}

const affected = (r: { numAffectedRows?: bigint }) => (r.numAffectedRows ?? 0n) > 0n;

const ids = (m: NewLogEntry["message"]) => ({
  postId: typeof m.postId === "string" ? Number(m.postId) : null,
  campaignId: typeof m.campaignId === "string" && m.campaignId !== "0" ? Number(m.campaignId) : null,
});

const logRow = (e: NewLogEntry) => {
  const m = e.message;
  const { postId, campaignId } = ids(m);
  return {
    kind: e.kind,
    account: m.account,
    signer: e.signer,
    nonce: m.nonce,
    post_id: postId,
    campaign_id: campaignId,
    json: e.json,
    signature: e.signature,
    timestamp: Number(m.timestamp),
    received_at: e.receivedAt,
  };
};

/** Appends one entry and its derived rows; null (and nothing written) when its nonce is taken. */
async function appendOne(q: Statements, trx: Trx, e: NewLogEntry): Promise<number | null> {
  const r = logRow(e);
  const [row] = (
    await q.logEntry.run(
      trx,
      r.kind,
      r.account,
      r.signer,
      r.nonce,
      r.post_id,
      r.campaign_id,
      r.json,
      r.signature,
      r.timestamp,
      r.received_at,
    )
  ).rows;
  if (row === undefined) return null;
  await derive(q, trx, e, row.seq);
  return row.seq;
}

/** Log rows per INSERT in a group commit (10 parameters each, far below PostgreSQL's 65,535). */
const LOG_ROWS_PER_INSERT = 500;

/**
 * A group commit's entries inside `trx`: their log rows in multi-row INSERTs (one round trip per
 * 500 instead of one each), then each entry's derived rows in log order.
 */
async function appendAll(q: Statements, trx: Trx, entries: NewLogEntry[]): Promise<BatchResult[]> {
  const keyOf = (e: NewLogEntry) => `${e.message.account}\n${e.message.nonce}`;
  // A key twice in one batch is taken without asking the database (whose identity would skip a value).
  const first = new Map<string, NewLogEntry>();
  for (const e of entries) if (!first.has(keyOf(e))) first.set(keyOf(e), e);
  const fresh = [...first.values()];
  const seqs = new Map<string, number>();
  for (let i = 0; i < fresh.length; i += LOG_ROWS_PER_INSERT) {
    const rows = await trx
      .insertInto("engagement_log")
      .values(fresh.slice(i, i + LOG_ROWS_PER_INSERT).map(logRow))
      .onConflict((oc) => oc.columns(["account", "nonce"]).doNothing())
      .returning(["seq", "account", "nonce"])
      .execute();
    for (const r of rows) seqs.set(`${r.account}\n${r.nonce}`, r.seq);
  }
  const out: BatchResult[] = [];
  for (const e of entries) {
    const seq = first.get(keyOf(e)) === e ? seqs.get(keyOf(e)) : undefined;
    if (seq === undefined) out.push({ taken: true });
    else {
      await derive(q, trx, e, seq);
      out.push({ seq });
    }
  }
  return out;
}

/** The rows an entry derives (delegations, follows, counts, notifications, …), written with its seq. */
async function derive(q: Statements, trx: Trx, e: NewLogEntry, seq: number): Promise<void> {
  const m = e.message;
  const { postId, campaignId } = ids(m);
  const s = (k: string) => m[k] as string;
  switch (e.kind as MessageKind) {
    case "Delegation":
      await trx
        .insertInto("delegations")
        .values({
          account: m.account,
          session_key: s("sessionKey"),
          expires_at: Number(m.expiresAt),
          revoked: 0,
          seq,
        })
        .onConflict((oc) =>
          oc.columns(["account", "session_key"]).doUpdateSet((eb) => ({
            expires_at: eb.ref("excluded.expires_at"),
            revoked: 0,
            seq: eb.ref("excluded.seq"),
          })),
        )
        .execute();
      break;
    case "RevokeDelegation":
      await trx
        .updateTable("delegations")
        .set({ revoked: 1, seq })
        .where("account", "=", m.account)
        .where("session_key", "=", s("sessionKey"))
        .execute();
      break;
    case "Follow":
      if (m.follow) {
        const r = await q.follow.run(trx, m.account, s("target"), seq);
        if (affected(r))
          await notify(q, trx, {
            account: s("target"),
            kind: "FOLLOW",
            actor: m.account,
            createdAt: e.receivedAt,
            seq,
          });
      } else
        await trx
          .deleteFrom("follows")
          .where("follower", "=", m.account)
          .where("target", "=", s("target"))
          .execute();
      break;
    case "View": {
      const r = await q.viewMark.run(
        trx,
        postId as number,
        m.account,
        Math.floor(Number(m.timestamp) / 86_400),
        campaignId === null ? 0 : 1,
      );
      if (affected(r)) await bump(q, trx, postId as number, campaignId === null ? "views" : "bought_views");
      break;
    }
    case "Like": {
      const r = await q.like.run(trx, postId as number, m.account, seq);
      if (affected(r)) {
        await bump(q, trx, postId as number, "likes");
        await toAuthor(q, trx, postId as number, {
          kind: "LIKE",
          actor: m.account,
          createdAt: e.receivedAt,
          seq,
        });
      }
      break;
    }
    case "Unlike": {
      const r = await trx
        .deleteFrom("likes")
        .where("post_id", "=", postId as number)
        .where("account", "=", m.account)
        .executeTakeFirst();
      if (r.numDeletedRows > 0n) {
        await trx
          .updateTable("post_stats")
          .set((eb) => ({
            likes: eb
              .case()
              .when("likes", ">", 0)
              .then(eb("likes", "-", 1))
              .else(0)
              .end(),
          }))
          .where("post_id", "=", postId as number)
          .execute();
        await trx
          .deleteFrom("notifications")
          .where("post_id", "=", postId as number)
          .where("actor", "=", m.account)
          .where("kind", "=", "LIKE")
          .execute();
      }
      break;
    }
    case "Comment":
      await bump(q, trx, postId as number, "comments");
      await toAuthor(q, trx, postId as number, {
        kind: "COMMENT",
        actor: m.account,
        createdAt: e.receivedAt,
        seq,
      });
      break;
    case "Share": {
      const r = await q.shareMark.run(trx, postId as number, m.account);
      if (affected(r)) {
        await bump(q, trx, postId as number, "shares");
        await toAuthor(q, trx, postId as number, {
          kind: "REPOST",
          actor: m.account,
          createdAt: e.receivedAt,
          seq,
        });
      }
      break;
    }
    case "NotificationsRead":
      await trx
        .insertInto("notification_reads")
        .values({ account: m.account, read_until: Number(m.readUntil), seq })
        .onConflict((oc) =>
          oc.column("account").doUpdateSet((eb) => ({
            // The later of the two (SQLite's max() and PostgreSQL's GREATEST() differ in name).
            read_until: eb
              .case()
              .when("excluded.read_until", ">", eb.ref("notification_reads.read_until"))
              .then(eb.ref("excluded.read_until"))
              .else(eb.ref("notification_reads.read_until"))
              .end(),
            seq: eb.ref("excluded.seq"),
          })),
        )
        .execute();
      break;
    case "Policy":
      await trx
        .insertInto("policies")
        .values({
          account: m.account,
          mode: Number(m.mode),
          communities: JSON.stringify(m.communities),
          topics: JSON.stringify(m.topics),
          blocked_promoters: JSON.stringify(m.blockedPromoters),
          seq,
        })
        .onConflict((oc) =>
          oc.column("account").doUpdateSet((eb) => ({
            mode: eb.ref("excluded.mode"),
            communities: eb.ref("excluded.communities"),
            topics: eb.ref("excluded.topics"),
            blocked_promoters: eb.ref("excluded.blocked_promoters"),
            seq: eb.ref("excluded.seq"),
          })),
        )
        .execute();
      break;
    case "Profile":
      await trx
        .insertInto("profiles")
        .values({
          account: m.account,
          name: s("name"),
          bio: s("bio"),
          avatar: s("avatar"),
          seq,
          updated_at: Number(m.timestamp),
        })
        .onConflict((oc) =>
          oc.column("account").doUpdateSet((eb) => ({
            name: eb.ref("excluded.name"),
            bio: eb.ref("excluded.bio"),
            avatar: eb.ref("excluded.avatar"),
            seq: eb.ref("excluded.seq"),
            updated_at: eb.ref("excluded.updated_at"),
          })),
        )
        .execute();
      // A name the account did not hold just before (by log order) starts a new holding.
      {
        const previous = await trx
          .selectFrom("profile_names")
          .select("name")
          .where("account", "=", m.account)
          .orderBy("seq", "desc")
          .limit(1)
          .executeTakeFirst();
        if (previous === undefined || nameKey(previous.name) !== nameKey(s("name")))
          await trx
            .insertInto("profile_names")
            .values({ account: m.account, name: s("name"), since: Number(m.timestamp), seq })
            .execute();
      }
      break;
    case "DeletePost":
      if (postId !== null)
        await trx
          .insertInto("post_deletions")
          .values({ post_id: postId, account: m.account, seq, timestamp: Number(m.timestamp) })
          .onConflict((oc) => oc.column("post_id").doNothing())
          .execute();
      break;
    case "Membership":
      // The latest Membership per account and community wins (by timestamp, then seq).
      await trx
        .insertInto("memberships")
        .values({
          community_id: Number(m.communityId),
          account: m.account,
          member: m.member ? 1 : 0,
          timestamp: Number(m.timestamp),
          seq,
        })
        .onConflict((oc) =>
          oc
            .columns(["community_id", "account"])
            .doUpdateSet((eb) => ({
              member: eb.ref("excluded.member"),
              timestamp: eb.ref("excluded.timestamp"),
              seq: eb.ref("excluded.seq"),
            }))
            .where("excluded.timestamp", ">=", (eb) => eb.ref("memberships.timestamp")),
        )
        .execute();
      break;
  }
}

const taken = (e: NewLogEntry) => new LogNonceTakenError(e.message.account, e.message.nonce);

const COUNTERS: Counter[] = ["likes", "comments", "shares", "views", "bought_views"];

/** The statements intake runs for every message (or every follow, like, view...), built and compiled once. */
function statements(db: Db) {
  const bumpOf = (counter: Counter) =>
    reusable(db, 1, (d, postId: number) =>
      d
        .insertInto("post_stats")
        .values({ post_id: postId, [counter]: 1 })
        .onConflict((oc) =>
          oc.column("post_id").doUpdateSet((eb) => ({ [counter]: eb(`post_stats.${counter}`, "+", 1) })),
        ),
    );
  return {
    logEntry: reusable(
      db,
      10,
      (
        d,
        kind: string,
        account: string,
        signer: string,
        nonce: string,
        postId: number | null,
        campaignId: number | null,
        json: string,
        signature: string,
        timestamp: number,
        receivedAt: number,
      ) =>
        d
          .insertInto("engagement_log")
          .values({
            kind,
            account,
            signer,
            nonce,
            post_id: postId,
            campaign_id: campaignId,
            json,
            signature,
            timestamp,
            received_at: receivedAt,
          })
          // A concurrent writer's uncommitted entry with the same key makes this wait for its outcome.
          .onConflict((oc) => oc.columns(["account", "nonce"]).doNothing())
          .returning("seq"),
    ),
    viewMark: reusable(db, 4, (d, postId: number, account: string, day: number, bought: number) =>
      d
        .insertInto("post_view_marks")
        .values({ post_id: postId, account, day, bought })
        .onConflict((oc) => oc.doNothing()),
    ),
    like: reusable(db, 3, (d, postId: number, account: string, seq: number) =>
      d
        .insertInto("likes")
        .values({ post_id: postId, account, seq })
        .onConflict((oc) => oc.doNothing()),
    ),
    shareMark: reusable(db, 2, (d, postId: number, account: string) =>
      d
        .insertInto("post_share_marks")
        .values({ post_id: postId, account })
        .onConflict((oc) => oc.doNothing()),
    ),
    author: reusable(db, 1, (d, postId: number) =>
      d.selectFrom("posts").select("author").where("id", "=", postId),
    ),
    bump: Object.fromEntries(COUNTERS.map((c) => [c, bumpOf(c)])) as Record<
      Counter,
      ReturnType<typeof bumpOf>
    >,
    byNonce: reusable(db, 2, (d, account: string, nonce: string) =>
      d
        .selectFrom("engagement_log")
        .select(entryColumns)
        .where("account", "=", account)
        .where("nonce", "=", nonce),
    ),
    follow: reusable(db, 3, (d, follower: string, target: string, seq: number) =>
      d
        .insertInto("follows")
        .values({ follower, target, seq })
        .onConflict((oc) => oc.doNothing()),
    ),
    notification: reusable(
      db,
      9,
      (
        d,
        account: string,
        kind: string,
        actor: string | null,
        postId: number | null,
        epoch: number | null,
        amount: string | null,
        createdAt: number,
        blockNumber: number | null,
        seq: number | null,
      ) =>
        d.insertInto("notifications").values({
          account,
          kind,
          actor,
          post_id: postId,
          epoch,
          amount,
          created_at: createdAt,
          block_number: blockNumber,
          seq,
        }),
    ),
  };
}

type Statements = ReturnType<typeof statements>;

export function createKyselyEngagementStore(db: Db): AsyncEngagementStore {
  const q = statements(db);
  const exists = async (q: Promise<unknown>) => (await q) !== undefined;
  const append = (e: NewLogEntry) =>
    db.transaction().execute(async (trx) => {
      const seq = await appendOne(q, trx, e);
      if (seq === null) throw taken(e);
      return seq;
    });
  return {
    append,
    async appendBatch(entries) {
      if (entries.length === 0) return [];
      try {
        return await db.transaction().execute((trx) => appendAll(q, trx, entries));
      } catch {
        // Rolled back as a whole: nothing of it was written. One transaction per entry instead.
        const out: BatchResult[] = [];
        for (const e of entries) {
          try {
            out.push({ seq: await append(e) });
          } catch (error) {
            out.push(error instanceof LogNonceTakenError ? { taken: true } : { error });
          }
        }
        return out;
      }
    },
    appendMany: (entries) =>
      db.transaction().execute(async (trx) => {
        let last = 0;
        for (const e of entries) {
          const seq = await appendOne(q, trx, e);
          if (seq === null) throw taken(e);
          last = seq;
        }
        return last;
      }),
    entryByNonce: async (account, nonce) =>
      ((await q.byNonce.run(db, account, nonce)).rows[0] as LogEntry | undefined) ?? null,
    delegation: async (account, key) => {
      const row = await db
        .selectFrom("delegations as d")
        .select((eb) => [
          "d.account",
          "d.session_key as sessionKey",
          "d.expires_at as expiresAt",
          "d.revoked",
          eb.fn
            .coalesce(
              eb.selectFrom("engagement_log as l").select("l.timestamp").whereRef("l.seq", "=", "d.seq"),
              eb.lit(0),
            )
            .as("since"),
        ])
        .where("d.account", "=", account)
        .where("d.session_key", "=", key)
        .executeTakeFirst();
      return row ? { ...row, since: Number(row.since), revoked: row.revoked === 1 } : null;
    },
    postExists: (id) =>
      safe(id)
        ? exists(db.selectFrom("posts").select("id").where("id", "=", Number(id)).executeTakeFirst())
        : Promise.resolve(false),
    postCreatedAt: async (id) =>
      safe(id)
        ? ((await db.selectFrom("posts").select("created_at").where("id", "=", Number(id)).executeTakeFirst())
            ?.created_at ?? null)
        : null,
    postAuthor: async (id) =>
      safe(id)
        ? ((await db.selectFrom("posts").select("author").where("id", "=", Number(id)).executeTakeFirst())
            ?.author ?? null)
        : null,
    postDeleted: (id) =>
      safe(id)
        ? exists(
            db
              .selectFrom("post_deletions")
              .select("post_id")
              .where("post_id", "=", Number(id))
              .executeTakeFirst(),
          )
        : Promise.resolve(false),
    campaignPost: async (id) =>
      safe(id)
        ? ((
            await db.selectFrom("campaigns").select("post_id").where("id", "=", Number(id)).executeTakeFirst()
          )?.post_id ?? null)
        : null,
    likes: (account, id) =>
      safe(id)
        ? exists(
            db
              .selectFrom("likes")
              .select("seq")
              .where("post_id", "=", Number(id))
              .where("account", "=", account)
              .executeTakeFirst(),
          )
        : Promise.resolve(false),
    shared: (account, id) =>
      safe(id)
        ? exists(
            db
              .selectFrom("post_share_marks")
              .select("post_id")
              .where("post_id", "=", Number(id))
              .where("account", "=", account)
              .executeTakeFirst(),
          )
        : Promise.resolve(false),
    mediaExists: (hash) =>
      exists(db.selectFrom("media").select("hash").where("hash", "=", hash).executeTakeFirst()),
    communityExists: (id) =>
      safe(id)
        ? exists(db.selectFrom("communities").select("id").where("id", "=", Number(id)).executeTakeFirst())
        : Promise.resolve(false),
    lastSeq: async () =>
      Number(
        (
          await db
            .selectFrom("engagement_log")
            .select((eb) => eb.fn.coalesce(eb.fn.max("seq"), eb.lit(0)).as("last"))
            .executeTakeFirstOrThrow()
        ).last,
      ),
    entries: async (from, to) =>
      (await db
        .selectFrom("engagement_log")
        .select(entryColumns)
        .where("seq", ">=", from)
        .where("seq", "<=", to)
        .orderBy("seq")
        .execute()) as LogEntry[],
  };
}
