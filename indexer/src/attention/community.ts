/**
 * Reputation of every account in one community, from its attention graph and
 * trusted seeds (founder and moderators).
 */
import { detExp, detLog } from "./det-math.ts";
import type { AttentionGraph } from "./graph.ts";
import { addr, type CommunityInfo } from "./log.ts";
import type { AttentionParams } from "./params.ts";
import { reputation } from "./reputation.ts";

export interface CommunityReputation {
  communityId: bigint;
  nodes: readonly string[];
  index: ReadonlyMap<string, number>;
  /** PageRank mass per node (sums to 1). */
  scores: Float64Array;
  /**
   * Effective number of members: exp of the Shannon entropy of the reputation vector. Accounts
   * with no trust inflow hold no mass and change neither it nor anyone's relative reputation.
   */
  effectiveSize: number;
  iterations: number;
}

/** Founder and moderators (every one, whatever the appointment time): the nodes a graph must hold. */
export function seedsOf(community: CommunityInfo | undefined): string[] {
  if (!community) return [];
  return [...new Set([addr(community.founder), ...community.moderators.map(addr)])].sort();
}

/** When a moderator becomes a reputation seed: its appointment plus the seed delay. */
export function seedSince(params: AttentionParams, community: CommunityInfo, account: string): number {
  const a = addr(account);
  if (a === addr(community.founder)) return 0;
  return (community.appointedAt?.[a] ?? 0) + params.seedDelaySeconds;
}

/** The reputation seeds as of `asOf`: the founder, and moderators appointed at least the seed delay earlier. */
export function activeSeedsOf(
  params: AttentionParams,
  community: CommunityInfo | undefined,
  asOf: number,
): string[] {
  if (!community) return [];
  return seedsOf(community).filter((s) => seedSince(params, community, s) <= asOf);
}

/** exp(entropy) of a probability vector: n for a uniform vector over n nodes, unmoved by zero entries. */
export function effectiveSize(scores: Float64Array): number {
  let total = 0;
  for (let i = 0; i < scores.length; i++) total += scores[i] as number;
  if (!(total > 0)) return 0;
  let h = 0;
  for (let i = 0; i < scores.length; i++) {
    const p = (scores[i] as number) / total;
    if (p > 0) h -= p * detLog(p);
  }
  return detExp(h);
}

/** Precision of the founder-rooted walk that weights moderators (L1 tolerance, iterations). */
const ROOTED_TOLERANCE = 1e-4;
const ROOTED_MAX_ITERATIONS = 40;

export function communityReputation(
  params: AttentionParams,
  graph: AttentionGraph,
  community: CommunityInfo | undefined,
  previous?: CommunityReputation,
): CommunityReputation {
  // The founder first: it is the root the capped seeds' excess restarts at.
  const seedNames = activeSeedsOf(params, community, graph.asOf);
  if (community) {
    const f = addr(community.founder);
    seedNames.sort((a, b) => (a === f ? -1 : b === f ? 1 : a < b ? -1 : a > b ? 1 : 0));
  }
  const seeds = seedNames.map((s) => graph.index.get(s)).filter((i): i is number => i !== undefined);
  let warmStart: Float64Array | undefined;
  if (previous) {
    warmStart = new Float64Array(graph.n);
    for (let i = 0; i < graph.n; i++) {
      const j = previous.index.get(graph.nodes[i] as string);
      if (j !== undefined) warmStart[i] = previous.scores[j] as number;
    }
  }
  const options = {
    teleport: params.teleport,
    tolerance: params.pagerankTolerance,
    maxIterations: params.pagerankMaxIterations,
    seedShareCap: params.seedShareCap,
  };
  // Moderators are seeds in proportion to the trust the founder's community places in them (their
  // relative reputation with the founder as the only seed, up to 1 = a typical member): a
  // moderator nobody but its own cluster attends cannot restart the walk there.
  const founder = community ? graph.index.get(addr(community.founder)) : undefined;
  let seedWeights: number[] | undefined;
  if (founder !== undefined && seeds.length > 1) {
    // The weights only need to tell trusted moderators from unattended ones: a coarse walk will do.
    const rooted = reputation(graph, {
      ...options,
      seeds: [founder],
      seedShareCap: 1,
      tolerance: Math.max(options.tolerance, ROOTED_TOLERANCE),
      maxIterations: Math.min(options.maxIterations, ROOTED_MAX_ITERATIONS),
      warmStart,
    });
    const size = effectiveSize(rooted.scores);
    seedWeights = seeds.map((s) => (s === founder ? 1 : Math.min(1, (rooted.scores[s] as number) * size)));
    warmStart = rooted.scores;
  }
  const result = reputation(graph, { ...options, seeds, seedWeights, warmStart });
  return {
    communityId: graph.communityId,
    nodes: graph.nodes,
    index: graph.index,
    scores: result.scores,
    effectiveSize: effectiveSize(result.scores),
    iterations: result.iterations,
  };
}

/** Relative reputation (1 = a typical member: score * effective size) of an account; 0 when it is not in the graph. */
export function relativeReputation(rep: CommunityReputation, account: string): number {
  const i = rep.index.get(addr(account));
  return i === undefined ? 0 : (rep.scores[i] as number) * rep.effectiveSize;
}
