/**
 * `npm run bench [filter]`: runs every `*.bench.ts` file (each in its own
 * process, one after another so they do not compete for the two cores),
 * prints one table of all figures and leaves one JSON file per benchmark in
 * bench-results/.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { type BenchResult, benchResultsDir, meetsTarget } from "#test-kit/bench.ts";

const root = process.cwd();
const skip = new Set(["node_modules", ".git", "artifacts", "cache", "dist", ".toolchain", "bench-results"]);

function findBenchFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name) || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findBenchFiles(path));
    else if (entry.name.endsWith(".bench.ts")) out.push(path);
  }
  return out.sort();
}

const filter = process.argv[2];
// Matched against the path inside the repository, so a checkout's own directory name matches nothing.
const files = findBenchFiles(root).filter((f) => !filter || relative(root, f).includes(filter));
if (files.length === 0) {
  console.error(`bench: no *.bench.ts file found${filter ? ` matching "${filter}"` : ""}`);
  process.exit(1);
}

const dir = benchResultsDir();
rmSync(dir, { recursive: true, force: true });
let failedRuns = 0;
for (const file of files) {
  const rel = relative(root, file);
  console.log(`\n== ${rel}`);
  const run = spawnSync(process.execPath, ["--import", "tsx", "--expose-gc", file], {
    stdio: "inherit",
    env: { ...process.env, BENCH_RESULTS_DIR: dir },
  });
  if (run.status !== 0) {
    failedRuns++;
    console.error(`bench: ${rel} exited with ${run.status ?? run.signal}`);
  }
}

const results: BenchResult[] = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as BenchResult);

const rows: string[][] = [["benchmark", "figure", "value", "unit", "target", "ok"]];
for (const result of results) {
  for (const [key, fig] of Object.entries(result.figures)) {
    const value = Number.isInteger(fig.value) ? String(fig.value) : fig.value.toFixed(fig.value < 10 ? 3 : 1);
    rows.push([result.name, key, value, fig.unit, fig.target ?? "", meetsTarget(fig) ? "yes" : "NO"]);
  }
}
const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
console.log("");
for (const row of rows) console.log(row.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  "));
console.log(`\nbench: ${results.length} result file(s) in ${relative(root, dir)}/`);
if (failedRuns > 0) process.exit(1);
