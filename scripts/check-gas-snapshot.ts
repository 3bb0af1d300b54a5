/**
 * Compares the gas benchmark's latest figures (bench-results/gas.json, written by
 * `npm run bench -- gas`) with the committed snapshot contracts/bench/gas-snapshot.json, as forge and
 * Uniswap v4-core keep theirs: any gas figure that moved by more than 1%, appeared or disappeared
 * fails the check, so a change that moves gas must update the snapshot in the same commit.
 * `--update` rewrites the snapshot from the latest figures.
 * Run: `npm run bench -- gas && npx tsx scripts/check-gas-snapshot.ts [--update]`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AmpError } from "#protocol";
import { type BenchResult, benchResultsDir } from "#test-kit/bench.ts";

export const SNAPSHOT_PATH = join(import.meta.dirname, "..", "contracts", "bench", "gas-snapshot.json");
/** Largest relative move accepted without a snapshot update. */
export const TOLERANCE = 0.01;

export type GasSnapshot = Record<string, number>;

/** The gas figures (unit "gas") of a benchmark result, by name, sorted. */
export function gasFigures(result: BenchResult): GasSnapshot {
  const out: GasSnapshot = {};
  for (const name of Object.keys(result.figures).sort()) {
    const figure = result.figures[name];
    if (figure?.unit === "gas") out[name] = figure.value;
  }
  return out;
}

/** One line per figure that moved by more than `tolerance`, appeared or disappeared. */
export function compareSnapshots(
  committed: GasSnapshot,
  measured: GasSnapshot,
  tolerance = TOLERANCE,
): string[] {
  const problems: string[] = [];
  for (const [name, before] of Object.entries(committed)) {
    const now = measured[name];
    if (now === undefined) {
      problems.push(`${name}: in the snapshot (${before} gas) but no longer measured`);
      continue;
    }
    const moved = Math.abs(now - before) / before;
    if (moved > tolerance) {
      problems.push(`${name}: ${before} -> ${now} gas (${(((now - before) / before) * 100).toFixed(2)}%)`);
    }
  }
  for (const [name, now] of Object.entries(measured)) {
    if (!(name in committed)) problems.push(`${name}: measured (${now} gas) but not in the snapshot`);
  }
  return problems;
}

function main(): void {
  const resultPath = join(benchResultsDir(), "gas.json");
  if (!existsSync(resultPath))
    throw new AmpError("GAS_RESULTS_MISSING", `no ${resultPath}: run \`npm run bench -- gas\` first`);
  const measured = gasFigures(JSON.parse(readFileSync(resultPath, "utf8")) as BenchResult);
  if (process.argv.includes("--update")) {
    writeFileSync(SNAPSHOT_PATH, `${JSON.stringify(measured, null, 2)}\n`);
    console.log(`gas snapshot: wrote ${Object.keys(measured).length} figures to ${SNAPSHOT_PATH}`);
    return;
  }
  const committed = JSON.parse(readFileSync(SNAPSHOT_PATH, "utf8")) as GasSnapshot;
  const problems = compareSnapshots(committed, measured);
  if (problems.length > 0) {
    console.error(`gas snapshot: ${problems.length} figure(s) moved by more than ${TOLERANCE * 100}%:`);
    for (const line of problems) console.error(`  ${line}`);
    console.error("Update the snapshot in the same commit: npx tsx scripts/check-gas-snapshot.ts --update");
    process.exit(1);
  }
  console.log(
    `gas snapshot: ${Object.keys(measured).length} figures within ${TOLERANCE * 100}% of the snapshot`,
  );
}

if (process.argv[1] === import.meta.filename) main();
