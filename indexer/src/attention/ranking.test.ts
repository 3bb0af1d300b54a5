import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { account, campaign, post } from "./fixtures.ts";
import type { CampaignInfo, PostInfo } from "./log.ts";
import { DEFAULT_PARAMS } from "./params.ts";
import { type RankInputs, rankStream } from "./ranking.ts";

const NOW = 1_000_000;

const postArb = fc.record({
  author: fc.integer({ min: 0, max: 5 }),
  age: fc.integer({ min: 0, max: 10 * 86_400 }),
  standing: fc.double({ min: 0, max: 0.5, noNaN: true }),
  affinity: fc.double({ min: 0, max: 3, noNaN: true }),
  contacts: fc.double({ min: 0, max: 10, noNaN: true }),
  budget: fc.bigInt({ min: 0n, max: 10n ** 21n }),
  expired: fc.boolean(),
});

function inputs(
  spec: {
    author: number;
    age: number;
    standing: number;
    affinity: number;
    contacts: number;
    budget: bigint;
    expired: boolean;
  }[],
  allows: (promoter: string) => boolean,
  extra: Map<bigint, CampaignInfo[]> = new Map(),
): RankInputs {
  const posts: PostInfo[] = spec.map((s, i) => post(BigInt(i + 1), account(s.author), 1n, NOW - s.age));
  const campaigns = new Map<bigint, CampaignInfo[]>();
  spec.forEach((s, i) => {
    const id = BigInt(i + 1);
    const list =
      s.budget > 0n ? [campaign(id, id, account(10 + i), s.budget, s.expired ? NOW - 1 : NOW + 1000)] : [];
    campaigns.set(id, [...list, ...(extra.get(id) ?? [])]);
  });
  return {
    params: DEFAULT_PARAMS,
    now: NOW,
    posts,
    standingOf: (a) => spec.find((s) => account(s.author).toLowerCase() === a)?.standing ?? 0,
    affinityTo: (a) => spec.find((s) => account(s.author).toLowerCase() === a)?.affinity ?? 0,
    contactsAttention: (id) => spec[Number(id) - 1]?.contacts ?? 0,
    campaignsOf: (id) => campaigns.get(id) ?? [],
    priceOf: () => 10n ** 17n,
    allows: (promoter) => allows(promoter),
  };
}

describe("stream ranking", () => {
  it("campaigns never change a post's score or rank: amplified items are placed by the allocator", () => {
    fc.assert(
      fc.property(
        fc.array(postArb, { minLength: 1, maxLength: 12 }),
        fc.nat(),
        fc.bigInt({ min: 1n, max: 10n ** 21n }),
        fc.boolean(),
        (spec, pick, extraBudget, allowed) => {
          const target = BigInt((pick % spec.length) + 1);
          const before = rankStream(inputs(spec, () => allowed));
          const more = new Map([[target, [campaign(999n, target, account(99), extraBudget, NOW + 10)]]]);
          const after = rankStream(inputs(spec, () => allowed, more));
          expect(after.map((i) => i.post.id)).toEqual(before.map((i) => i.post.id));
          for (const item of after) {
            expect(item.amplified).toBe(false);
            expect(item.campaignId).toBeNull();
            expect(item.score).toBe(item.organic);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("ranks by standing, affinity, contacts and recency when nothing is amplified", () => {
    const base = { age: 3600, standing: 0, affinity: 0, contacts: 0, budget: 0n, expired: false };
    const items = rankStream(
      inputs(
        [
          { ...base, author: 0 },
          { ...base, author: 1, standing: 0.2 },
          { ...base, author: 2, affinity: 1 },
          { ...base, author: 3, age: 0 },
        ],
        () => true,
      ),
    );
    expect(items.map((i) => i.post.id)).toEqual([2n, 3n, 4n, 1n]);
  });
});
