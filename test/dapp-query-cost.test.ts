/**
 * Every GraphQL document the dApp sends passes the indexer's request limits at their defaults
 * (depth 10, cost 5000): a field added to a shared fragment cannot quietly push a page over.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "graphql";
import { createSchema } from "graphql-yoga";
import { describe, expect, it } from "vitest";
import { checkDocument } from "#indexer/api/limits.ts";
import { resolvers } from "#indexer/api/resolvers/index.ts";
import { typeDefs } from "#indexer/api/yoga.ts";

const root = join(import.meta.dirname, "..");
const FILES = ["web/src/lib/graphql/indexer.ts", "web/src/lib/graphql/profiles.ts"];

describe("the dApp's GraphQL documents", () => {
  it("stay within the indexer's default depth and cost", () => {
    const schema = createSchema({ typeDefs, resolvers });
    let checked = 0;
    for (const file of FILES) {
      const src = readFileSync(join(root, file), "utf8");
      const constants = new Map(
        [...src.matchAll(/const (\w+_FIELDS) = `([^`]*)`/g)].map((m) => [m[1], m[2]]),
      );
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
