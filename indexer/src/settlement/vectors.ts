/**
 * Golden test vectors of the epoch computation (docs/vectors/*.json, format in
 * docs/protocol.md): a signed log export with the chain facts and carried-over
 * amounts in, the exact spends, payouts, decisions, reputations, cumulative
 * leaves, Merkle root and proofs out. `vectorInputs` turns a vector into the
 * input of `computeEpoch` through the same loader the verifier uses, and
 * `vectorOutput` renders a result in the vector's form, so a vector is checked
 * by comparing two JSON values.
 */
import { type Address, type Hex, keccak256, stringToBytes } from "viem";
import { loadLogExport } from "../attention/load.ts";
import type { CampaignInfo, CommunityInfo, PostInfo } from "../attention/log.ts";
import { paramsFromCanonicalJson } from "../attention/params-json.ts";
import type { EpochInputs, EpochResult } from "./epoch.ts";

export interface VectorPost {
  id: string;
  author: Address;
  communityId: string;
  topics: string[];
  createdAt: number;
}

export interface VectorCommunity {
  id: string;
  founder: Address;
  moderators: Address[];
  /** Appointment time (unix seconds) per moderator. */
  appointedAt: Record<string, number>;
}

export interface VectorCampaign {
  id: string;
  postId: string;
  promoter: Address;
  /** What this epoch may spend (the escrow's `spendable` at the facts block). */
  remaining: string;
  expiresAt: number;
  createdAt: number;
  refunded: boolean;
}

export interface VectorInput {
  epoch: number;
  /** The epoch covers log entries with fromSeq < seq <= toSeq. */
  fromSeq: number;
  toSeq: number;
  /** The block the chain facts were read at (decimal). */
  blockNumber: string;
  /** That block's timestamp (unix seconds). */
  asOf: number;
  /** Every exported line with seq <= toSeq, in seq order, exactly as exported (without the newline). */
  log: string[];
  /** keccak256 of the lines fromSeq < seq <= toSeq, each followed by "\n". */
  exportHash: Hex;
  posts: VectorPost[];
  communities: VectorCommunity[];
  campaigns: VectorCampaign[];
  /** Cumulative amount per account after the previous epoch (decimal wei). */
  previousCumulative: Record<string, string>;
  /** `${campaignId}:${viewer}` paid by earlier epochs. */
  previouslyPaid: string[];
}

export interface VectorReputation {
  communityId: string;
  /** Power iterations of the final walk. */
  iterations: number;
  /** effectiveSize as the 16 hex digits of its IEEE-754 double. */
  effectiveSize: string;
  /** PageRank mass per node (address order), 16 hex digits of each double. */
  scores: Record<string, string>;
}

export interface VectorOutput {
  inputsHash: Hex;
  spends: { campaignId: string; amount: string; views: number }[];
  /** This epoch's amount per account (address order). */
  payouts: Record<string, string>;
  decisions: { campaignId: string; account: string; reason: string; amount: string }[];
  /** The Merkle leaves: cumulative amount per account (address order). */
  cumulative: Record<string, string>;
  root: Hex;
  proofs: Record<string, Hex[]>;
  reputation: VectorReputation[];
}

export interface GoldenVector {
  name: string;
  description: string;
  /** The rules the vector exercises. */
  covers: string[];
  algorithm: string;
  /** The parameters as canonical JSON. */
  params: string;
  paramsHash: Hex;
  /** EIP-712 domain the log is signed in. */
  domain: { chainId: number; verifyingContract: Address };
  /** Published impression keys. */
  impressionIssuers: Address[];
  input: VectorInput;
  output: VectorOutput;
}

/** The NDJSON export of the lines fromSeq < seq <= toSeq and its keccak256. */
export function exportOf(
  log: readonly string[],
  fromSeq: number,
  toSeq: number,
): { ndjson: string; hash: Hex } {
  const ndjson = log
    .filter((line) => {
      const seq = (JSON.parse(line) as { seq: number }).seq;
      return seq > fromSeq && seq <= toSeq;
    })
    .map((line) => `${line}\n`)
    .join("");
  return { ndjson, hash: keccak256(stringToBytes(ndjson)) };
}

/** The `computeEpoch` input a vector describes. */
export function vectorInputs(vector: GoldenVector): EpochInputs {
  const v = vector.input;
  const posts: PostInfo[] = v.posts.map((p) => ({
    id: BigInt(p.id),
    author: p.author,
    communityId: BigInt(p.communityId),
    topics: p.topics,
    createdAt: p.createdAt,
  }));
  const communities: CommunityInfo[] = v.communities.map((c) => ({
    id: BigInt(c.id),
    founder: c.founder,
    moderators: c.moderators,
    appointedAt: c.appointedAt,
  }));
  const campaigns: CampaignInfo[] = v.campaigns.map((c) => ({
    id: BigInt(c.id),
    postId: BigInt(c.postId),
    promoter: c.promoter,
    remaining: BigInt(c.remaining),
    expiresAt: c.expiresAt,
    createdAt: c.createdAt,
    refunded: c.refunded,
  }));
  return {
    epoch: v.epoch,
    entries: loadLogExport(v.log.join("\n")),
    startSeq: v.fromSeq,
    endSeq: v.toSeq,
    posts,
    communities,
    campaigns,
    previousCumulative: new Map(Object.entries(v.previousCumulative).map(([a, x]) => [a, BigInt(x)])),
    previouslyPaid: new Set(v.previouslyPaid),
    params: paramsFromCanonicalJson(vector.params),
    blockNumber: BigInt(v.blockNumber),
    asOf: v.asOf,
    exportHash: v.exportHash,
  };
}

/** The 16 hex digits of a double's IEEE-754 bits. */
export function doubleBits(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, "0");
}

function byKey<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(sorted);
}

/** An epoch result in the vector's output form. */
export function vectorOutput(result: EpochResult): VectorOutput {
  const reputation: VectorReputation[] = [...result.reputations.values()]
    .sort((a, b) => (a.communityId < b.communityId ? -1 : 1))
    .map((rep) => ({
      communityId: rep.communityId.toString(),
      iterations: rep.iterations,
      effectiveSize: doubleBits(rep.effectiveSize),
      scores: byKey(rep.nodes.map((node, i) => [node, doubleBits(rep.scores[i] as number)] as const)),
    }));
  return {
    inputsHash: result.inputsHash,
    spends: result.spends.map((s) => ({
      campaignId: s.campaignId.toString(),
      amount: s.amount.toString(),
      views: s.views,
    })),
    payouts: byKey([...result.payouts].map(([a, x]) => [a, x.toString()] as const)),
    decisions: result.decisions.map((d) => ({
      campaignId: d.campaignId.toString(),
      account: d.account,
      reason: d.reason,
      amount: d.amount.toString(),
    })),
    cumulative: byKey([...result.cumulative].map(([a, x]) => [a, x.toString()] as const)),
    root: result.root,
    proofs: byKey(result.proofs),
    reputation,
  };
}

/** Vectors of the deterministic exp and log: IEEE-754 bits in, bits out (docs/vectors/det-math.json). */
export interface DetMathVector {
  name: "det-math";
  description: string;
  /** Per function: [input bits, output bits] pairs, 16 hex digits each. */
  exp: [string, string][];
  log: [string, string][];
  log1p: [string, string][];
}

/** The double whose IEEE-754 bits are these 16 hex digits. */
export function fromBits(bits: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${bits}`));
  return view.getFloat64(0);
}
