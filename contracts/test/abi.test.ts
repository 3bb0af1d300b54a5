import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { renderAbiModule } from "#protocol/abi-render.ts";

describe("protocol/abi.ts", () => {
  it("matches the compiled artifacts (regenerate with npx tsx scripts/export-abi.ts)", () => {
    const root = join(import.meta.dirname, "..", "..");
    assert.equal(readFileSync(join(root, "protocol", "abi.ts"), "utf8"), renderAbiModule(root));
  });
});
