/**
 * Keeps the error model: every error the project's sources throw is an
 * AmpError (protocol/errors.ts) with a code. Sources are everything but tests,
 * test kits and benchmarks, which may keep plain asserts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const SOURCE_ROOTS = ["protocol", "indexer/src", "web/src", "scripts", "contracts", "ignition"];
const SKIP_DIRS = new Set(["node_modules", "test", "bench", "artifacts", "cache", "dist", "e2e"]);
const isTest = (name: string) => /\.(test|bench)\.tsx?$/.test(name);

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || SKIP_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (/\.tsx?$/.test(entry.name) && !isTest(entry.name)) out.push(path);
  }
  return out;
}

const files = SOURCE_ROOTS.flatMap((r) => sources(join(root, r))).map((path) => ({
  file: relative(root, path),
  text: readFileSync(path, "utf8"),
}));

/** `file:line: text` of every line matching `pattern`. */
function offenders(pattern: RegExp, allow: (file: string) => boolean = () => false): string[] {
  return files.flatMap(({ file, text }) =>
    allow(file)
      ? []
      : text
          .split("\n")
          .flatMap((line, i) => (pattern.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
  );
}

describe("error model", () => {
  it("scans the sources (the scan itself finds them)", () => {
    expect(files.map((f) => f.file)).toEqual(
      expect.arrayContaining([
        "protocol/errors.ts",
        "indexer/src/main.ts",
        "web/src/lib/errors.ts",
        "scripts/start.ts",
      ]),
    );
  });

  it("throws no bare built-in error in the sources", () => {
    expect(offenders(/\bnew (Error|TypeError|RangeError|SyntaxError|ReferenceError)\(/)).toEqual([]);
  });

  it("has no error class extending a built-in error except AmpError itself", () => {
    expect(
      offenders(/\bextends (Error|TypeError|RangeError|SyntaxError)\b/, (f) => f === "protocol/errors.ts"),
    ).toEqual([]);
  });

  it("defines every error class on AmpError or one of its subclasses", () => {
    const classes = files.flatMap(({ file, text }) =>
      [...text.matchAll(/class (\w+Error) extends (\w+)/g)].map((m) => ({ file, name: m[1], base: m[2] })),
    );
    const amp = new Set(["AmpError"]);
    // Subclasses of subclasses: resolve until nothing new joins.
    for (let grew = true; grew; ) {
      grew = false;
      for (const c of classes) {
        if (c.name && c.base && amp.has(c.base) && !amp.has(c.name)) {
          amp.add(c.name);
          grew = true;
        }
      }
    }
    const outside = classes.filter((c) => c.name !== "AmpError" && !amp.has(c.name ?? ""));
    expect(outside).toEqual([]);
    expect(classes.length).toBeGreaterThan(10);
  });
});
