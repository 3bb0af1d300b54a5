import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { renderAbiModule } from "../../scripts/export-abi.ts";

describe("contracts/abi.ts", () => {
  it("matches the compiled artifacts (regenerate with scripts/export-abi.ts)", () => {
    const root = join(import.meta.dirname, "..", "..");
    assert.equal(readFileSync(join(root, "contracts", "abi.ts"), "utf8"), renderAbiModule(root));
  });
});
