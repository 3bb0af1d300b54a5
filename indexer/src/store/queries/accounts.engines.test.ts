/** The account queries on both engines over the same rows: balances, follows walked to the end, policy, delegations, nonces. */
import { describe, expect, it } from "vitest";
import { addr, FOUNDER, MAX_UINT256, seedChainRows } from "#test-kit/chain-rows.ts";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import { accountQueries } from "./accounts.ts";
import type { Reader } from "./sql-reader.ts";

describe("account queries on SQLite and PostgreSQL", () => {
  const pair = enginePairForSuite(seedChainRows);
  const q = (r: Reader) => accountQueries(r);

  it("reads balances exactly, up to 2^256 - 1, and 0 for an unknown account", async () => {
    expect(await pair.same((r) => q(r).balance(addr(100)))).toBe(MAX_UINT256);
    expect(await pair.same((r) => q(r).balance(addr(19)))).toBe(`1${"0".repeat(19)}`);
    expect(await pair.same((r) => q(r).balance(addr(999)))).toBe("0");
  });

  it("pages followers and following to the end, with the same counts", async () => {
    for (const [list, total] of [
      ["followers", 23],
      ["following", 17],
    ] as const) {
      let after: string | null = null;
      const seen: string[] = [];
      for (;;) {
        const page = await pair.same((r) => q(r)[list](FOUNDER, 5, after));
        seen.push(...page.rows.map((row) => row.address));
        if (!page.hasNextPage) break;
        after = page.rows.at(-1)?.address ?? null;
      }
      expect(seen).toHaveLength(total);
      expect([...seen].sort()).toEqual(seen);
    }
    expect(await pair.same((r) => q(r).followerCount(FOUNDER))).toBe(23);
    expect(await pair.same((r) => q(r).followingCount(FOUNDER))).toBe(17);
    expect(await pair.same((r) => q(r).followerCount(addr(999)))).toBe(0);
    expect(typeof (await q(pair.postgres()).followerCount(FOUNDER))).toBe("number");
  });

  it("reads the policy, the delegations in order and the largest nonce by value", async () => {
    expect(await pair.same((r) => q(r).policy(FOUNDER))).toEqual({
      mode: 2,
      communities: '["1","2"]',
      topics: "[]",
      blockedPromoters: `["${addr(3)}"]`,
    });
    expect(await pair.same((r) => q(r).policy(addr(999)))).toBeNull();
    expect((await pair.same((r) => q(r).delegations(FOUNDER))).map((d) => [d.sessionKey, d.revoked])).toEqual(
      [
        [addr(0x5e0), 1],
        [addr(0x5e1), 0],
        [addr(0x5e2), 0],
      ],
    );
    expect(await pair.same((r) => q(r).delegations(addr(999)))).toEqual([]);
    expect(await pair.same((r) => q(r).maxNonce(addr(10)))).toBe("123");
    expect(await pair.same((r) => q(r).maxNonce(addr(999)))).toBeNull();
  });
});
