import { describe, expect, it } from "vitest";
import { epochExportDir, settlerKey } from "./settler.ts";

describe("settler configuration", () => {
  it("accepts the development key only on the local chain, and well-formed keys elsewhere", () => {
    expect(settlerKey(undefined, 1)).toBeNull();
    expect(settlerKey("dev", 31337)).toMatch(/^0x[0-9a-f]{64}$/);
    expect(() => settlerKey("dev", 1)).toThrow(/only allowed/);
    expect(() => settlerKey("0x1234", 1)).toThrow(/32-byte/);
    const key = `0x${"ab".repeat(32)}`;
    expect(settlerKey(key, 1)).toBe(key);
  });

  it("publishes epoch files beside the database", () => {
    expect(epochExportDir({ dbPath: "/data/amp/indexer.sqlite" })).toBe("/data/amp/epochs");
  });
});
