/** The engagement log query on both engines over the same rows: every filter paged to the end. */
import { describe, expect, it } from "vitest";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import { seedSocial, socialBob } from "#test-kit/social-seed.ts";
import { messageQueries } from "./messages.ts";

describe("message queries on SQLite and PostgreSQL", () => {
  const pair = enginePairForSuite(seedSocial);

  it("pages every filter to the end with the same rows", async () => {
    const total = pair.db().prepare("SELECT COUNT(*) AS n FROM engagement_log").get() as { n: number };
    const filters = [
      {},
      { account: socialBob },
      { kind: "Like" },
      { account: socialBob, kind: "Share" },
      { kind: "Nope" },
    ];
    const counts: number[] = [];
    for (const filter of filters) {
      const seqs: number[] = [];
      let after: number | null = null;
      for (;;) {
        const page = await pair.same((r) => messageQueries(r).messages(filter, 4, after));
        seqs.push(...page.rows.map((m) => m.seq));
        const last = page.rows.at(-1);
        if (!page.hasNextPage || !last) break;
        after = last.seq;
      }
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(seqs.length);
      counts.push(seqs.length);
    }
    expect(counts[0]).toBe(total.n);
    expect(counts.slice(1)).toEqual([1 + 1 + 3 + 1 + 1 + 1 + 10, 6 + 20, 1, 0]);
    const one = await pair.same((r) => messageQueries(r).messages({ kind: "Profile" }, 1, null));
    expect(one.rows[0]).toMatchObject({ kind: "Profile", signature: "0x" });
    expect(typeof one.rows[0]?.receivedAt).toBe("number");
  });
});
