/** Hooks of the earnings, campaign and community pages: reads and the transactions they send. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Address } from "viem";
import { useConfig, useConnection } from "wagmi";
import { useApp } from "../config/AppContext.tsx";
import { createCommunity, setModerator, topUpCampaign } from "../lib/chain/community-actions.ts";
import { engage } from "../lib/session/engagement.ts";
import { WalletGuardError } from "../lib/wallet/guard.ts";
import {
  campaignDetailQueryOptions,
  campaignForecastQueryOptions,
  memberCountsQueryOptions,
  membershipQueryOptions,
  membershipsQueryOptions,
  pendingEarningsQueryOptions,
} from "../query/rewards.ts";
import { useEngagementDeps } from "./session.ts";
import { useRefresh } from "./transactions.ts";
import { useResetOnWalletChange } from "./wallet.ts";

export function usePendingEarnings(account: string | undefined) {
  const { gql } = useApp();
  return useQuery({ ...pendingEarningsQueryOptions(gql, account ?? ""), enabled: Boolean(account) });
}

export function useCampaignDetail(id: string) {
  const { gql } = useApp();
  return useQuery(campaignDetailQueryOptions(gql, id));
}

export function useCampaignForecast(
  vars: { promoter: string; community: string; budget: string; duration: number } | null,
) {
  const { gql } = useApp();
  return useQuery({
    ...campaignForecastQueryOptions(gql, vars ?? { promoter: "", community: "", budget: "0", duration: 0 }),
    enabled: vars !== null,
  });
}

export function useMembership(community: string, account: string | undefined) {
  const { gql } = useApp();
  return useQuery({ ...membershipQueryOptions(gql, community, account ?? ""), enabled: Boolean(account) });
}

export function useMemberships(account: string | undefined) {
  const { gql } = useApp();
  return useQuery({ ...membershipsQueryOptions(gql, account ?? ""), enabled: Boolean(account) });
}

export function useMemberCounts() {
  const { gql } = useApp();
  return useQuery(memberCountsQueryOptions(gql));
}

function requireAccount(address: Address | undefined): Address {
  if (!address) throw new WalletGuardError("NOT_CONNECTED", "Connect a wallet first.");
  return address;
}

export function useCreateCommunity() {
  const config = useConfig();
  const { app } = useApp();
  const { address } = useConnection();
  const refresh = useRefresh();
  const mutation = useMutation({
    mutationFn: (vars: { name: string; description: string }) =>
      createCommunity(config, app, { ...vars, account: requireAccount(address) }),
    onSuccess: refresh,
  });
  useResetOnWalletChange(mutation.reset);
  return mutation;
}

export function useSetModerator() {
  const config = useConfig();
  const { app } = useApp();
  const { address } = useConnection();
  const refresh = useRefresh();
  const mutation = useMutation({
    mutationFn: (vars: { communityId: bigint; moderator: Address; add: boolean }) =>
      setModerator(config, app, { ...vars, account: requireAccount(address) }),
    onSuccess: refresh,
  });
  useResetOnWalletChange(mutation.reset);
  return mutation;
}

export function useTopUp() {
  const config = useConfig();
  const { app } = useApp();
  const { address } = useConnection();
  const refresh = useRefresh();
  const mutation = useMutation({
    mutationFn: (vars: { campaignId: bigint; amount: bigint }) =>
      topUpCampaign(config, app, { ...vars, account: requireAccount(address) }),
    onSuccess: refresh,
  });
  useResetOnWalletChange(mutation.reset);
  return mutation;
}

/** Joins or leaves a community with a Membership message signed by the session key. */
export function useSetMembership() {
  const deps = useEngagementDeps();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (vars: { communityId: bigint; member: boolean }) => {
      if (!deps) throw new WalletGuardError("NOT_CONNECTED", "Connect a wallet first.");
      return engage(deps, "Membership", vars, { delegate: true });
    },
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ["session"] });
      return queryClient.invalidateQueries({ queryKey: ["indexer"] });
    },
  });
  useResetOnWalletChange(mutation.reset);
  return mutation;
}
