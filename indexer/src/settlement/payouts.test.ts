import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { account, campaign, LogBuilder, post } from "../attention/fixtures.ts";
import type { CampaignInfo, EngagementEntry, PostInfo } from "../attention/log.ts";
import { DEFAULT_PARAMS, makeParams } from "../attention/params.ts";
import { quoteViews, viewPrice } from "../attention/pricing.ts";
import { computePayouts, type PayoutContext, paidKey } from "./payouts.ts";

const AUTHOR = account(900);
const PROMOTER = account(901);
const T = 1_000_000;

interface Scenario {
  reps: number[];
  promoterRep: number;
  size: number;
  budget: bigint;
  optedOut: boolean[];
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc.record({
    reps: fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { minLength: n, maxLength: n }),
    promoterRep: fc.double({ min: 0, max: 50, noNaN: true }),
    size: fc.integer({ min: 1, max: 1_000_000 }),
    budget: fc.bigInt({ min: 0n, max: 20n * 10n ** 18n }),
    optedOut: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
  }),
);

function run(s: Scenario, params = DEFAULT_PARAMS, campaigns?: CampaignInfo[]) {
  const log = new LogBuilder();
  s.reps.forEach((_, i) => {
    log.engage("View", account(i), 1n, T, { campaignId: 1n });
    log.engage("View", account(i), 1n, T + 1, { campaignId: 1n }); // twice: still paid once
  });
  log.engage("View", AUTHOR, 1n, T, { campaignId: 1n });
  log.engage("Like", PROMOTER, 1n, T);
  const posts = new Map<bigint, PostInfo>([[1n, post(1n, AUTHOR)]]);
  const reps = new Map<string, number>(s.reps.map((r, i) => [account(i).toLowerCase(), r]));
  reps.set(PROMOTER.toLowerCase(), s.promoterRep);
  reps.set(AUTHOR.toLowerCase(), 10);
  const ctx: PayoutContext = {
    params,
    posts,
    allows: (viewer) => {
      const i = s.reps.findIndex((_, k) => account(k).toLowerCase() === viewer);
      return i < 0 || !s.optedOut[i];
    },
    reputationOf: (_c, a) => reps.get(a) ?? 0,
    communitySize: () => s.size,
    previouslyPaid: new Set(),
  };
  return computePayouts(
    ctx,
    campaigns ?? [campaign(1n, 1n, PROMOTER, s.budget)],
    log.entries as EngagementEntry[],
  );
}

describe("payouts", () => {
  it("never exceed the budget, and the sum of payouts equals the spend", () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 0, max: 5000 }), (s, bps) => {
        const r = run(s, makeParams({ authorShareBps: bps }));
        const spent = r.spends.reduce((a, x) => a + x.amount, 0n);
        const paid = [...r.amounts.values()].reduce((a, x) => a + x, 0n);
        expect(paid).toBe(spent);
        expect(spent).toBeLessThanOrEqual(s.budget);
        for (const x of r.amounts.values()) expect(x).toBeGreaterThan(0n);
      }),
      { numRuns: 300 },
    );
  });

  it("never pays an opted-out viewer, the promoter or the author (with no author share)", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const r = run(s);
        s.optedOut.forEach((out, i) => {
          if (out) expect(r.amounts.has(account(i).toLowerCase())).toBe(false);
        });
        expect(r.amounts.has(PROMOTER.toLowerCase())).toBe(false);
        expect(r.amounts.has(AUTHOR.toLowerCase())).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("pays a higher-reputation viewer at least as much for the same view", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const r = run({ ...s, optedOut: s.optedOut.map(() => false) });
        const pay = (i: number) => r.amounts.get(account(i).toLowerCase()) ?? 0n;
        for (let i = 0; i < s.reps.length; i++) {
          for (let j = 0; j < s.reps.length; j++) {
            if ((s.reps[i] as number) >= (s.reps[j] as number)) expect(pay(i)).toBeGreaterThanOrEqual(pay(j));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a lower-reputation promoter pays at least as much per view", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (a, b, viewer, size) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(viewPrice(DEFAULT_PARAMS, size, viewer, lo)).toBeGreaterThanOrEqual(
            viewPrice(DEFAULT_PARAMS, size, viewer, hi),
          );
        },
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(scenarioArb, fc.double({ min: 0, max: 50, noNaN: true }), (s, other) => {
        const rich = { ...s, budget: 10n ** 30n, optedOut: s.optedOut.map(() => false) };
        const lo = Math.min(s.promoterRep, other);
        const hi = Math.max(s.promoterRep, other);
        const a = run({ ...rich, promoterRep: lo }).spends[0];
        const b = run({ ...rich, promoterRep: hi }).spends[0];
        if (a && b) expect(a.amount * BigInt(b.views)).toBeGreaterThanOrEqual(b.amount * BigInt(a.views));
      }),
      { numRuns: 200 },
    );
  });

  it("the same budget buys more views in a bigger community", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.bigInt({ min: 0n, max: 10n ** 24n }),
        (a, b, promoterRep, budget) => {
          const [small, big] = a <= b ? [a, b] : [b, a];
          const qs = quoteViews(DEFAULT_PARAMS, small, promoterRep, budget);
          const qb = quoteViews(DEFAULT_PARAMS, big, promoterRep, budget);
          expect(qb.views).toBeGreaterThanOrEqual(qs.views);
          expect(qb.pricePerView).toBeLessThanOrEqual(qs.pricePerView);
        },
      ),
      { numRuns: 500 },
    );
    // strictly more when the community grows a lot
    expect(quoteViews(DEFAULT_PARAMS, 10_000, 1, 10n ** 20n).views).toBeGreaterThan(
      quoteViews(DEFAULT_PARAMS, 100, 1, 10n ** 20n).views,
    );
  });

  it("pays once per campaign ever, only above the reputation floor, only before expiry", () => {
    const s: Scenario = {
      reps: [1, 2, 0.001],
      promoterRep: 1,
      size: 10,
      budget: 10n ** 24n,
      optedOut: [false, false, false],
    };
    const first = run(s);
    expect(first.newlyPaid).toEqual([paidKey(1n, account(0)), paidKey(1n, account(1))]);
    expect(first.amounts.has(account(2).toLowerCase())).toBe(false);
    const expired = run(s, DEFAULT_PARAMS, [campaign(1n, 1n, PROMOTER, s.budget, T)]);
    expect(expired.spends).toEqual([]);
    const refunded = run(s, DEFAULT_PARAMS, [{ ...campaign(1n, 1n, PROMOTER, s.budget), refunded: true }]);
    expect(refunded.spends).toEqual([]);
  });

  it("splits a short budget in proportion to prices, rounding down", () => {
    const s: Scenario = { reps: [1, 4], promoterRep: 0, size: 0, budget: 1000n, optedOut: [false, false] };
    const r = run(s);
    const p0 = viewPrice(DEFAULT_PARAMS, 0, 1, 0);
    const p1 = viewPrice(DEFAULT_PARAMS, 0, 4, 0);
    expect(r.amounts.get(account(0).toLowerCase())).toBe((1000n * p0) / (p0 + p1));
    expect(r.amounts.get(account(1).toLowerCase())).toBe((1000n * p1) / (p0 + p1));
    expect(r.spends[0]?.amount).toBeLessThanOrEqual(1000n);
  });

  it("gives the author its share of every payment when configured", () => {
    const s: Scenario = { reps: [1], promoterRep: 0, size: 0, budget: 10n ** 24n, optedOut: [false] };
    const r = run(s, makeParams({ authorShareBps: 1000 }));
    const price = viewPrice(DEFAULT_PARAMS, 0, 1, 0);
    expect(r.amounts.get(AUTHOR.toLowerCase())).toBe(price / 10n);
    expect(r.amounts.get(account(0).toLowerCase())).toBe(price - price / 10n);
  });
});
