import { describe, expect, it } from "vitest";
import { comparePrice } from "./campaign-price.ts";

const E = 10n ** 18n;

describe("realised price against the quote", () => {
  it("has no realised price before a paid view", () => {
    const c = comparePrice({ spent: 0n, paidViews: 0, quotedPricePerView: E, remaining: 5n * E });
    expect(c.realised).toBeNull();
    expect(c.reason).toMatch(/No view is paid yet/);
  });

  it("matches within 1 %", () => {
    const c = comparePrice({ spent: 3n * E, paidViews: 3, quotedPricePerView: E, remaining: E });
    expect(c.difference).toBe(0);
    expect(c.reason).toMatch(/matches/);
  });

  it("explains a 4 % higher price by the viewers' reputation", () => {
    const c = comparePrice({ spent: (104n * E) / 100n, paidViews: 1, quotedPricePerView: E, remaining: E });
    expect(c.difference).toBeCloseTo(0.04, 6);
    expect(c.reason).toMatch(/more reputation/);
  });

  it("explains a lower price by a pro-rata split when the budget ran out", () => {
    const c = comparePrice({ spent: 2n * E, paidViews: 4, quotedPricePerView: E, remaining: 0n });
    expect(c.realised).toBe(E / 2n);
    expect(c.difference).toBe(-0.5);
    expect(c.reason).toMatch(/in proportion/);
  });

  it("explains a lower price with budget left by reputation or growth", () => {
    const c = comparePrice({ spent: 9n * E, paidViews: 10, quotedPricePerView: E, remaining: E });
    expect(c.reason).toMatch(/less reputation|community grew/);
  });
});
