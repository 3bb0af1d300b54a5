/** Thin hooks over the indexer query options. */
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useConfig } from "wagmi";
import { getBlock } from "wagmi/actions";
import { useApp } from "../config/AppContext.tsx";
import {
  accountQueryOptions,
  campaignsQueryOptions,
  claimQueryOptions,
  commentsQueryOptions,
  communitiesQueryOptions,
  communityQueryOptions,
  earningsQueryOptions,
  epochsQueryOptions,
  leaderboardQueryOptions,
  postsQueryOptions,
  quoteQueryOptions,
  reputationQueryOptions,
  streamQueryOptions,
} from "../query/indexer.ts";

export function useStream(viewer: string, community: string | null) {
  const { gql } = useApp();
  return useInfiniteQuery(streamQueryOptions(gql, viewer, community));
}

export function usePosts(filter: { community?: string | null; author?: string | null }) {
  const { gql } = useApp();
  return useInfiniteQuery(postsQueryOptions(gql, filter));
}

export function useIndexedAccount(address: string) {
  const { gql } = useApp();
  return useQuery(accountQueryOptions(gql, address));
}

export function useCommunities() {
  const { gql } = useApp();
  return useQuery(communitiesQueryOptions(gql));
}

export function useCommunity(id: string) {
  const { gql } = useApp();
  return useQuery(communityQueryOptions(gql, id));
}

export function useLeaderboard(community: string, first?: number) {
  const { gql } = useApp();
  return useQuery(leaderboardQueryOptions(gql, community, first));
}

export function useReputation(account: string, community: string, enabled = true) {
  const { gql } = useApp();
  return useQuery({ ...reputationQueryOptions(gql, account, community), enabled });
}

export function useCampaigns(filter: { promoter?: string; post?: string }) {
  const { gql } = useApp();
  return useQuery(campaignsQueryOptions(gql, filter));
}

export function useClaim(account: string) {
  const { gql } = useApp();
  const config = useConfig();
  return useQuery(claimQueryOptions(gql, account, async () => Number((await getBlock(config)).timestamp)));
}

export function useEarnings(account: string) {
  const { gql } = useApp();
  return useQuery(earningsQueryOptions(gql, account));
}

export function useQuote(args: { promoter: string; community: string; budget: bigint | null }) {
  const { gql } = useApp();
  return useQuery(quoteQueryOptions(gql, args));
}

export function useComments(post: string) {
  const { gql } = useApp();
  return useQuery(commentsQueryOptions(gql, post));
}

export function useEpochs() {
  const { gql } = useApp();
  return useQuery(epochsQueryOptions(gql));
}
