/** The mention query on both engines over the same rows, in text order. */
import { describe, expect, it } from "vitest";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import { seedSocial, socialAlice, socialBob } from "#test-kit/social-seed.ts";
import { mentionQueries } from "./mentions.ts";

describe("mention queries on SQLite and PostgreSQL", () => {
  const pair = enginePairForSuite(seedSocial);

  it("lists a post's mentions in text order", async () => {
    const five = await pair.same((r) => mentionQueries(r).postMentions(5));
    expect(five.map((m) => m.account)).toEqual([socialAlice, socialBob]);
    expect(five[0]?.start).toBeLessThan(five[1]?.start ?? 0);
    expect(five[0]?.length).toBe(43);
    expect((await pair.same((r) => mentionQueries(r).postMentions(40))).map((m) => m.account)).toEqual([
      socialAlice,
    ]);
    expect(await pair.same((r) => mentionQueries(r).postMentions(4))).toEqual([]);
  });
});
