/** The community queries on both engines over the same rows, paged to the end. */
import { describe, expect, it } from "vitest";
import { addr, FOUNDER, seedChainRows } from "#test-kit/chain-rows.ts";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import { communityQueries } from "./communities.ts";

describe("community queries on SQLite and PostgreSQL", () => {
  const pair = enginePairForSuite(seedChainRows);

  it("pages communities to the end and reads one, its moderators and post count", async () => {
    let after: number | null = null;
    const ids: number[] = [];
    for (;;) {
      const page = await pair.same((r) => communityQueries(r).communities(6, after));
      ids.push(...page.rows.map((c) => c.id));
      if (!page.hasNextPage) break;
      after = page.rows.at(-1)?.id ?? null;
    }
    expect(ids).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(await pair.same((r) => communityQueries(r).community(1))).toMatchObject({
      id: 1,
      founder: FOUNDER,
      name: "general",
    });
    expect(await pair.same((r) => communityQueries(r).community(999))).toBeNull();
    expect(await pair.same((r) => communityQueries(r).moderators(1))).toEqual([FOUNDER, addr(5), addr(7)]);
    expect(await pair.same((r) => communityQueries(r).moderators(999))).toEqual([]);
    expect(await pair.same((r) => communityQueries(r).postCount(1))).toBe(12);
    expect(await pair.same((r) => communityQueries(r).postCount(2))).toBe(0);
  });
});
