/**
 * GraphQL operations of the earnings, campaign and community-membership pages, one function each
 * (the client comes first, as in viem's actions).
 */
import type { GraphQLClient } from "./client.ts";
import { graphql, type ResultOf } from "./graphql.ts";
import { run } from "./indexer.ts";

const PendingDoc = graphql(`query PendingEarnings($account: String!) {
  pendingEarnings(account: $account) {
    account epoch amount asOf lastSettledAt settlesAt claimableAt epochSeconds challengeWindowSeconds
    views { campaignId reason amount campaign { id post { id text } } }
  }
}`);
export type PendingEarnings = ResultOf<typeof PendingDoc>["pendingEarnings"];
export type PendingView = PendingEarnings["views"][number];
export type ViewPayoutReason = PendingView["reason"];

export async function getPendingEarnings(client: GraphQLClient, account: string): Promise<PendingEarnings> {
  return (await run(client, PendingDoc, { account })).pendingEarnings;
}

const CampaignDoc = graphql(`query CampaignDetail($id: ID!) {
  campaign(id: $id) {
    id promoter payer budget spent remaining expiresAt createdAt refunded active viewsBought averagePrice
    estimatedRemainingReach
    post { id text author views boughtViews community { id name } }
    delivery { impressions paidViews reach spend organicImpressions lift }
    history { epoch settledAt spent paidViews }
    spends { epoch amount revoked }
  }
}`);
export type CampaignDetail = NonNullable<ResultOf<typeof CampaignDoc>["campaign"]>;

export async function getCampaignDetail(client: GraphQLClient, id: string): Promise<CampaignDetail | null> {
  return (await run(client, CampaignDoc, { id })).campaign;
}

const ForecastDoc =
  graphql(`query CampaignForecast($promoter: String!, $community: ID!, $budget: BigInt!, $duration: Int) {
  quote(promoter: $promoter, community: $community, budget: $budget, durationSeconds: $duration) {
    views pricePerView promoterReputation forecast { audience views reach spendPerDay }
  }
}`);
export type CampaignForecast = ResultOf<typeof ForecastDoc>["quote"];

export async function getCampaignForecast(
  client: GraphQLClient,
  vars: { promoter: string; community: string; budget: string; duration: number },
): Promise<CampaignForecast> {
  return (await run(client, ForecastDoc, vars)).quote;
}

const MembershipDoc = graphql(`query Membership($community: ID!, $account: String!) {
  community(id: $community) { id memberCount isMember(account: $account) }
}`);

export async function getMembership(
  client: GraphQLClient,
  community: string,
  account: string,
): Promise<{ memberCount: number; isMember: boolean } | null> {
  const c = (await run(client, MembershipDoc, { community, account })).community;
  return c ? { memberCount: c.memberCount, isMember: c.isMember } : null;
}

const MembershipsDoc = graphql(`query Memberships($account: String!) {
  account(address: $account) { memberships { id name } }
}`);

export async function getMemberships(
  client: GraphQLClient,
  account: string,
): Promise<{ id: string; name: string }[]> {
  return (await run(client, MembershipsDoc, { account })).account?.memberships ?? [];
}

const MemberCountsDoc = graphql(`query MemberCounts($first: Int) {
  communities(first: $first) { edges { node { id memberCount } } }
}`);

/** Members per community id (the first 100 communities). */
export async function getMemberCounts(client: GraphQLClient): Promise<Map<string, number>> {
  const data = await run(client, MemberCountsDoc, { first: 100 });
  return new Map(data.communities.edges.map((e) => [e.node.id, e.node.memberCount]));
}
