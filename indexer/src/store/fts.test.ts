import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { openDb } from "./db.ts";
import { addressPrefix, ftsQuery, searchTerms } from "./fts.ts";

describe("search query building", () => {
  it("keeps only words, quotes each, and matches the last as a prefix while typing", () => {
    expect(ftsQuery("Hello world")).toBe('"hello" "world" *');
    expect(ftsQuery("hello world ")).toBe('"hello" "world"');
    expect(ftsQuery('"a" OR b* NEAR(c d) text:e ^f -g')).toBe('"a" "or" "b" "near" "c" "d" "text" "e"');
    expect(ftsQuery("Café naïve")).toBe('"café" "naïve" *');
    expect(ftsQuery("   ")).toBeNull();
    expect(ftsQuery('"*()-:^')).toBeNull();
    expect(searchTerms("a b c d e f g h i j k")).toHaveLength(8);
    expect(ftsQuery("defi.")).toBe('"defi"');
  });

  it("recognises address prefixes", () => {
    expect(addressPrefix(" 0xAbC1 ")).toBe("0xabc1");
    expect(addressPrefix("0x1")).toBeNull();
    expect(addressPrefix(`0x${"a".repeat(41)}`)).toBeNull();
    expect(addressPrefix("abc")).toBeNull();
  });

  const db = openDb(":memory:");
  afterAll(() => db.close());
  const match = db.prepare("SELECT COUNT(*) FROM post_search WHERE post_search MATCH ?").pluck();

  it("gives FTS5 a query it accepts, whatever was typed", () => {
    const hostile = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.stringMatching(/^[\s"*^():+\-.a-zA-Z0-9]{0,60}$/),
      fc
        .array(
          fc.constantFrom(
            "AND",
            "OR",
            "NOT",
            "NEAR(",
            ")",
            '"',
            "*",
            "^",
            "text:",
            "{",
            "}",
            "\0",
            "é",
            "😀",
          ),
          {
            maxLength: 20,
          },
        )
        .map((parts) => parts.join(" ")),
    );
    fc.assert(
      fc.property(hostile, (input) => {
        const q = ftsQuery(input);
        if (q !== null) expect(() => match.get(q)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});
