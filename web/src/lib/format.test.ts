import { describe, expect, it } from "vitest";
import { byteLength, formatAmp, parseAmp, parseTopics, plural, shortAddress, timeAgo } from "./format.ts";
import { href, parseRoute } from "./router.ts";

describe("amounts", () => {
  it("formats wei as AMP with grouping and trimmed decimals", () => {
    expect(formatAmp(0n)).toBe("0");
    expect(formatAmp("1234567890000000000000")).toBe("1,234.5678"); // truncated, never rounded up
    expect(formatAmp(1_500_000_000_000_000_000n)).toBe("1.5");
    expect(formatAmp(1n, 4)).toBe("0");
    expect(formatAmp(null)).toBe("0");
  });

  it("parses what people type, bigint exact, refusing zero and junk", () => {
    expect(parseAmp("12.5")).toBe(12_500_000_000_000_000_000n);
    expect(parseAmp(" 0.000000000000000001 ")).toBe(1n);
    expect(parseAmp("0")).toBeNull();
    expect(parseAmp("-1")).toBeNull();
    expect(parseAmp("1e3")).toBeNull();
    expect(parseAmp("1.0000000000000000001")).toBeNull();
  });
});

describe("text", () => {
  it("counts UTF-8 bytes", () => {
    expect(byteLength("abc")).toBe(3);
    expect(byteLength("é€👋")).toBe(2 + 3 + 4);
  });

  it("pluralises counts", () => {
    expect([plural(0, "view"), plural(1, "view"), plural(2, "view")]).toEqual([
      "0 views",
      "1 view",
      "2 views",
    ]);
  });

  it("normalises topics", () => {
    expect(parseTopics("#Rust, rust  wasm,,#WASM ")).toEqual(["rust", "wasm"]);
  });

  it("shortens addresses and says how long ago", () => {
    expect(shortAddress("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")).toBe("0x7099…79C8");
    expect(timeAgo(1000, 1000_000 + 30_000)).toBe("just now");
    expect(timeAgo(0, 2 * 86_400_000)).toBe("2 d ago");
  });
});

describe("hash routes", () => {
  it("parses and builds every route", () => {
    expect(parseRoute("")).toEqual({ name: "stream", community: null });
    expect(parseRoute("#/c/3")).toEqual({ name: "community", id: "3" });
    expect(parseRoute("#/u/0xabc?x=1")).toEqual({ name: "profile", address: "0xabc" });
    expect(parseRoute("#/nope")).toEqual({ name: "notFound", path: "/nope" });
    for (const hash of ["#/communities", "#/rewards", "#/campaigns", "#/settings", "#/c/9", "#/u/0x1"]) {
      expect(href(parseRoute(hash))).toBe(hash);
    }
  });
});
