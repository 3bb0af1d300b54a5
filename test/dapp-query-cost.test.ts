/**
 * Every GraphQL document the dApp sends passes the indexer's request limits at their defaults
 * (depth 10, cost 5000): a field added to a shared fragment cannot quietly push a page over.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "graphql";
import { createSchema } from "graphql-yoga";
import { describe, expect, it } from "vitest";
import { checkDocument } from "#indexer/api/limits.ts";
import { resolvers } from "#indexer/api/resolvers/index.ts";
import { typeDefs } from "#indexer/api/yoga.ts";

const root = join(import.meta.dirname, "..");
const DIR = "web/src/lib/graphql";
const FILES = readdirSync(join(root, DIR))
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.endsWith(".d.ts"))
  .map((f) => `${DIR}/${f}`);

describe("the dApp's GraphQL documents", () => {
  it("stay within the indexer's default depth and cost", () => {
    const schema = createSchema({ typeDefs, resolvers });
    let checked = 0;
    const sources = FILES.map((file) => [file, readFileSync(join(root, file), "utf8")] as const);
    // The constants documents interpolate: field lists and page sizes, from every file.
    const constants = new Map<string, string>();
    for (const [, src] of sources) {
      for (const m of src.matchAll(/const (\w+_FIELDS) = `([^`]*)`/g))
        constants.set(m[1] as string, m[2] as string);
      for (const m of src.matchAll(/const (\w+) = (\d+);/g)) constants.set(m[1] as string, m[2] as string);
    }
    for (const [file, src] of sources) {
      for (const m of src.matchAll(/graphql\(`([\s\S]*?)`\)/g)) {
        const doc = (m[1] as string).replace(/\$\{(\w+)\}/g, (_, name: string) => constants.get(name) ?? "");
        const refusal = checkDocument(schema, parse(doc), { maxDepth: 10, maxCost: 5000 });
        expect(refusal?.message, `${file}: ${/(?:query|mutation) (\w+)/.exec(doc)?.[1]}`).toBeUndefined();
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});
