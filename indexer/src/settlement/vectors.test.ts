/**
 * The golden vectors (docs/vectors/*.json) through the real code: each
 * vector's log verifies (export hash, signatures), `computeEpoch` over its
 * inputs gives exactly its spends, payouts, decisions, reputation bits,
 * cumulative leaves, root and proofs, the root is OpenZeppelin's
 * StandardMerkleTree root, and changing any parameter changes `paramsHash` and
 * breaks the vector. The deterministic exp and log match their bit vectors and
 * stay within two units in the last place of Math's.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { engagementDomain } from "#protocol";
import { detExp, detLog, detLog1p, INV_LN2, LN2_HI, LN2_LO, SQRT2 } from "../attention/det-math.ts";
import {
  ALGORITHM_VERSION,
  type AttentionParams,
  canonicalJson,
  DEFAULT_PARAMS,
  paramsHash,
} from "../attention/params.ts";
import { paramsFromCanonicalJson } from "../attention/params-json.ts";
import { LogAuthority } from "../engagement/authority.ts";
import { parseLogExport } from "../engagement/export.ts";
import { computeEpoch } from "./epoch.ts";
import {
  type DetMathVector,
  doubleBits,
  exportOf,
  fromBits,
  type GoldenVector,
  vectorInputs,
  vectorOutput,
} from "./vectors.ts";

const DIR = join(import.meta.dirname, "..", "..", "..", "docs", "vectors");
const files = readdirSync(DIR).filter((f) => f.endsWith(".json"));
const read = (f: string) => JSON.parse(readFileSync(join(DIR, f), "utf8"));
const epochVectors: GoldenVector[] = files.map(read).filter((v) => v.name !== "det-math");
const detMath = read("det-math.json") as DetMathVector;

describe("golden vectors", () => {
  it("cover every rule the specification names", () => {
    const covered = new Set(epochVectors.flatMap((v) => v.covers));
    for (const rule of [
      "opt-out policy",
      "blocked promoter",
      "self-pay exclusion",
      "budget shortfall pro rata",
      "per-viewer cap",
      "impression missing",
      "impression expired",
      "dwell too short",
      "below floor",
      "low-reputation promoter pays more",
      "cumulative leaves",
    ])
      expect(covered, rule).toContain(rule);
    const reasons = new Set(epochVectors.flatMap((v) => v.output.decisions.map((d) => d.reason)));
    for (const reason of [
      "paid",
      "authorOrPromoter",
      "alreadyPaid",
      "policy",
      "belowFloor",
      "capReached",
      "dwellTooShort",
      "outsideCampaign",
      "noImpression",
    ])
      expect(reasons, reason).toContain(reason);
  });

  for (const vector of epochVectors) {
    describe(vector.name, () => {
      it("names this algorithm and parameters whose canonical JSON hashes to its paramsHash", () => {
        expect(vector.algorithm).toBe(ALGORITHM_VERSION);
        const params = paramsFromCanonicalJson(vector.params);
        expect(canonicalJson(params)).toBe(vector.params);
        expect(paramsHash(params)).toBe(vector.paramsHash);
      });

      it("carries a log whose export hash and signatures verify", async () => {
        const { fromSeq, toSeq, log, exportHash } = vector.input;
        expect(exportOf(log, fromSeq, toSeq).hash).toBe(exportHash);
        const authority = new LogAuthority(
          engagementDomain(vector.domain.chainId, vector.domain.verifyingContract),
          vector.impressionIssuers,
        );
        const lines = parseLogExport(log.join("\n"));
        expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
        for (const line of lines) expect(await authority.check(line), `seq ${line.seq}`).toBeNull();
      });

      it("computes exactly the vector's output", () => {
        const output = vectorOutput(computeEpoch(vectorInputs(vector)));
        expect(output.spends).toEqual(vector.output.spends);
        expect(output.decisions).toEqual(vector.output.decisions);
        expect(output.payouts).toEqual(vector.output.payouts);
        expect(output.reputation).toEqual(vector.output.reputation);
        expect(output.cumulative).toEqual(vector.output.cumulative);
        expect(output).toEqual(vector.output);
      });

      it("has OpenZeppelin's StandardMerkleTree root and proofs over its cumulative leaves", () => {
        const leaves = Object.entries(vector.output.cumulative);
        const tree = StandardMerkleTree.of(leaves, ["address", "uint256"]);
        expect(tree.root).toBe(vector.output.root);
        for (const [i, [account, amount]] of tree.entries()) {
          expect(tree.getProof(i)).toEqual(vector.output.proofs[account]);
          expect(
            StandardMerkleTree.verify(tree.root, ["address", "uint256"], [account, amount], tree.getProof(i)),
          ).toBe(true);
        }
        // Carried-over amounts stay in the leaves: cumulative = previous + this epoch's payouts.
        const expected = new Map<string, bigint>();
        for (const [k, x] of Object.entries(vector.input.previousCumulative)) expected.set(k, BigInt(x));
        for (const [k, x] of Object.entries(vector.output.payouts))
          expected.set(k, (expected.get(k) ?? 0n) + BigInt(x));
        expect(new Map(leaves.map(([k, x]) => [k, BigInt(x)]))).toEqual(expected);
      });

      it("never spends more than a campaign may", () => {
        for (const s of vector.output.spends) {
          const c = vector.input.campaigns.find((x) => x.id === s.campaignId);
          expect(BigInt(s.amount)).toBeLessThanOrEqual(BigInt(c?.remaining ?? "0"));
        }
      });
    });
  }

  it("changing any parameter changes paramsHash and breaks every vector", () => {
    for (const vector of epochVectors) {
      const base = paramsFromCanonicalJson(vector.params);
      const paths = leafPaths(base);
      expect(paths.length).toBeGreaterThan(30);
      const seen = new Set<string>([vector.paramsHash]);
      for (const path of paths) {
        const what = `${vector.name}: ${path.join(".")}`;
        const changed = withLeaf(base, path);
        const hash = paramsHash(changed);
        expect(seen.has(hash), what).toBe(false);
        seen.add(hash);
        const output = vectorOutput(computeEpoch({ ...vectorInputs(vector), params: changed }));
        expect(output.inputsHash, what).not.toBe(vector.output.inputsHash);
        expect(output, what).not.toEqual(vector.output);
      }
    }
  });

  it("every parameter the payouts read moves some vector's payouts, decisions or reputations", () => {
    const read = [
      "weights.view",
      "weights.like",
      "weights.comment",
      "weights.share",
      "halfLifeSeconds",
      "pairDailyCap",
      "teleport",
      "pagerankTolerance",
      "minDwellMs",
      "reputationFloor",
      "maxPaidCampaignsPerViewer",
      "paidAttentionWeight",
      "seedDelaySeconds",
      "seedShareCap",
      "price.basePrice",
      "price.sizeScale",
      "price.viewerWeight",
      "price.promoterWeight",
      "authorShareBps",
    ];
    for (const name of read) {
      const moved = epochVectors.filter((vector) => {
        const params = withLeaf(paramsFromCanonicalJson(vector.params), name.split("."));
        const { inputsHash: _h, ...got } = vectorOutput(computeEpoch({ ...vectorInputs(vector), params }));
        const { inputsHash: _e, ...expected } = vector.output;
        return JSON.stringify(got) !== JSON.stringify(expected);
      });
      expect(moved.length, name).toBeGreaterThan(0);
    }
  });

  it("the vectors use the default parameters unless they say otherwise", () => {
    const defaults = canonicalJson(DEFAULT_PARAMS);
    expect(epochVectors.filter((v) => v.params === defaults).length).toBeGreaterThanOrEqual(3);
  });
});

/** Every leaf of the parameter object, as a key path. */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value !== null && typeof value === "object")
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
  return [prefix];
}

/** The parameters with one leaf changed (a number moved, a bigint incremented). */
function withLeaf(params: AttentionParams, path: string[]): AttentionParams {
  const copy = structuredClone(params) as unknown as Record<string, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const key = path[path.length - 1] as string;
  const v = node[key];
  node[key] = typeof v === "bigint" ? v + 1n : v === 0 ? 1 : (v as number) * 1.5;
  return copy as unknown as AttentionParams;
}

describe("deterministic exp and log", () => {
  const cases = [
    ["exp", detExp, detMath.exp],
    ["log", detLog, detMath.log],
    ["log1p", detLog1p, detMath.log1p],
  ] as const;
  for (const [name, f, pairs] of cases) {
    it(`${name} gives exactly the vector's bits`, () => {
      expect(pairs.length).toBeGreaterThan(40);
      for (const [input, output] of pairs)
        expect(doubleBits(f(fromBits(input))), `${name}(${input})`).toBe(output);
    });
  }

  const ulps = (a: number, b: number) => {
    const view = new DataView(new ArrayBuffer(16));
    view.setFloat64(0, a);
    view.setFloat64(8, b);
    return Math.abs(Number(view.getBigInt64(0) - view.getBigInt64(8)));
  };

  it("stay within a few units in the last place of Math.exp, Math.log and Math.log1p", () => {
    fc.assert(
      fc.property(fc.double({ min: -708, max: 709, noNaN: true }), (x) => {
        expect(ulps(detExp(x), Math.exp(x))).toBeLessThanOrEqual(2);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.double({ min: 5e-324, max: 1e308, noNaN: true }), (x) => {
        expect(ulps(detLog(x), Math.log(x))).toBeLessThanOrEqual(2);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e12, noNaN: true }), (x) => {
        expect(ulps(detLog1p(x), Math.log1p(x))).toBeLessThanOrEqual(4);
      }),
      { numRuns: 2000 },
    );
  });

  it("use the constants the specification gives, bit for bit", () => {
    expect(doubleBits(LN2_HI)).toBe("3fe62e42fee00000");
    expect(doubleBits(LN2_LO)).toBe("3dea39ef35793c76");
    expect(doubleBits(INV_LN2)).toBe("3ff71547652b82fe");
    expect(doubleBits(SQRT2)).toBe("3ff6a09e667f3bcd");
    expect(doubleBits(Math.LN2)).toBe("3fe62e42fefa39ef");
  });

  it("handle the edges: 0, 1, subnormals, out of range", () => {
    expect(detExp(0)).toBe(1);
    expect(detExp(-709)).toBe(0);
    expect(detExp(710)).toBe(Number.POSITIVE_INFINITY);
    expect(detLog(1)).toBe(0);
    expect(detLog(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(detLog(-1)).toBeNaN();
    expect(detLog(5e-324)).toBeCloseTo(Math.log(5e-324), 12);
    expect(detLog1p(0)).toBe(0);
    expect(detLog1p(1e-300)).toBe(1e-300);
  });
});
