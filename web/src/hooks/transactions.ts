import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Address, Hex } from "viem";
import { useConfig, useConnection } from "wagmi";
import { useApp } from "../config/AppContext.tsx";
import {
  type AmplifyStep,
  amplifyPost,
  claimRewards,
  publishPost,
  readRefundState,
  refundCampaign,
} from "../lib/chain/actions.ts";
import { waitForIndexer } from "../lib/graphql/indexer.ts";

/**
 * After a transaction, the chain and the indexer both have news: wait until
 * the indexer has processed the transaction's block, then refetch.
 */
function useRefresh() {
  const queryClient = useQueryClient();
  const { gql } = useApp();
  return async (result: { blockNumber: bigint }) => {
    queryClient.invalidateQueries({ queryKey: ["readContract"] });
    queryClient.invalidateQueries({ queryKey: ["chain"] });
    await waitForIndexer(gql, result.blockNumber);
    await queryClient.invalidateQueries({ queryKey: ["indexer"] });
  };
}

export type PublishPhase = "wallet" | "mining" | "indexing";

export function usePublish() {
  const config = useConfig();
  const { app } = useApp();
  const refresh = useRefresh();
  const [pendingHash, setPendingHash] = useState<Hex | null>(null);
  const [phase, setPhase] = useState<PublishPhase>("wallet");
  const mutation = useMutation({
    mutationFn: (vars: { communityId: bigint; topics: string[]; text: string }) =>
      publishPost(config, app, {
        ...vars,
        onSubmitted: (hash) => {
          setPendingHash(hash);
          setPhase("mining");
        },
      }),
    onMutate: () => {
      setPendingHash(null);
      setPhase("wallet");
    },
    onSuccess: (result) => {
      setPhase("indexing");
      return refresh(result);
    },
  });
  return { ...mutation, pendingHash, phase };
}

export function useAmplify() {
  const config = useConfig();
  const { app } = useApp();
  const { address } = useConnection();
  const refresh = useRefresh();
  const [steps, setSteps] = useState<AmplifyStep[]>([]);
  const mutation = useMutation({
    mutationFn: (vars: { postId: bigint; amount: bigint; durationSeconds: bigint }) => {
      if (!address) throw new Error("Connect a wallet first.");
      return amplifyPost(config, app, {
        ...vars,
        account: address,
        onStep: (step) => setSteps((prev) => [...prev, step]),
      });
    },
    onMutate: () => setSteps([]),
    onSuccess: refresh,
  });
  return { ...mutation, steps };
}

export function useClaimRewards() {
  const config = useConfig();
  const { app } = useApp();
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (vars: { account: Address; cumulativeAmount: bigint; proof: Hex[] }) =>
      claimRewards(config, app, vars),
    onSuccess: refresh,
  });
}

/** When a campaign becomes refundable and its refund credit, read from the escrow. */
export function useRefundState(campaignId: bigint) {
  const config = useConfig();
  const { app } = useApp();
  return useQuery({
    queryKey: ["chain", "refund", app.contracts.escrow, campaignId.toString()] as const,
    queryFn: () => readRefundState(config, app, campaignId),
  });
}

export function useRefund() {
  const config = useConfig();
  const { app } = useApp();
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (campaignId: bigint) => refundCampaign(config, app, campaignId),
    onSuccess: refresh,
  });
}
