import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
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
  type StepFailure,
  stepFailure,
} from "../lib/chain/actions.ts";
import { waitForIndexer } from "../lib/graphql/indexer.ts";
import { WalletGuardError } from "../lib/wallet/guard.ts";
import { useResetOnWalletChange } from "./wallet.ts";

/**
 * After a transaction, the chain and the indexer both have news: wait until
 * the indexer has processed the transaction's block, then refetch.
 */
export function useRefresh() {
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

function requireAccount(address: Address | undefined): Address {
  if (!address) throw new WalletGuardError("NOT_CONNECTED", "Connect a wallet first.");
  return address;
}

export function usePublish() {
  const config = useConfig();
  const { app } = useApp();
  const { address } = useConnection();
  const refresh = useRefresh();
  const [pendingHash, setPendingHash] = useState<Hex | null>(null);
  const [phase, setPhase] = useState<PublishPhase>("wallet");
  const mutation = useMutation({
    mutationFn: (vars: {
      communityId: bigint;
      topics: string[];
      text: string;
      media?: { contentHash: Hex; uri: string };
    }) =>
      publishPost(config, app, {
        ...vars,
        account: requireAccount(address),
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
  useResetOnWalletChange(mutation.reset);
  return { ...mutation, pendingHash, phase };
}

/** One amplify step as it happened. */
export interface StepRecord {
  step: AmplifyStep;
  state: "active" | "done" | StepFailure;
}

/** The step records after `step` started: earlier active steps are done. */
export function startStep(records: StepRecord[], step: AmplifyStep): StepRecord[] {
  const settled = records.map((r) => (r.state === "active" ? { ...r, state: "done" as const } : r));
  return [...settled, { step, state: step === "done" ? "done" : "active" }];
}

/** The step records after `step` (or, without one, the running step) ended in `outcome`. */
export function failStep(records: StepRecord[], outcome: StepFailure, step?: AmplifyStep): StepRecord[] {
  let index = -1;
  records.forEach((r, i) => {
    if (step ? r.step === step : r.state === "active") index = i;
  });
  return records.map((r, i) => (i === index ? { ...r, state: outcome } : r));
}

export function useAmplify() {
  const config = useConfig();
  const { app } = useApp();
  const { address } = useConnection();
  const refresh = useRefresh();
  const [steps, setSteps] = useState<StepRecord[]>([]);
  const mutation = useMutation({
    mutationFn: (vars: { postId: bigint; amount: bigint; durationSeconds: bigint }) =>
      amplifyPost(config, app, {
        ...vars,
        account: requireAccount(address),
        onStep: (step) => setSteps((prev) => startStep(prev, step)),
        onStepFailed: (step, outcome) => setSteps((prev) => failStep(prev, outcome, step)),
      }),
    onMutate: () => setSteps([]),
    onError: (error) => setSteps((prev) => failStep(prev, stepFailure(error))),
    onSuccess: refresh,
  });
  const { reset } = mutation;
  useResetOnWalletChange(
    useCallback(() => {
      reset();
      setSteps([]);
    }, [reset]),
  );
  return { ...mutation, steps };
}

export function useClaimRewards() {
  const config = useConfig();
  const { app } = useApp();
  const refresh = useRefresh();
  const mutation = useMutation({
    mutationFn: (vars: {
      account: Address;
      cumulativeAmount: bigint;
      proof: Hex[];
      rootAheadOfChain?: boolean | undefined;
    }) => claimRewards(config, app, vars),
    onSuccess: refresh,
  });
  useResetOnWalletChange(mutation.reset);
  return mutation;
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
  const { address } = useConnection();
  const refresh = useRefresh();
  const mutation = useMutation({
    mutationFn: (campaignId: bigint) =>
      refundCampaign(config, app, { account: requireAccount(address), campaignId }),
    onSuccess: refresh,
  });
  useResetOnWalletChange(mutation.reset);
  return mutation;
}
