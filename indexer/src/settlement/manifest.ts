/**
 * An epoch's manifest: its public inputs, published on chain with its root.
 *
 * `settle(epoch, periodEnd, root, manifest, ...)` emits the manifest in
 * `EpochManifest` and records keccak256(manifest) as the epoch's inputs hash,
 * so the document is the commitment. It is the UTF-8 canonical JSON (sorted
 * keys, no whitespace, bigints as decimal strings, see `canonicalJson`) of:
 *
 * - `algorithm`: the attention algorithm version (`ALGORITHM_VERSION`);
 * - `epoch`, and `periodEnd`, the unix time views are settled up to (the
 *   timestamp of `factsBlock`, the `periodEnd` argument of `settle`);
 * - `fromSeq`, `toSeq`: the epoch covers log entries fromSeq < seq <= toSeq;
 * - `exportHash`: keccak256 of the NDJSON export of that range;
 * - `factsBlock`: the chain block the facts (posts, communities, campaigns)
 *   were read at;
 * - `params`: the attention parameters, and `paramsHash`, keccak256 of their
 *   canonical JSON.
 *
 * Outputs (root, totals, payouts) stay out: they follow from the inputs.
 */
import { type Hex, hexToBytes, keccak256, stringToBytes, stringToHex } from "viem";
import { ALGORITHM_VERSION, type AttentionParams, canonicalJson, paramsHash } from "../attention/params.ts";
import { paramsFromCanonicalJson } from "../attention/params-json.ts";
import { SettlementError } from "./errors.ts";

export interface EpochManifest {
  algorithm: string;
  epoch: number;
  periodEnd: number;
  fromSeq: number;
  toSeq: number;
  exportHash: Hex;
  factsBlock: number;
  paramsHash: Hex;
  params: AttentionParams;
}

const KEYS = [
  "algorithm",
  "epoch",
  "exportHash",
  "factsBlock",
  "fromSeq",
  "params",
  "paramsHash",
  "periodEnd",
  "toSeq",
] as const;

export interface ManifestFields {
  epoch: number;
  periodEnd: number;
  fromSeq: number;
  toSeq: number;
  exportHash: Hex;
  factsBlock: bigint | number;
  params: AttentionParams;
}

/** The manifest of an epoch computed with the current algorithm. */
export function manifestOf(fields: ManifestFields): EpochManifest {
  return {
    algorithm: ALGORITHM_VERSION,
    epoch: fields.epoch,
    periodEnd: fields.periodEnd,
    fromSeq: fields.fromSeq,
    toSeq: fields.toSeq,
    exportHash: fields.exportHash,
    factsBlock: Number(fields.factsBlock),
    paramsHash: paramsHash(fields.params),
    params: fields.params,
  };
}

/** The manifest's exact text (canonical JSON). */
export function encodeManifest(manifest: EpochManifest): string {
  return canonicalJson(manifest);
}

/** The bytes `settle` takes, as hex. */
export const manifestHex = (text: string): Hex => stringToHex(text);

/** keccak256 of the manifest's UTF-8 bytes: the epoch's inputs hash. */
export const manifestHash = (text: string): Hex => keccak256(stringToBytes(text));

const invalid = (why: string) =>
  new SettlementError("SETTLEMENT_MANIFEST_INVALID", `epoch manifest is not valid: ${why}`);

/** The manifest's text from the bytes of an `EpochManifest` event; throws when they are not UTF-8. */
export function manifestText(hex: Hex): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(hexToBytes(hex));
  } catch {
    throw invalid("the bytes are not UTF-8");
  }
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isHash = (v: unknown): v is Hex => typeof v === "string" && /^0x[0-9a-f]{64}$/.test(v);

/**
 * Parses and checks a manifest's text: exactly the fields above with their types, in canonical form
 * (so one set of inputs has one text and one hash). The parameters' hash is checked by the verifier.
 */
export function parseManifest(text: string): EpochManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw invalid("not JSON");
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw invalid("not a JSON object");
  const obj = raw as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  if (keys.length !== KEYS.length || keys.some((k, i) => k !== KEYS[i]))
    throw invalid(`fields are ${keys.join(", ")}; expected ${KEYS.join(", ")}`);
  if (typeof obj.algorithm !== "string") throw invalid("algorithm is not a string");
  for (const k of ["epoch", "periodEnd", "fromSeq", "toSeq", "factsBlock"] as const)
    if (!isCount(obj[k])) throw invalid(`${k} is not a non-negative integer`);
  for (const k of ["exportHash", "paramsHash"] as const)
    if (!isHash(obj[k])) throw invalid(`${k} is not a lowercase 32-byte hex hash`);
  if (obj.params === null || typeof obj.params !== "object" || Array.isArray(obj.params))
    throw invalid("params is not an object");
  if ((obj.toSeq as number) < (obj.fromSeq as number)) throw invalid("toSeq is below fromSeq");
  if (canonicalJson(obj) !== text) throw invalid("not in canonical form");
  let params: AttentionParams;
  try {
    params = paramsFromCanonicalJson(canonicalJson(obj.params));
  } catch {
    throw invalid("params do not parse");
  }
  return { ...(obj as unknown as EpochManifest), params };
}
