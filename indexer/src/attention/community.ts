/**
 * Reputation of every account in one community, from its attention graph and
 * trusted seeds (founder and moderators).
 */
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
  iterations: number;
}

export function seedsOf(community: CommunityInfo | undefined): string[] {
  if (!community) return [];
  return [...new Set([addr(community.founder), ...community.moderators.map(addr)])].sort();
}

export function communityReputation(
  params: AttentionParams,
  graph: AttentionGraph,
  community: CommunityInfo | undefined,
  previous?: CommunityReputation,
): CommunityReputation {
  const seeds = seedsOf(community)
    .map((s) => graph.index.get(s))
    .filter((i): i is number => i !== undefined);
  let warmStart: Float64Array | undefined;
  if (previous) {
    warmStart = new Float64Array(graph.n);
    for (let i = 0; i < graph.n; i++) {
      const j = previous.index.get(graph.nodes[i] as string);
      if (j !== undefined) warmStart[i] = previous.scores[j] as number;
    }
  }
  const result = reputation(graph, {
    teleport: params.teleport,
    tolerance: params.pagerankTolerance,
    maxIterations: params.pagerankMaxIterations,
    seeds,
    warmStart,
  });
  return {
    communityId: graph.communityId,
    nodes: graph.nodes,
    index: graph.index,
    scores: result.scores,
    iterations: result.iterations,
  };
}

/** Relative reputation (1 = community average) of an account; 0 when it is not in the graph. */
export function relativeReputation(rep: CommunityReputation, account: string): number {
  const i = rep.index.get(addr(account));
  return i === undefined ? 0 : (rep.scores[i] as number) * rep.nodes.length;
}
