/**
 * Mentions in a post's text: `@0x…` (an address) or `@Display Name` (a signed profile name),
 * resolved once, when the post is indexed, and kept with the post: a later rename changes
 * neither the link nor who was notified.
 *
 * A name mention is the longest profile name (at most `PROFILE_LIMITS.nameBytes`, compared
 * case-insensitively for ASCII letters) that follows the `@` and ends at a word boundary, among
 * the names in force at the post's block time. Names are not unique: when several accounts hold
 * the name, the mention goes to the one that has held it longest (the earliest Profile message
 * that set it, then log order), so an account that copies a name later neither receives the
 * mention nor takes it away from the account people already know by it. An `@` inside a word
 * (an e-mail address) mentions nobody.
 */
import { PROFILE_LIMITS } from "#protocol";

/** At most this many mentions are kept per post (and so at most this many accounts notified). */
export const MAX_MENTIONS = 10;
/** Only the first this many `@` of a text are read. */
const MAX_AT_SIGNS = 20;

const WORD = /[\p{L}\p{N}_]/u;
const SPACE = /\s/u;
const ADDRESS = /^@(0x[0-9a-fA-F]{40})(?![0-9a-fA-F])/;

/** One `@` of a text: an address, or the names it may be followed by (longest first). */
export type MentionSite = { start: number; address: string } | { start: number; names: string[] };

const utf8Length = (cp: number) => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);

/** ASCII letters lowered: the folding SQLite's NOCASE applies, so both sides agree. */
export const nameKey = (name: string) => name.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** The `@` sites of `text`, in order (offsets in UTF-16 code units), before any name is looked up. */
export function mentionSites(text: string): MentionSite[] {
  const sites: MentionSite[] = [];
  let from = 0;
  while (sites.length < MAX_AT_SIGNS) {
    const at = text.indexOf("@", from);
    if (at < 0) break;
    from = at + 1;
    const before = at > 0 ? text.slice(Math.max(0, at - 2), at) : "";
    const prev = [...before].pop();
    if (prev !== undefined && WORD.test(prev)) continue;
    const address = ADDRESS.exec(text.slice(at, at + 43));
    if (address) {
      sites.push({ start: at, address: (address[1] as string).toLowerCase() });
      continue;
    }
    const names: string[] = [];
    let bytes = 0;
    let end = at + 1;
    for (const ch of text.slice(at + 1)) {
      const cp = ch.codePointAt(0) as number;
      if (end === at + 1 && SPACE.test(ch)) break;
      if (ch === "\n" || ch === "\r") break;
      bytes += utf8Length(cp);
      if (bytes > PROFILE_LIMITS.nameBytes) break;
      end += ch.length;
      const next = [...text.slice(end, end + 2)][0];
      if (!SPACE.test(ch) && (next === undefined || !WORD.test(next) || !WORD.test(ch)))
        names.push(text.slice(at + 1, end));
    }
    if (names.length > 0) sites.push({ start: at, names: names.reverse() });
  }
  return sites;
}

export interface Mention {
  start: number;
  length: number;
  account: string;
}

/**
 * Resolves `text`'s mentions against the names in force at `time`: `holders` answers, for each
 * name key asked, the account that has held that name longest (absent when nobody holds it).
 */
export function resolveMentions(text: string, holders: (keys: string[]) => Map<string, string>): Mention[] {
  const sites = mentionSites(text);
  const keys = new Set<string>();
  for (const s of sites) if ("names" in s) for (const n of s.names) keys.add(nameKey(n));
  const byKey = keys.size > 0 ? holders([...keys]) : new Map<string, string>();
  const found: Mention[] = [];
  let covered = 0;
  for (const s of sites) {
    if (found.length >= MAX_MENTIONS) break;
    if (s.start < covered) continue;
    let mention: Mention | undefined;
    if ("address" in s) mention = { start: s.start, length: 43, account: s.address };
    else {
      const name = s.names.find((n) => byKey.has(nameKey(n)));
      if (name !== undefined)
        mention = { start: s.start, length: 1 + name.length, account: byKey.get(nameKey(name)) as string };
    }
    if (mention) {
      found.push(mention);
      covered = mention.start + mention.length;
    }
  }
  return found;
}
