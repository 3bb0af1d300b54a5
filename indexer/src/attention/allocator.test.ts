import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AllocationInput,
  type AllocatorCampaign,
  allocate,
  paceTarget,
  slotPositions,
} from "./allocator.ts";
import { account, post } from "./fixtures.ts";
import type { PostInfo } from "./log.ts";
import { DEFAULT_PARAMS, makeParams } from "./params.ts";

const NOW = 1_700_000_000;
const AMP = 10n ** 18n;

const campaignArb = fc.record({
  budget: fc.bigInt({ min: 1n, max: 1000n }),
  committedShare: fc.double({ min: 0, max: 1.2, noNaN: true }),
  age: fc.integer({ min: 0, max: 7 * 86_400 }),
  life: fc.integer({ min: 60, max: 14 * 86_400 }),
  community: fc.integer({ min: 1, max: 3 }),
  topic: fc.constantFrom("eth", "art", "news"),
  promoter: fc.integer({ min: 0, max: 9 }),
});

const worldArb = fc.record({
  campaigns: fc.array(campaignArb, { maxLength: 12 }),
  organic: fc.integer({ min: 0, max: 40 }),
  pageSize: fc.integer({ min: 1, max: 30 }),
  slotEvery: fc.integer({ min: 1, max: 8 }),
  /** Per promoter and community: whether the viewer's policy admits it. */
  policy: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
  reputation: fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 3, maxLength: 3 }),
  impressions: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 12, maxLength: 12 }),
  viewed: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
  servedInHour: fc.integer({ min: 0, max: 30 }),
});

function build(w: {
  campaigns: {
    budget: bigint;
    committedShare: number;
    age: number;
    life: number;
    community: number;
    topic: string;
    promoter: number;
  }[];
  organic: number;
  pageSize: number;
  slotEvery: number;
  policy: boolean[];
  reputation: number[];
  impressions: number[];
  viewed: boolean[];
  servedInHour: number;
}): AllocationInput {
  const viewer = account(50);
  const organic: PostInfo[] = Array.from({ length: w.organic }, (_, i) =>
    post(BigInt(1000 + i), account(20 + (i % 5)), 1n, NOW - i),
  );
  const campaigns: AllocatorCampaign[] = w.campaigns.map((c, i) => {
    const budget = c.budget * AMP;
    return {
      id: BigInt(i + 1),
      // Some campaigns amplify a post that is also in the organic page.
      post:
        i % 4 === 3 && organic[i]
          ? (organic[i] as PostInfo)
          : post(BigInt(i + 1), account(30 + i), BigInt(c.community), NOW - 100, [c.topic]),
      promoter: account(c.promoter),
      budget,
      remaining: budget,
      committed: (budget * BigInt(Math.floor(c.committedShare * 1000))) / 1000n,
      createdAt: NOW - c.age,
      expiresAt: NOW - c.age + c.life,
      refunded: false,
    };
  });
  const allowsIndex = (promoter: string, community: bigint) =>
    (Number.parseInt(promoter.slice(2), 16) % 10) * 4 + Number(community);
  return {
    params: makeParams({ delivery: { ...DEFAULT_PARAMS.delivery, slotEvery: w.slotEvery } }),
    now: NOW,
    pageSize: w.pageSize,
    organic,
    campaigns,
    viewer: {
      viewer,
      allows: (promoter, community) => w.policy[allowsIndex(promoter, community)] ?? false,
      reputationIn: (community) => w.reputation[Number(community) - 1] ?? 0,
      impressionsOf: (id) => w.impressions[Number(id) - 1] ?? 0,
      viewed: (id) => w.viewed[Number(id) - 1] ?? false,
      servedInHour: w.servedInHour,
    },
    bidOf: (_c, rep) => AMP + BigInt(Math.floor(rep * 1e6)) * 10n ** 11n,
  };
}

describe("impression allocator", () => {
  it("never shows a campaign the viewer's policy or reputation excludes, nor to its promoter or author", () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const input = build(w);
        const { items } = allocate(input);
        for (const item of items) {
          if (item.campaignId === null) continue;
          const c = input.campaigns.find((x) => x.id === item.campaignId) as AllocatorCampaign;
          expect(input.viewer.allows(c.promoter, c.post.communityId, c.post.topics)).toBe(true);
          expect(input.viewer.reputationIn(c.post.communityId)).toBeGreaterThanOrEqual(
            input.params.reputationFloor,
          );
          expect(c.promoter).not.toBe(input.viewer.viewer);
          expect(item.post.id).toBe(c.post.id);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("holds the frequency caps, the hourly ration and the budget", () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const input = build(w);
        const { items } = allocate(input);
        const amplified = items.filter((i) => i.campaignId !== null);
        const d = input.params.delivery;
        const trust = Math.max(0, ...w.reputation);
        const ration = Math.min(
          d.impressionsPerHourMax,
          Math.floor(d.impressionsPerHourBase + d.impressionsPerHourPerReputation * trust),
        );
        expect(amplified.length).toBeLessThanOrEqual(Math.max(0, ration - w.servedInHour));
        const ids = amplified.map((i) => i.campaignId as bigint);
        expect(new Set(ids).size).toBe(ids.length);
        expect(new Set(items.map((i) => i.post.id)).size).toBe(items.length);
        for (const item of amplified) {
          const c = input.campaigns.find((x) => x.id === item.campaignId) as AllocatorCampaign;
          expect(input.viewer.impressionsOf(c.id)).toBeLessThan(d.impressionsPerCampaign);
          expect(input.viewer.viewed(c.id)).toBe(false);
          expect(c.committed + item.bid).toBeLessThanOrEqual(c.budget);
          expect(input.now).toBeLessThan(c.expiresAt);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("never fills more than the configured share of a page, and never its first item", () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const input = build(w);
        const { items, organicUsed } = allocate(input);
        const slots = new Set(slotPositions(input.params.delivery, input.pageSize));
        expect(items.length).toBeLessThanOrEqual(input.pageSize);
        items.forEach((item, p) => {
          if (item.campaignId !== null) expect(slots.has(p)).toBe(true);
        });
        if (items.length > 0) expect(items[0]?.campaignId).toBeNull();
        const amplified = items.filter((i) => i.campaignId !== null).length;
        expect(amplified).toBeLessThanOrEqual(Math.ceil(input.pageSize / input.params.delivery.slotEvery));
        // Organic items keep their order, and the next page starts after the ones consumed.
        const shown = items.filter((i) => i.campaignId === null).map((i) => i.post.id);
        const order = input.organic.map((p) => p.id).filter((id) => shown.includes(id));
        expect(shown).toEqual(order);
        expect(organicUsed).toBeLessThanOrEqual(input.organic.length);
      }),
      { numRuns: 500 },
    );
  });

  it("gives the same allocation for the same inputs", () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        expect(allocate(build(w))).toEqual(allocate(build(w)));
      }),
      { numRuns: 200 },
    );
  });

  it("paces: a campaign ahead of its line does not compete, one behind it does", () => {
    const w = {
      campaigns: [
        { budget: 100n, committedShare: 0, age: 0, life: 86_400, community: 1, topic: "eth", promoter: 1 },
      ],
      organic: 10,
      pageSize: 10,
      slotEvery: 5,
      policy: Array(40).fill(true),
      reputation: [1, 1, 1],
      impressions: Array(12).fill(0),
      viewed: Array(12).fill(false),
      servedInHour: 0,
    };
    const input = build(w);
    const c = input.campaigns[0] as AllocatorCampaign;
    expect(paceTarget(input.params.delivery, c, NOW)).toBe(0n);
    // At the start, the lead allowance lets the first views through.
    expect(allocate(input).items.some((i) => i.campaignId === c.id)).toBe(true);
    // Committed beyond the line plus the lead: held back.
    const ahead = { ...input, campaigns: [{ ...c, committed: 20n * AMP }] };
    expect(allocate(ahead).items.some((i) => i.campaignId === c.id)).toBe(false);
    // Half-way through its life with the same commitment: behind, it competes again.
    const later = { ...ahead, now: NOW + 43_200 };
    expect(allocate(later).items.some((i) => i.campaignId === c.id)).toBe(true);
  });
});
