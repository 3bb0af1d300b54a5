import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NumberMap } from "./number-map.ts";

describe("NumberMap", () => {
  it("behaves like a Map of safe non-negative integer keys, through growth", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.oneof(fc.nat(50), fc.maxSafeNat()), fc.nat(2 ** 31 - 1)), { maxLength: 300 }),
        (ops) => {
          const ours = new NumberMap(2);
          const ref = new Map<number, number>();
          for (const [k, v] of ops) {
            ours.set(k, v);
            ref.set(k, v);
          }
          expect(ours.size).toBe(ref.size);
          for (const [k, v] of ref) expect(ours.get(k)).toBe(v);
          expect(ours.get(2 ** 52 + 12345)).toBe(ref.get(2 ** 52 + 12345) ?? -1);
          const seen = new Map<number, number>();
          ours.forEach((v, k) => {
            seen.set(k, v);
          });
          expect(seen).toEqual(ref);
        },
      ),
      { numRuns: 200 },
    );
  });
});
