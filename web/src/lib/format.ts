import { formatUnits, parseUnits } from "viem";

export const AMP_DECIMALS = 18;
export const MAX_TEXT_BYTES = 1000;
export const MAX_TOPICS = 5;
export const MAX_TOPIC_BYTES = 32;

const encoder = new TextEncoder();
export function byteLength(text: string): number {
  return encoder.encode(text).length;
}

export function shortAddress(address: string | null | undefined): string {
  if (!address) return "";
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** Formats a token amount (wei, bigint or decimal string) with up to `digits` decimals. */
export function formatAmp(amount: bigint | string | null | undefined, digits = 4): string {
  if (amount === null || amount === undefined || amount === "") return "0";
  const value = typeof amount === "bigint" ? amount : BigInt(amount);
  const [whole = "0", frac = ""] = formatUnits(value, AMP_DECIMALS).split(".");
  const trimmed = frac.slice(0, digits).replace(/0+$/, "");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return trimmed ? `${grouped}.${trimmed}` : grouped;
}

/** Parses a user-typed AMP amount; null when it is not a positive number. */
export function parseAmp(input: string): bigint | null {
  const text = input.trim();
  if (!/^\d+(\.\d{0,18})?$/.test(text)) return null;
  const value = parseUnits(text, AMP_DECIMALS);
  return value > 0n ? value : null;
}

export function formatScore(score: number): string {
  if (!Number.isFinite(score)) return "–";
  if (score === 0) return "0";
  if (score < 0.001) return score.toExponential(1);
  return score.toFixed(3);
}

export function formatTime(seconds: number | string): string {
  const s = Number(seconds);
  if (!Number.isFinite(s) || s <= 0) return "";
  return new Date(s * 1000).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function timeAgo(seconds: number | string, nowMs: number = Date.now()): string {
  const diff = Math.max(0, Math.floor(nowMs / 1000 - Number(seconds)));
  if (diff < 60) return "just now";
  if (diff < 3600) return `${Math.floor(diff / 60)} min ago`;
  if (diff < 86_400) return `${Math.floor(diff / 3600)} h ago`;
  return `${Math.floor(diff / 86_400)} d ago`;
}

/** Splits "a, b #c" into distinct topics. */
export function parseTopics(input: string): string[] {
  const seen = new Set<string>();
  for (const raw of input.split(/[\s,#]+/)) {
    const topic = raw.trim().toLowerCase();
    if (topic) seen.add(topic);
  }
  return [...seen];
}

/** "1 view", "3 views", "1,204 views"; `many` for irregular plurals ("1 reply", "2 replies"). */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : many}`;
}

/** A count with thousands separators: 1234567 -> "1,234,567". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return "–";
  return Math.round(n).toLocaleString("en-US");
}

/**
 * A token amount with `sig` significant digits (truncated, never rounded up) and thousands
 * separators: 1.59591 AMP -> "1.595", 0.000012345 -> "0.00001234", 12345.6 -> "12,345".
 */
export function formatAmpSig(amount: bigint | string | null | undefined, sig = 4): string {
  if (amount === null || amount === undefined || amount === "") return "0";
  const value = typeof amount === "bigint" ? amount : BigInt(amount);
  if (value < 0n) return `-${formatAmpSig(-value, sig)}`;
  const [whole = "0", frac = ""] = formatUnits(value, AMP_DECIMALS).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  if (whole !== "0") {
    const decimals = Math.max(0, sig - whole.length);
    const kept = frac.slice(0, decimals).replace(/0+$/, "");
    return kept ? `${grouped}.${kept}` : grouped;
  }
  const lead = frac.match(/^0*/)?.[0].length ?? 0;
  const kept = frac.slice(0, lead + sig).replace(/0+$/, "");
  return kept ? `0.${kept}` : "0";
}

/** A ratio as a percentage with up to one decimal: 0.1234 -> "12.3 %". */
export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return "–";
  const p = ratio * 100;
  return `${p >= 10 || Number.isInteger(p) ? Math.round(p) : p.toFixed(1)} %`;
}

/** A reputation rank as people read it: "Top 5 %" (or "No reputation yet"), and its detail. */
export function reputationStanding(r: { score: number; rank: number | null; ranked: number }): {
  label: string;
  detail: string;
} {
  const top = reputationPercentile(r.rank, r.ranked);
  if (!top || r.rank === null)
    return { label: "No reputation yet", detail: "No reputation in this community yet" };
  return {
    label: top.replace(/^top/, "Top"),
    detail: `Rank ${formatCount(r.rank)} of ${formatCount(r.ranked)} in this community (score ${formatScore(r.score)})`,
  };
}

/**
 * Reputation as a percentile in its community: rank 1 of 50 is "top 2 %"; the last of the
 * ranked is "top 100 %". Null when unranked.
 */
export function reputationPercentile(rank: number | null | undefined, ranked: number): string | null {
  if (!rank || rank < 1 || ranked < 1 || rank > ranked) return null;
  const top = Math.max(1, Math.ceil((rank / ranked) * 100));
  return `top ${top} %`;
}
