/**
 * Loading an exported engagement log (NDJSON, one `{seq, kind, signer,
 * message, signature}` per line, messages in canonical form) into the model's
 * entries. The export comes from the indexer's verified log, so this is a
 * fast structural conversion; kinds the model does not read (delegations) are
 * skipped.
 */
import type { Address } from "viem";
import { AmpError, type PolicyMode } from "#protocol";
import type { LogEntry } from "./log.ts";

type Json = Record<string, unknown>;

const str = (v: unknown): string => {
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  throw new AmpError("LOG_EXPORT_MALFORMED", `log: expected a string, got ${typeof v}`);
};
const big = (v: unknown): bigint => BigInt(str(v));
const address = (v: unknown): Address => str(v).toLowerCase() as Address;

/** Converts one exported entry's message (canonical JSON, parsed) into a model entry, or null if unused. */
export function toLogEntry(seq: number, kind: string, m: Json): LogEntry | null {
  const account = address(m.account);
  const timestamp = big(m.timestamp);
  const nonce = big(m.nonce);
  switch (kind) {
    case "View":
      return {
        seq,
        kind,
        message: {
          account,
          postId: big(m.postId),
          dwellMs: Number(m.dwellMs),
          campaignId: m.campaignId === "0" ? 0n : big(m.campaignId),
          timestamp,
          nonce,
        },
      };
    case "Like":
    case "Share":
      return { seq, kind, message: { account, postId: big(m.postId), timestamp, nonce } };
    case "Comment":
      return { seq, kind, message: { account, postId: big(m.postId), text: str(m.text), timestamp, nonce } };
    case "Follow":
      return {
        seq,
        kind,
        message: { account, target: address(m.target), follow: m.follow === true, timestamp, nonce },
      };
    case "Impression":
      return {
        seq,
        kind,
        message: {
          account,
          viewer: address(m.viewer),
          campaignId: big(m.campaignId),
          postId: big(m.postId),
          price: big(m.price),
          policySeq: big(m.policySeq),
          expiresAt: big(m.expiresAt),
          timestamp,
          nonce,
        },
      };
    case "Policy":
      return {
        seq,
        kind,
        message: {
          account,
          mode: Number(m.mode) as PolicyMode,
          communities: ((m.communities as unknown[]) ?? []).map(big),
          topics: ((m.topics as unknown[]) ?? []).map(str),
          blockedPromoters: ((m.blockedPromoters as unknown[]) ?? []).map(address),
          timestamp,
          nonce,
        },
      };
    default:
      return null;
  }
}

/** Lines parsed per JSON.parse call: one array parse is much cheaper than one call per line. */
const CHUNK_LINES = 4096;

/** Parses an NDJSON export into model entries, in file order. */
export function loadLogExport(ndjson: string): LogEntry[] {
  const out: LogEntry[] = [];
  const lines = ndjson.split("\n");
  for (let i = 0; i < lines.length; i += CHUNK_LINES) {
    const chunk = lines.slice(i, i + CHUNK_LINES).filter((l) => l.length > 0);
    if (chunk.length === 0) continue;
    const parsed = JSON.parse(`[${chunk.join(",")}]`) as {
      seq: number | string;
      kind: string;
      message: Json;
    }[];
    for (const line of parsed) {
      const entry = toLogEntry(Number(line.seq), line.kind, line.message);
      if (entry) out.push(entry);
    }
  }
  return out;
}
