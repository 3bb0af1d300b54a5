/** The membership queries on both engines over the same rows, paged to the end. */
import { describe, expect, it } from "vitest";
import { addr, seedChainRows } from "#test-kit/chain-rows.ts";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import { membershipQueries } from "./memberships.ts";

describe("membership queries on SQLite and PostgreSQL", () => {
  const pair = enginePairForSuite(seedChainRows);

  it("pages members to the end and reads counts, one membership and an account's communities", async () => {
    let after: string | null = null;
    const members: string[] = [];
    for (;;) {
      const page = await pair.same((r) => membershipQueries(r).members(1, 4, after));
      members.push(...page.rows.map((m) => m.address));
      if (!page.hasNextPage) break;
      after = page.rows.at(-1)?.address ?? null;
    }
    // Accounts 10..34, less the four that left (12, 18, 24, 30).
    expect(members).toHaveLength(21);
    expect(await pair.same((r) => membershipQueries(r).memberCount(1))).toBe(21);
    expect(await pair.same((r) => membershipQueries(r).memberCount(999))).toBe(0);
    expect(await pair.same((r) => membershipQueries(r).isMember(1, addr(11)))).toBe(true);
    expect(await pair.same((r) => membershipQueries(r).isMember(1, addr(12)))).toBe(false);
    expect(await pair.same((r) => membershipQueries(r).isMember(1, addr(999)))).toBe(false);
    expect((await pair.same((r) => membershipQueries(r).memberships(addr(10)))).map((c) => c.id)).toEqual([
      1, 2,
    ]);
    expect(await pair.same((r) => membershipQueries(r).memberships(addr(999)))).toEqual([]);
  });
});
