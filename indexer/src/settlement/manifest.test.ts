import { keccak256, stringToBytes, toHex } from "viem";
import { describe, expect, it } from "vitest";
import { ALGORITHM_VERSION, DEFAULT_PARAMS, makeParams, paramsHash } from "../attention/params.ts";
import {
  encodeManifest,
  manifestHash,
  manifestHex,
  manifestOf,
  manifestText,
  parseManifest,
} from "./manifest.ts";

const fields = {
  epoch: 3,
  periodEnd: 1_700_000_000,
  fromSeq: 10,
  toSeq: 25,
  exportHash: keccak256(toHex("export")),
  factsBlock: 42n,
  params: DEFAULT_PARAMS,
};

describe("epoch manifest", () => {
  it("is the canonical JSON of the inputs, and its hash is keccak256 of those bytes", () => {
    const text = encodeManifest(manifestOf(fields));
    expect(text.startsWith(`{"algorithm":"${ALGORITHM_VERSION}","epoch":3,"exportHash":"0x`)).toBe(true);
    expect(text).not.toMatch(/\s/);
    expect(text).toContain(`"factsBlock":42,"fromSeq":10,"params":{`);
    expect(text).toContain(`"basePrice":"1000000000000000000"`);
    expect(text).toContain(`"paramsHash":"${paramsHash(DEFAULT_PARAMS)}","periodEnd":1700000000,"toSeq":25}`);
    expect(manifestHash(text)).toBe(keccak256(stringToBytes(text)));
    expect(manifestText(manifestHex(text))).toBe(text);
  });

  it("parses back to the same manifest, parameters with their bigints", () => {
    const manifest = manifestOf(fields);
    const parsed = parseManifest(encodeManifest(manifest));
    expect(parsed).toEqual(manifest);
    expect(parsed.params.price.basePrice).toBe(10n ** 18n);
    expect(encodeManifest(parsed)).toBe(encodeManifest(manifest));
  });

  it("changes its hash with any input", () => {
    const base = manifestHash(encodeManifest(manifestOf(fields)));
    const variants = [
      { epoch: 4 },
      { periodEnd: 1_700_000_001 },
      { fromSeq: 11 },
      { toSeq: 26 },
      { exportHash: keccak256(toHex("other")) },
      { factsBlock: 43n },
      { params: makeParams({ teleport: 0.2 }) },
    ];
    for (const v of variants)
      expect(manifestHash(encodeManifest(manifestOf({ ...fields, ...v })))).not.toBe(base);
  });

  it("refuses text that is not the canonical manifest, with a code", () => {
    const text = encodeManifest(manifestOf(fields));
    const obj = JSON.parse(text) as Record<string, unknown>;
    const bad = [
      "not json",
      "[]",
      JSON.stringify(obj, null, 2),
      text.replace('"epoch":3,', ""),
      text.replace('{"algorithm"', '{"root":"0x00","algorithm"'),
      text.replace('"epoch":3', '"epoch":"3"'),
      text.replace('"epoch":3', '"epoch":-3'),
      text.replace('"epoch":3', '"epoch":3.5'),
      text.replace('"toSeq":25', '"toSeq":5'),
      text.replace(/"exportHash":"0x[0-9a-f]{64}"/, '"exportHash":"0x12"'),
      text.replace(
        /"exportHash":"0x([0-9a-f]{64})"/,
        (_m, h: string) => `"exportHash":"0x${h.toUpperCase()}"`,
      ),
      text.replace('"basePrice":"1000000000000000000"', '"basePrice":"x"'),
    ];
    for (const t of bad) {
      expect(() => parseManifest(t), t.slice(0, 60)).toThrow(
        expect.objectContaining({ code: "SETTLEMENT_MANIFEST_INVALID" }),
      );
    }
    expect(() => manifestText("0xff")).toThrow(
      expect.objectContaining({ code: "SETTLEMENT_MANIFEST_INVALID" }),
    );
  });
});
