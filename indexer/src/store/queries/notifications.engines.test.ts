/** The notification queries on both engines over the same rows: pages to the end, read marker, unread count. */
import { describe, expect, it } from "vitest";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import { SOCIAL_NOW, seedSocial, socialAlice, socialCarol } from "#test-kit/social-seed.ts";
import { notificationQueries } from "./notifications.ts";

describe("notification queries on SQLite and PostgreSQL", () => {
  const pair = enginePairForSuite(seedSocial);

  it("pages an account's notifications newest first to the end", async () => {
    const total = (
      pair.db().prepare("SELECT COUNT(*) AS n FROM notifications WHERE account = ?").get(socialAlice) as {
        n: number;
      }
    ).n;
    expect(total).toBeGreaterThan(10);
    const ids: number[] = [];
    let after: number | null = null;
    for (;;) {
      const page = await pair.same((r) => notificationQueries(r).notifications(socialAlice, 6, after));
      for (const n of page.rows) expect(n.readUntil).toBe(SOCIAL_NOW - 100);
      ids.push(...page.rows.map((n) => n.id));
      const last = page.rows.at(-1);
      if (!page.hasNextPage || !last) break;
      after = last.id;
    }
    expect(ids).toHaveLength(total);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    const kinds = new Set(
      (await pair.same((r) => notificationQueries(r).notifications(socialAlice, 100, null))).rows.map(
        (n) => n.kind,
      ),
    );
    expect([...kinds].sort()).toEqual(["COMMENT", "FOLLOW", "LIKE", "MENTION", "QUOTE", "REPLY", "REPOST"]);
    expect(await pair.same((r) => notificationQueries(r).notifications("0x0", 5, null))).toEqual({
      rows: [],
      hasNextPage: false,
    });
  });

  it("answers the read marker and the unread count alike", async () => {
    expect(await pair.same((r) => notificationQueries(r).notificationReadUntil(socialAlice))).toBe(
      SOCIAL_NOW - 100,
    );
    expect(await pair.same((r) => notificationQueries(r).notificationReadUntil(socialCarol))).toBe(0);
    const unread = await pair.same((r) => notificationQueries(r).unreadCount(socialAlice));
    const expected = (
      pair
        .db()
        .prepare("SELECT COUNT(*) AS n FROM notifications WHERE account = ? AND created_at > ?")
        .get(socialAlice, SOCIAL_NOW - 100) as { n: number }
    ).n;
    expect(unread).toBe(expected);
    expect(unread).toBeGreaterThan(0);
    expect(await pair.same((r) => notificationQueries(r).unreadCount("0x0"))).toBe(0);
  });
});
