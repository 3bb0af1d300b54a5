/** Query option factories over the indexer's GraphQL actions (wagmi's layering). */
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import type { GraphQLClient } from "../lib/graphql/client.ts";
import {
  getAccount,
  getCampaigns,
  getComments,
  getCommunities,
  getCommunity,
  getEarnings,
  getEpochs,
  getLeaderboard,
  getNewestClaim,
  getPosts,
  getQuote,
  getReputation,
  getStream,
  POSTS_PAGE_SIZE,
} from "../lib/graphql/indexer.ts";

export const STREAM_PAGE_SIZE = POSTS_PAGE_SIZE;
const lower = (a: string) => a.toLowerCase();

function nextCursor(page: { pageInfo: { hasNextPage: boolean; endCursor: string | null } }) {
  return page.pageInfo.hasNextPage && page.pageInfo.endCursor ? page.pageInfo.endCursor : undefined;
}

export function streamQueryOptions(gql: GraphQLClient, viewer: string, community: string | null) {
  return infiniteQueryOptions({
    queryKey: ["indexer", "stream", lower(viewer), community] as const,
    queryFn: ({ pageParam }) => getStream(gql, { viewer: lower(viewer), community, after: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: nextCursor,
  });
}

export function postsQueryOptions(
  gql: GraphQLClient,
  filter: { community?: string | null; author?: string | null },
) {
  const author = filter.author ? lower(filter.author) : null;
  const community = filter.community ?? null;
  return infiniteQueryOptions({
    queryKey: ["indexer", "posts", community, author] as const,
    queryFn: ({ pageParam }) => getPosts(gql, { community, author, after: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: nextCursor,
  });
}

export function accountQueryOptions(gql: GraphQLClient, address: string) {
  return queryOptions({
    queryKey: ["indexer", "account", lower(address)] as const,
    queryFn: () => getAccount(gql, lower(address)),
  });
}

export function communitiesQueryOptions(gql: GraphQLClient) {
  return queryOptions({
    queryKey: ["indexer", "communities"] as const,
    queryFn: async () => (await getCommunities(gql, { first: 100 })).edges.map((e) => e.node),
    staleTime: 30_000,
  });
}

export function communityQueryOptions(gql: GraphQLClient, id: string) {
  return queryOptions({
    queryKey: ["indexer", "community", id] as const,
    queryFn: () => getCommunity(gql, id),
  });
}

export function leaderboardQueryOptions(gql: GraphQLClient, community: string, first = 20) {
  return queryOptions({
    queryKey: ["indexer", "leaderboard", community, first] as const,
    queryFn: () => getLeaderboard(gql, community, first),
  });
}

export function reputationQueryOptions(gql: GraphQLClient, account: string, community: string) {
  return queryOptions({
    queryKey: ["indexer", "reputation", lower(account), community] as const,
    queryFn: () => getReputation(gql, lower(account), community),
    staleTime: 60_000,
  });
}

export function campaignsQueryOptions(gql: GraphQLClient, filter: { promoter?: string; post?: string }) {
  const promoter = filter.promoter ? lower(filter.promoter) : null;
  const post = filter.post ?? null;
  return queryOptions({
    queryKey: ["indexer", "campaigns", promoter, post] as const,
    queryFn: async () => (await getCampaigns(gql, { promoter, post, first: 100 })).edges.map((e) => e.node),
  });
}

/** `chainTime`: the timestamp of the chain's latest block (see getNewestClaim). */
export function claimQueryOptions(gql: GraphQLClient, account: string, chainTime?: () => Promise<number>) {
  return queryOptions({
    queryKey: ["indexer", "claim", lower(account)] as const,
    queryFn: () => getNewestClaim(gql, lower(account), chainTime ? { chainTime } : undefined),
    // While a newer root is activating, ask again until it can be claimed in full.
    refetchInterval: (query) => (query.state.data?.activatingAt ? 3_000 : false),
  });
}

export function earningsQueryOptions(gql: GraphQLClient, account: string) {
  return queryOptions({
    queryKey: ["indexer", "earnings", lower(account)] as const,
    queryFn: () => getEarnings(gql, lower(account)),
  });
}

export function quoteQueryOptions(
  gql: GraphQLClient,
  args: { promoter: string; community: string; budget: bigint | null },
) {
  const { promoter, community, budget } = args;
  return queryOptions({
    queryKey: ["indexer", "quote", lower(promoter), community, budget?.toString() ?? null] as const,
    queryFn: () => getQuote(gql, { promoter: lower(promoter), community, budget: budget ?? 0n }),
    enabled: budget !== null && budget > 0n,
  });
}

export function commentsQueryOptions(gql: GraphQLClient, post: string) {
  return queryOptions({
    queryKey: ["indexer", "comments", post] as const,
    queryFn: () => getComments(gql, post),
  });
}

export function epochsQueryOptions(gql: GraphQLClient) {
  return queryOptions({ queryKey: ["indexer", "epochs"] as const, queryFn: () => getEpochs(gql, 10) });
}
