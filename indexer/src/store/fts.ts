/**
 * Turns what a person typed into a safe FTS5 query. Only runs of letters and digits survive,
 * each quoted as a phrase, so no FTS5 syntax (quotes, NEAR, column filters, `*`, `^`,
 * parentheses, AND/OR/NOT) can reach the parser; the terms must all match (AND), and the last
 * one matches as a prefix when the input ends in it, so results follow the typing.
 */
export const SEARCH_LIMITS = {
  /** Longest accepted query, in characters. */
  maxQueryChars: 200,
  /** Terms beyond this many are ignored. */
  maxTerms: 8,
  /** Deepest result reachable by paging. */
  maxOffset: 500,
  /**
   * Posts are ranked among the newest this many matches (all of them when fewer match), so a
   * word in most posts costs no more than a rare one: the best matches among recent posts.
   */
  postWindow: 500,
} as const;

const TERM = /[\p{L}\p{N}]+/gu;

/** The terms of a query, lowercase and normalised (NFKC), at most `maxTerms`. */
export function searchTerms(input: string): string[] {
  return (input.normalize("NFKC").toLowerCase().match(TERM) ?? []).slice(0, SEARCH_LIMITS.maxTerms);
}

export interface QueryTerm {
  term: string;
  /** Matches any word starting with `term` (the word being typed). */
  prefix: boolean;
}

/** The terms of `input`, the last one a prefix when the input ends in it (and it was not cut off). */
export function queryTerms(input: string): QueryTerm[] {
  const terms = searchTerms(input);
  const all = input.normalize("NFKC").match(TERM) ?? [];
  const prefixLast = /[\p{L}\p{N}]$/u.test(input.normalize("NFKC")) && all.length <= SEARCH_LIMITS.maxTerms;
  return terms.map((term, i) => ({ term, prefix: prefixLast && i === terms.length - 1 }));
}

/** The FTS5 MATCH expression for these terms, or null when there are none. */
export function matchExpression(terms: readonly QueryTerm[]): string | null {
  if (terms.length === 0) return null;
  return terms.map((t) => `"${t.term}"${t.prefix ? " *" : ""}`).join(" ");
}

/** The FTS5 MATCH expression for `input`, or null when it holds no searchable term. */
export function ftsQuery(input: string): string | null {
  return matchExpression(queryTerms(input));
}

/** An address prefix (`0x` and 2..40 hex digits), lowercased, or null. */
export function addressPrefix(input: string): string | null {
  const t = input.trim().toLowerCase();
  return /^0x[0-9a-f]{2,40}$/.test(t) ? t : null;
}

/**
 * A term as PostgreSQL's search documents hold its words (`amp_search_text` in the PostgreSQL
 * schema): accents removed (decomposed, the combining diacritical marks U+0300..U+036F dropped,
 * recomposed). Terms are already NFKC and lowercase.
 */
export function foldTerm(term: string): string {
  return term
    .normalize("NFD")
    .replace(/[\u0300-\u036f]+/g, "")
    .normalize("NFC");
}

/**
 * The PostgreSQL `tsquery` text for these terms (every term must match, a prefix one as `:*`),
 * or null when there are none. Terms hold only letters and digits, so no tsquery syntax can
 * reach the parser; each is quoted as one lexeme.
 */
export function tsQuery(terms: readonly QueryTerm[]): string | null {
  const words = terms
    .map((t) => ({ word: foldTerm(t.term), prefix: t.prefix }))
    .filter((t) => /^[\p{L}\p{N}]+$/u.test(t.word));
  if (words.length === 0) return null;
  return words.map((t) => `'${t.word}'${t.prefix ? ":*" : ""}`).join(" & ");
}
