/**
 * `npx tsx scripts/golden-vectors.ts [--check]`: computes the golden vectors of
 * the epoch computation (scripts/lib/golden-scenarios.ts) with the project's own
 * code and writes them to docs/vectors/<name>.json; with --check it only reports
 * which files differ from what the code computes now (exit 1), the check the
 * vectors test makes. Regenerating is a protocol change: bump ALGORITHM_VERSION
 * whenever a vector's output changes.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_PARAMS } from "#indexer/attention/params.ts";
import { detMathVector, goldenVectors } from "./lib/golden-scenarios.ts";

const dir = join(import.meta.dirname, "..", "docs", "vectors");
const check = process.argv.includes("--check");
const vectors: { name: string }[] = [...(await goldenVectors(DEFAULT_PARAMS)), detMathVector()];
let stale = 0;
mkdirSync(dir, { recursive: true });
for (const vector of vectors) {
  const file = join(dir, `${vector.name}.json`);
  const text = `${JSON.stringify(vector, null, 2)}\n`;
  const same =
    existsSync(file) && JSON.stringify(JSON.parse(readFileSync(file, "utf8"))) === JSON.stringify(vector);
  if (check) {
    if (!same) stale++;
    console.log(`${same ? "ok     " : "differs"} ${file}`);
  } else {
    writeFileSync(file, text);
    console.log(`wrote ${file}`);
  }
}
if (!check) {
  // In the repository's JSON style, so that the lint passes on freshly written vectors.
  const biome = join(import.meta.dirname, "..", "node_modules", ".bin", "biome");
  spawnSync(biome, ["format", "--write", dir], { stdio: "inherit" });
}
process.exit(stale > 0 ? 1 : 0);
