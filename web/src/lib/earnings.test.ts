import { describe, expect, it } from "vitest";
import { countdown, epochList, epochsOfClaim, perEpoch, reasonText } from "./earnings.ts";

describe("earnings", () => {
  const earnings = [
    { epoch: 3, amount: "100" },
    { epoch: 5, amount: "50" },
    { epoch: 3, amount: "20" },
    { epoch: 8, amount: "0" },
    { epoch: 7, amount: "30" },
  ];

  it("sums earnings per epoch, oldest first", () => {
    expect(perEpoch(earnings)).toEqual([
      { epoch: 3, amount: 120n },
      { epoch: 5, amount: 50n },
      { epoch: 7, amount: 30n },
      { epoch: 8, amount: 0n },
    ]);
  });

  it("names the epochs that earned what a claim paid, not the proof's epoch", () => {
    // Nothing claimed before, the claim takes everything: every epoch that earned something.
    expect(epochsOfClaim(earnings, 0n, 200n)).toEqual([3, 5, 7]);
    // Epoch 3 was claimed earlier; this claim pays epochs 5 and 7.
    expect(epochsOfClaim(earnings, 120n, 200n)).toEqual([5, 7]);
    // A claim up to the middle of epoch 5 (its root was then the newest).
    expect(epochsOfClaim(earnings, 0n, 150n)).toEqual([3, 5]);
    expect(epochsOfClaim(earnings, 200n, 200n)).toEqual([]);
    expect(epochList([8])).toBe("epoch 8");
    expect(epochList([3, 5, 7])).toBe("epochs 3, 5 and 7");
  });

  it("counts down to a time in words", () => {
    expect(countdown(100, 100)).toBe("now");
    expect(countdown(100, 140)).toBe("now");
    expect(countdown(145, 100)).toBe("in 45 s");
    expect(countdown(100 + 185, 100)).toBe("in 3 min 05 s");
    expect(countdown(100 + 7800, 100)).toBe("in 2 h 10 min");
  });

  it("says why a view did not pay", () => {
    expect(reasonText("POLICY")).toMatch(/policy/);
    expect(reasonText("NO_IMPRESSION")).toMatch(/not served/);
    expect(reasonText("SOMETHING_NEW")).toBe("SOMETHING_NEW");
  });
});
