/**
 * Helpers shared by benchmark files. A benchmark file is a script named
 * `*.bench.ts`; it measures, then calls `reportBench` once with its figures.
 * `npm run bench` runs every such file in its own process and prints a table.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface BenchFigure {
  value: number;
  unit: string;
  /** The target, e.g. "<= 150" (same unit), when the issue sets one. */
  target?: string;
  /** For ratios against a baseline measured in the same run. */
  baseline?: number;
}

export interface BenchResult {
  name: string;
  file: string;
  date: string;
  node: string;
  figures: Record<string, BenchFigure>;
}

export function benchResultsDir(): string {
  return process.env.BENCH_RESULTS_DIR ?? join(process.cwd(), "bench-results");
}

/** Whether a figure meets its target (true when it has none). */
export function meetsTarget(figure: BenchFigure): boolean {
  if (!figure.target) return true;
  const match = /^(<=|>=)\s*(-?[\d.]+)$/.exec(figure.target.trim());
  if (!match) return true;
  const limit = Number(match[2]);
  return match[1] === "<=" ? figure.value <= limit : figure.value >= limit;
}

export function reportBench(name: string, file: string, figures: Record<string, BenchFigure>): BenchResult {
  const result: BenchResult = { name, file, date: new Date().toISOString(), node: process.version, figures };
  const dir = benchResultsDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

/** Runs `fn` `iterations` times and returns the sorted durations in ms. */
export async function timeIt(iterations: number, fn: () => unknown | Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await fn();
    out.push(performance.now() - start);
  }
  return out.sort((a, b) => a - b);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const idx = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, idx)] as number;
}
