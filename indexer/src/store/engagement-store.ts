/**
 * The append-only engagement log and the state derived from it (delegations,
 * follows, policies, per-post counts). Entries arrive already verified; the
 * store assigns `seq` in arrival order and updates derived tables in the same
 * transaction.
 */
import type { Db } from "./db.ts";
import type { Delegation, LogEntry, NewLogEntry } from "./engine/engagement-store.ts";
import { createNotificationWriter } from "./notifications.ts";

export type { Delegation, LogEntry, NewLogEntry } from "./engine/engagement-store.ts";

export interface EngagementStore {
  append(entry: NewLogEntry): number;
  /** Appends many entries in one transaction (replay); returns the last seq. */
  appendMany(entries: NewLogEntry[]): number;
  entryByNonce(account: string, nonce: string): LogEntry | null;
  delegation(account: string, sessionKey: string): Delegation | null;
  postExists(postId: bigint): boolean;
  /** The post's publication time (its block's), or null when there is no such post. */
  postCreatedAt(postId: bigint): number | null;
  campaignPost(campaignId: bigint): number | null;
  /** The post's author (lowercase), or null when there is no such post. */
  postAuthor(postId: bigint): string | null;
  /** Whether the post's author deleted it (DeletePost). */
  postDeleted(postId: bigint): boolean;
  /** Whether `account` likes `postId` now (a Like not followed by an Unlike). */
  likes(account: string, postId: bigint): boolean;
  /** Whether `account` has shared (reposted) `postId`. */
  shared(account: string, postId: bigint): boolean;
  /** Whether the content store holds an image with this sha256 (64 hex digits, no 0x). */
  mediaExists(hash: string): boolean;
  communityExists(communityId: bigint): boolean;
  lastSeq(): number;
  entries(fromSeq: number, toSeq: number): IterableIterator<LogEntry>;
}

const ENTRY_COLUMNS =
  "seq, kind, account, signer, nonce, json, signature, timestamp, received_at AS receivedAt";

export function createEngagementStore(db: Db): EngagementStore {
  const notify = createNotificationWriter(db);
  const s = {
    insert: db.prepare(
      "INSERT INTO engagement_log (kind, account, signer, nonce, post_id, campaign_id, json, signature, timestamp, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    byNonce: db.prepare(`SELECT ${ENTRY_COLUMNS} FROM engagement_log WHERE account = ? AND nonce = ?`),
    delegation: db.prepare(
      `SELECT d.account, d.session_key AS sessionKey, d.expires_at AS expiresAt, d.revoked,
         COALESCE((SELECT timestamp FROM engagement_log WHERE seq = d.seq), 0) AS since
       FROM delegations d WHERE d.account = ? AND d.session_key = ?`,
    ),
    putDelegation: db.prepare(
      "INSERT INTO delegations (account, session_key, expires_at, revoked, seq) VALUES (?, ?, ?, 0, ?) ON CONFLICT (account, session_key) DO UPDATE SET expires_at = excluded.expires_at, revoked = 0, seq = excluded.seq",
    ),
    revokeDelegation: db.prepare(
      "UPDATE delegations SET revoked = 1, seq = ? WHERE account = ? AND session_key = ?",
    ),
    follow: db.prepare("INSERT OR IGNORE INTO follows (follower, target, seq) VALUES (?, ?, ?)"),
    unfollow: db.prepare("DELETE FROM follows WHERE follower = ? AND target = ?"),
    policy: db.prepare(
      "INSERT OR REPLACE INTO policies (account, mode, communities, topics, blocked_promoters, seq) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    like: db.prepare("INSERT OR IGNORE INTO likes (post_id, account, seq) VALUES (?, ?, ?)"),
    unlike: db.prepare("DELETE FROM likes WHERE post_id = ? AND account = ?"),
    unlikeStat: db.prepare("UPDATE post_stats SET likes = max(0, likes - 1) WHERE post_id = ?"),
    likes: db.prepare("SELECT 1 FROM likes WHERE post_id = ? AND account = ?").pluck(),
    shared: db.prepare("SELECT 1 FROM post_share_marks WHERE post_id = ? AND account = ?").pluck(),
    stat: {
      likes: db.prepare(
        "INSERT INTO post_stats (post_id, likes) VALUES (?, 1) ON CONFLICT (post_id) DO UPDATE SET likes = likes + 1",
      ),
      comments: db.prepare(
        "INSERT INTO post_stats (post_id, comments) VALUES (?, 1) ON CONFLICT (post_id) DO UPDATE SET comments = comments + 1",
      ),
      shares: db.prepare(
        "INSERT INTO post_stats (post_id, shares) VALUES (?, 1) ON CONFLICT (post_id) DO UPDATE SET shares = shares + 1",
      ),
      views: db.prepare(
        "INSERT INTO post_stats (post_id, views) VALUES (?, 1) ON CONFLICT (post_id) DO UPDATE SET views = views + 1",
      ),
      boughtViews: db.prepare(
        "INSERT INTO post_stats (post_id, bought_views) VALUES (?, 1) ON CONFLICT (post_id) DO UPDATE SET bought_views = bought_views + 1",
      ),
    },
    postExists: db.prepare("SELECT 1 FROM posts WHERE id = ?").pluck(),
    postCreatedAt: db.prepare("SELECT created_at FROM posts WHERE id = ?").pluck(),
    postAuthor: db.prepare("SELECT author FROM posts WHERE id = ?").pluck(),
    postDeleted: db.prepare("SELECT 1 FROM post_deletions WHERE post_id = ?").pluck(),
    deletePost: db.prepare(
      "INSERT OR IGNORE INTO post_deletions (post_id, account, seq, timestamp) VALUES (?, ?, ?, ?)",
    ),
    // A view counts once per account, post and day (of its timestamp), a share once per account and post.
    markView: db.prepare(
      "INSERT OR IGNORE INTO post_view_marks (post_id, account, day, bought) VALUES (?, ?, ?, ?)",
    ),
    markShare: db.prepare("INSERT OR IGNORE INTO post_share_marks (post_id, account) VALUES (?, ?)"),
    campaignPost: db.prepare("SELECT post_id FROM campaigns WHERE id = ?").pluck(),
    communityExists: db.prepare("SELECT 1 FROM communities WHERE id = ?").pluck(),
    // The latest Membership per account and community wins (by timestamp, then seq, as policies do).
    membership: db.prepare(
      `INSERT INTO memberships (community_id, account, member, timestamp, seq) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (community_id, account) DO UPDATE SET member = excluded.member, timestamp = excluded.timestamp, seq = excluded.seq
       WHERE excluded.timestamp >= memberships.timestamp`,
    ),
    lastSeq: db.prepare("SELECT COALESCE(MAX(seq), 0) FROM engagement_log").pluck(),
    profile: db.prepare(
      "INSERT INTO profiles (account, name, bio, avatar, seq, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account) DO UPDATE SET name = excluded.name, bio = excluded.bio, avatar = excluded.avatar, seq = excluded.seq, updated_at = excluded.updated_at",
    ),
    // A name the account did not hold just before (by log order) starts a new holding.
    profileName: db.prepare(
      `INSERT INTO profile_names (account, name, since, seq) SELECT @account, @name, @since, @seq
       WHERE coalesce((SELECT name FROM profile_names WHERE account = @account ORDER BY seq DESC LIMIT 1) <> @name COLLATE NOCASE, 1)`,
    ),
    mediaExists: db.prepare("SELECT 1 FROM media WHERE hash = ?").pluck(),
    range: db.prepare(`SELECT ${ENTRY_COLUMNS} FROM engagement_log WHERE seq >= ? AND seq <= ? ORDER BY seq`),
  };

  const one = (e: NewLogEntry): number => {
    const m = e.message;
    const postId = typeof m.postId === "string" ? Number(m.postId) : null;
    const campaignId = typeof m.campaignId === "string" && m.campaignId !== "0" ? Number(m.campaignId) : null;
    const seq = Number(
      s.insert.run(
        e.kind,
        m.account,
        e.signer,
        m.nonce,
        postId,
        campaignId,
        e.json,
        e.signature,
        Number(m.timestamp),
        e.receivedAt,
      ).lastInsertRowid,
    );
    switch (e.kind) {
      case "Delegation":
        s.putDelegation.run(m.account, m.sessionKey, Number(m.expiresAt), seq);
        break;
      case "RevokeDelegation":
        s.revokeDelegation.run(seq, m.account, m.sessionKey);
        break;
      case "Follow":
        if (m.follow) {
          if (s.follow.run(m.account, m.target, seq).changes > 0)
            notify.add({
              account: m.target as string,
              kind: "FOLLOW",
              actor: m.account,
              createdAt: e.receivedAt,
              seq,
            });
        } else s.unfollow.run(m.account, m.target);
        break;
      case "View":
        if (
          s.markView.run(
            postId,
            m.account,
            Math.floor(Number(m.timestamp) / 86_400),
            campaignId === null ? 0 : 1,
          ).changes > 0
        )
          (campaignId === null ? s.stat.views : s.stat.boughtViews).run(postId);
        break;
      case "Like":
        if (s.like.run(postId, m.account, seq).changes > 0) {
          s.stat.likes.run(postId);
          notify.toAuthor(postId as number, { kind: "LIKE", actor: m.account, createdAt: e.receivedAt, seq });
        }
        break;
      case "Unlike":
        if (s.unlike.run(postId, m.account).changes > 0) {
          s.unlikeStat.run(postId);
          notify.unlike(postId as number, m.account);
        }
        break;
      case "Comment":
        s.stat.comments.run(postId);
        notify.toAuthor(postId as number, {
          kind: "COMMENT",
          actor: m.account,
          createdAt: e.receivedAt,
          seq,
        });
        break;
      case "Share":
        if (s.markShare.run(postId, m.account).changes > 0) {
          s.stat.shares.run(postId);
          notify.toAuthor(postId as number, {
            kind: "REPOST",
            actor: m.account,
            createdAt: e.receivedAt,
            seq,
          });
        }
        break;
      case "NotificationsRead":
        notify.markRead(m.account, Number(m.readUntil), seq);
        break;
      case "Policy":
        s.policy.run(
          m.account,
          m.mode,
          JSON.stringify(m.communities),
          JSON.stringify(m.topics),
          JSON.stringify(m.blockedPromoters),
          seq,
        );
        break;
      case "Profile":
        s.profile.run(m.account, m.name, m.bio, m.avatar, seq, Number(m.timestamp));
        s.profileName.run({ account: m.account, name: m.name, since: Number(m.timestamp), seq });
        break;
      case "DeletePost":
        s.deletePost.run(postId, m.account, seq, Number(m.timestamp));
        break;
      case "Membership":
        s.membership.run(Number(m.communityId), m.account, m.member ? 1 : 0, Number(m.timestamp), seq);
        break;
    }
    return seq;
  };

  const append = db.transaction(one);
  const appendMany = db.transaction((entries: NewLogEntry[]) => {
    let last = 0;
    for (const e of entries) last = one(e);
    return last;
  });

  return {
    append: (e) => append(e),
    appendMany: (es) => appendMany(es),
    entryByNonce: (account, nonce) => (s.byNonce.get(account, nonce) as LogEntry | undefined) ?? null,
    delegation: (account, key) => {
      const row = s.delegation.get(account, key) as
        | (Omit<Delegation, "revoked"> & { revoked: number })
        | undefined;
      return row ? { ...row, revoked: row.revoked === 1 } : null;
    },
    postExists: (id) => id <= BigInt(Number.MAX_SAFE_INTEGER) && s.postExists.get(Number(id)) !== undefined,
    postCreatedAt: (id) =>
      id <= BigInt(Number.MAX_SAFE_INTEGER)
        ? ((s.postCreatedAt.get(Number(id)) as number | undefined) ?? null)
        : null,
    postAuthor: (id) =>
      id <= BigInt(Number.MAX_SAFE_INTEGER)
        ? ((s.postAuthor.get(Number(id)) as string | undefined) ?? null)
        : null,
    postDeleted: (id) => id <= BigInt(Number.MAX_SAFE_INTEGER) && s.postDeleted.get(Number(id)) !== undefined,
    campaignPost: (id) =>
      id <= BigInt(Number.MAX_SAFE_INTEGER)
        ? ((s.campaignPost.get(Number(id)) as number | undefined) ?? null)
        : null,
    likes: (account, id) =>
      id <= BigInt(Number.MAX_SAFE_INTEGER) && s.likes.get(Number(id), account) !== undefined,
    shared: (account, id) =>
      id <= BigInt(Number.MAX_SAFE_INTEGER) && s.shared.get(Number(id), account) !== undefined,
    mediaExists: (hash) => s.mediaExists.get(hash) !== undefined,
    communityExists: (id) =>
      id <= BigInt(Number.MAX_SAFE_INTEGER) && s.communityExists.get(Number(id)) !== undefined,
    lastSeq: () => s.lastSeq.get() as number,
    entries: (from, to) => s.range.iterate(from, to) as IterableIterator<LogEntry>,
  };
}
