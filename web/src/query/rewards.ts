/** Query option factories of the earnings, campaign and membership reads. */
import { queryOptions } from "@tanstack/react-query";
import type { GraphQLClient } from "../lib/graphql/client.ts";
import {
  getCampaignDetail,
  getCampaignForecast,
  getMemberCounts,
  getMembership,
  getMemberships,
  getPendingEarnings,
} from "../lib/graphql/rewards.ts";

const lower = (a: string) => a.toLowerCase();

export function pendingEarningsQueryOptions(gql: GraphQLClient, account: string) {
  return queryOptions({
    queryKey: ["indexer", "pendingEarnings", lower(account)] as const,
    queryFn: () => getPendingEarnings(gql, lower(account)),
    // The unsettled epoch moves with every view: keep the running tally fresh.
    refetchInterval: 10_000,
  });
}

export function campaignDetailQueryOptions(gql: GraphQLClient, id: string) {
  return queryOptions({
    queryKey: ["indexer", "campaignDetail", id] as const,
    queryFn: () => getCampaignDetail(gql, id),
    refetchInterval: 10_000,
  });
}

export function campaignForecastQueryOptions(
  gql: GraphQLClient,
  vars: { promoter: string; community: string; budget: string; duration: number },
) {
  return queryOptions({
    queryKey: [
      "indexer",
      "campaignForecast",
      lower(vars.promoter),
      vars.community,
      vars.budget,
      vars.duration,
    ] as const,
    queryFn: () => getCampaignForecast(gql, { ...vars, promoter: lower(vars.promoter) }),
  });
}

export function membershipQueryOptions(gql: GraphQLClient, community: string, account: string) {
  return queryOptions({
    queryKey: ["indexer", "membership", community, lower(account)] as const,
    queryFn: () => getMembership(gql, community, lower(account)),
  });
}

export function membershipsQueryOptions(gql: GraphQLClient, account: string) {
  return queryOptions({
    queryKey: ["indexer", "memberships", lower(account)] as const,
    queryFn: () => getMemberships(gql, lower(account)),
  });
}

export function memberCountsQueryOptions(gql: GraphQLClient) {
  return queryOptions({
    queryKey: ["indexer", "memberCounts"] as const,
    queryFn: () => getMemberCounts(gql),
  });
}
