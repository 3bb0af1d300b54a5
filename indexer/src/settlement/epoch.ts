/**
 * One settlement epoch as a pure function: from the engagement log, the chain
 * facts and the previous cumulative amounts to per-campaign spends, per-account
 * payouts, the cumulative Merkle root with every proof, and the manifest (and
 * its hash, the inputs hash) that pins the log range and export, chain block,
 * period end, algorithm version and parameters.
 * The result depends on the set of messages, not on the order they arrived in.
 */
import type { Hex } from "viem";
import {
  type CommunityReputation,
  communityReputation,
  relativeReputation,
  seedsOf,
} from "../attention/community.ts";
import { AttentionGraphBuilder } from "../attention/graph.ts";
import {
  addr,
  type CampaignInfo,
  type CommunityInfo,
  type EngagementEntry,
  isEngagement,
  type LogEntry,
  type PostInfo,
} from "../attention/log.ts";
import { claimKey, isPaidView, paidUnits } from "../attention/paid-attention.ts";
import type { AttentionParams } from "../attention/params.ts";
import { SocialState } from "../attention/policy.ts";
import { ImpressionRule } from "./impressions.ts";
import { encodeManifest, manifestHash, manifestOf } from "./manifest.ts";
import { buildMerkle } from "./merkle.ts";
import { type CampaignSpend, computePayouts, type Payment, type ViewDecision } from "./payouts.ts";

export interface EpochInputs {
  epoch: number;
  /** Log entries with seq <= endSeq: the history the graph needs plus this epoch's entries. */
  entries: readonly LogEntry[];
  /** The epoch covers entries with startSeq < seq <= endSeq. */
  startSeq: number;
  endSeq: number;
  posts: readonly PostInfo[];
  communities: readonly CommunityInfo[];
  /** Campaigns with their budget remaining before this epoch. */
  campaigns: readonly CampaignInfo[];
  /** Cumulative amounts per account after the previous epoch. */
  previousCumulative: ReadonlyMap<string, bigint>;
  /** `${campaignId}:${viewer}` of viewers paid by earlier epochs. */
  previouslyPaid: ReadonlySet<string>;
  params: AttentionParams;
  /** The chain block the inputs were read up to. */
  blockNumber: bigint;
  /** Timestamp (unix seconds) of that block: the decay reference of the graph. */
  asOf: number;
  /** Hash of the epoch's exported log. */
  exportHash: Hex;
  /** Previous reputations per community, to warm-start PageRank. */
  previousReputation?: ReadonlyMap<bigint, CommunityReputation>;
}

export interface EpochResult {
  epoch: number;
  /** The epoch's manifest text (`manifest.ts`), published with its root by `settle`. */
  manifest: string;
  /** keccak256 of the manifest, as the escrow records it. */
  inputsHash: Hex;
  /** Spends of campaigns that spent something, by campaign id (the arrays `settle` takes). */
  spends: CampaignSpend[];
  campaignIds: bigint[];
  amounts: bigint[];
  totalSpent: bigint;
  /** This epoch's amount per account. */
  payouts: Map<string, bigint>;
  payments: Payment[];
  newlyPaid: string[];
  /** Per campaign and attendee, why the view was or was not paid. */
  decisions: ViewDecision[];
  /** Cumulative amount per account including this epoch (the Merkle leaves). */
  cumulative: Map<string, bigint>;
  root: Hex;
  proofs: Map<string, Hex[]>;
  reputations: Map<bigint, CommunityReputation>;
}

/**
 * Posts by id with their interned author and community: arrays indexed by id when the ids are
 * dense enough (they count up from 1 on-chain), a map otherwise. A later post of the same id wins.
 */
class PostTable {
  readonly #author: Int32Array | null = null;
  readonly #community: Float64Array | null = null;
  readonly #map: Map<number, { author: number; community: number }> | null = null;

  constructor(posts: readonly PostInfo[], intern: (author: string) => number) {
    let max = 0;
    for (const p of posts) max = Math.max(max, Number(p.id));
    if (max <= 4 * posts.length + 1024) {
      this.#author = new Int32Array(max + 1).fill(-1);
      this.#community = new Float64Array(max + 1);
      for (const p of posts) {
        const id = Number(p.id);
        this.#author[id] = intern(p.author);
        this.#community[id] = Number(p.communityId);
      }
    } else {
      this.#map = new Map();
      for (const p of posts)
        this.#map.set(Number(p.id), { author: intern(p.author), community: Number(p.communityId) });
    }
  }

  /** The author's interned id, or -1 for an unknown post. */
  authorOf(postId: number): number {
    if (this.#author)
      return postId >= 0 && postId < this.#author.length ? (this.#author[postId] as number) : -1;
    return this.#map?.get(postId)?.author ?? -1;
  }

  communityOf(postId: number): number {
    if (this.#community) return this.#community[postId] as number;
    return this.#map?.get(postId)?.community ?? 0;
  }
}

/** The manifest text of an epoch's inputs: range, export hash, facts block, period end, parameters. */
export function epochManifest(inputs: EpochInputs): string {
  return encodeManifest(
    manifestOf({
      epoch: inputs.epoch,
      periodEnd: inputs.asOf,
      fromSeq: inputs.startSeq,
      toSeq: inputs.endSeq,
      exportHash: inputs.exportHash,
      factsBlock: inputs.blockNumber,
      params: inputs.params,
    }),
  );
}

export function computeEpoch(inputs: EpochInputs): EpochResult {
  const { params } = inputs;
  const posts = new Map<bigint, PostInfo>();
  for (const p of inputs.posts) posts.set(p.id, p);
  const communities = new Map<bigint, CommunityInfo>();
  for (const c of inputs.communities) communities.set(c.id, c);

  const builder = new AttentionGraphBuilder(params);
  const accounts = builder.accounts;
  // Posts resolved once to interned author ids; entries are then added by id (the hot loop).
  const postTable = new PostTable(inputs.posts, (author) => accounts.idOf(author));
  const units = {
    View: 0,
    Like: 0,
    Comment: 0,
    Share: 0,
  };
  // Paid attention (attention/paid-attention.ts): who claimed a paid view of which post.
  const claimed = new Set<number>();
  for (const entry of inputs.entries) {
    if (entry.seq > inputs.endSeq || !isEngagement(entry) || !isPaidView(entry)) continue;
    claimed.add(claimKey(Number(entry.message.postId), accounts.idOf(entry.message.account)));
  }
  const paidFraction = params.paidAttentionWeight;
  const social = new SocialState();
  const epochEntries: EngagementEntry[] = [];
  const impressions = new ImpressionRule(params, posts, inputs.campaigns, social);
  for (const entry of inputs.entries) {
    if (entry.seq > inputs.endSeq) continue;
    impressions.observe(entry);
    if (!isEngagement(entry)) {
      social.apply(entry);
      continue;
    }
    if (entry.seq > inputs.startSeq) epochEntries.push(entry);
    if (entry.kind === "View" && entry.message.campaignId !== 0n) continue;
    const postId = Number(entry.message.postId);
    const author = postTable.authorOf(postId);
    if (author < 0) continue;
    let u = units[entry.kind];
    if (u === 0) {
      u = builder.unitsOf(entry);
      units[entry.kind] = u;
    }
    const from = accounts.idOf(entry.message.account);
    if (claimed.size > 0 && claimed.has(claimKey(postId, from))) u = paidUnits(u, paidFraction);
    builder.addEdge(from, author, postTable.communityOf(postId), Number(entry.message.timestamp), u);
  }

  // Reputation only where a campaign can pay.
  const reputations = new Map<bigint, CommunityReputation>();
  for (const campaign of inputs.campaigns) {
    const post = posts.get(campaign.postId);
    if (!post || reputations.has(post.communityId)) continue;
    const community = communities.get(post.communityId);
    const graph = builder.build(post.communityId, inputs.asOf, seedsOf(community));
    reputations.set(
      post.communityId,
      communityReputation(params, graph, community, inputs.previousReputation?.get(post.communityId)),
    );
  }

  const result = computePayouts(
    {
      params,
      posts,
      allows: () => impressions.allows(),
      unmatched: (entry) => impressions.unmatched(entry),
      reputationOf: (communityId, account) => {
        const rep = reputations.get(communityId);
        return rep ? relativeReputation(rep, account) : 0;
      },
      communitySize: (communityId) => reputations.get(communityId)?.effectiveSize ?? 0,
      previouslyPaid: inputs.previouslyPaid,
    },
    inputs.campaigns,
    impressions.claims(epochEntries),
  );

  const cumulative = new Map<string, bigint>();
  for (const [account, amount] of inputs.previousCumulative) {
    if (amount > 0n) cumulative.set(addr(account), (cumulative.get(addr(account)) ?? 0n) + amount);
  }
  for (const [account, amount] of result.amounts)
    cumulative.set(account, (cumulative.get(account) ?? 0n) + amount);
  const tree = buildMerkle(cumulative);

  let totalSpent = 0n;
  for (const s of result.spends) totalSpent += s.amount;
  const manifest = epochManifest(inputs);
  return {
    epoch: inputs.epoch,
    manifest,
    inputsHash: manifestHash(manifest),
    spends: result.spends,
    campaignIds: result.spends.map((s) => s.campaignId),
    amounts: result.spends.map((s) => s.amount),
    totalSpent,
    payouts: result.amounts,
    payments: result.payments,
    newlyPaid: result.newlyPaid,
    decisions: result.decisions,
    cumulative,
    root: tree.root,
    proofs: tree.proofs,
    reputations,
  };
}
