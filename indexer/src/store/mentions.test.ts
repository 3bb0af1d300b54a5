import { describe, expect, it } from "vitest";
import { MAX_MENTIONS, mentionSites, resolveMentions } from "./mentions.ts";

const ADDR = `0x${"ab".repeat(20)}`;
const holders = (names: Record<string, string>) => (keys: string[]) =>
  new Map(keys.flatMap((k) => (names[k] ? [[k, names[k] as string] as [string, string]] : [])));

describe("mentions in post text", () => {
  it("reads every @ site: addresses, names longest first, none inside a word", () => {
    expect(mentionSites(`hi @${ADDR.toUpperCase().replace("0X", "0x")}!`)).toEqual([
      { start: 3, address: ADDR },
    ]);
    expect(mentionSites("ask @Ada Lovelace, now")).toEqual([
      { start: 4, names: ["Ada Lovelace, now", "Ada Lovelace,", "Ada Lovelace", "Ada"] },
    ]);
    expect(mentionSites("mail bob@example.org")).toEqual([]);
    expect(mentionSites("@ alone, @\nnext")).toEqual([]);
  });

  it("resolves the longest known name, case-insensitively for ASCII, and skips unknown ones", () => {
    const text = "thanks @ada lovelace and @Ada, and @nobody";
    const found = resolveMentions(text, holders({ "ada lovelace": "0xa1", ada: "0xa2" }));
    expect(found.map((m) => [text.slice(m.start, m.start + m.length), m.account])).toEqual([
      ["@ada lovelace", "0xa1"],
      ["@Ada", "0xa2"],
    ]);
  });

  it("counts offsets in UTF-16 code units around astral characters", () => {
    const text = "🎉 @Zoë 🎉";
    const [m] = resolveMentions(text, holders({ zoë: "0xz" }));
    expect(m && text.slice(m.start, m.start + m.length)).toBe("@Zoë");
  });

  it("keeps at most MAX_MENTIONS mentions", () => {
    const text = Array.from({ length: 15 }, () => "@Ada").join(" ");
    expect(resolveMentions(text, holders({ ada: "0xa" }))).toHaveLength(MAX_MENTIONS);
  });
});
