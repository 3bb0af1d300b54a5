import { describe, expect, it } from "vitest";
import {
  formatAmpSig,
  formatCount,
  formatPercent,
  plural,
  reputationPercentile,
  reputationStanding,
} from "./format.ts";

const amp = (s: string) => BigInt(Math.round(Number(s) * 1e6)) * 10n ** 12n;

describe("pretty numbers", () => {
  it("groups thousands in counts and plurals", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(0)).toBe("0");
    expect(formatCount(Number.NaN)).toBe("–");
    expect(plural(1204, "view")).toBe("1,204 views");
    expect(plural(1, "reply", "replies")).toBe("1 reply");
    expect(plural(2, "reply", "replies")).toBe("2 replies");
  });

  it("keeps a fixed number of significant digits, truncated", () => {
    expect(formatAmpSig(amp("1.595999"))).toBe("1.595");
    expect(formatAmpSig(amp("12345.6"))).toBe("12,345");
    expect(formatAmpSig(amp("0.000012"))).toBe("0.000012");
    expect(formatAmpSig(12_345_678_000_000n)).toBe("0.00001234");
    expect(formatAmpSig(1n)).toBe("0.000000000000000001");
    expect(formatAmpSig(0n)).toBe("0");
    expect(formatAmpSig(10n ** 18n * 40n)).toBe("40");
    expect(formatAmpSig(-(10n ** 18n) * 2n)).toBe("-2");
  });

  it("writes ratios as percentages and reputation as a percentile", () => {
    expect(formatPercent(0.1234)).toBe("12 %");
    expect(formatPercent(0.043)).toBe("4.3 %");
    expect(formatPercent(1)).toBe("100 %");
    expect(reputationPercentile(1, 50)).toBe("top 2 %");
    expect(reputationPercentile(50, 50)).toBe("top 100 %");
    expect(reputationPercentile(1, 1000)).toBe("top 1 %");
    expect(reputationPercentile(null, 10)).toBeNull();
    expect(reputationPercentile(11, 10)).toBeNull();
    expect(reputationStanding({ score: 0.25, rank: 3, ranked: 1200 })).toEqual({
      label: "Top 1 %",
      detail: "Rank 3 of 1,200 in this community (score 0.250)",
    });
    expect(reputationStanding({ score: 0, rank: null, ranked: 1200 }).label).toBe("No reputation yet");
  });
});
