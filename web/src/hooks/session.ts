import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import type { Address } from "viem";
import { useConfig, useConnection } from "wagmi";
import { signTypedData } from "wagmi/actions";
import { useApp } from "../config/AppContext.tsx";
import { WalletNotConnectedError } from "../lib/errors.ts";
import type { MessageFields } from "../lib/messages.ts";
import {
  type EngagementDeps,
  type EngagementKind,
  engage,
  ensureSession,
  revokeSession,
  submitWithWallet,
} from "../lib/session/engagement.ts";
import { loadSession } from "../lib/session/sessionStore.ts";
import { DEV_WALLET_ID } from "../lib/wallet/devWallet.ts";

/** Everything the engagement actions need for the connected account, or null when disconnected. */
export function useEngagementDeps(): EngagementDeps | null {
  const { gql, msgCtx, storage, inflightSessions } = useApp();
  const config = useConfig();
  const { address } = useConnection();
  return useMemo(
    () =>
      address
        ? {
            client: gql,
            storage,
            ctx: msgCtx,
            account: address,
            inflight: inflightSessions,
            // biome-ignore lint/suspicious/noExplicitAny: engagement payloads are valid EIP-712 typed data
            walletSign: (payload) => signTypedData(config, payload as any),
          }
        : null,
    [address, gql, storage, msgCtx, inflightSessions, config],
  );
}

/** Whether the connected wallet signs without asking (the development wallet). */
export function useSignsSilently(): boolean {
  const { connector } = useConnection();
  return connector?.id === DEV_WALLET_ID;
}

const sessionKey = (account: Address | undefined) => ["session", account?.toLowerCase() ?? null] as const;

export function useSession() {
  const { storage, msgCtx } = useApp();
  const { address } = useConnection();
  return useQuery({
    queryKey: sessionKey(address),
    queryFn: () => (address ? loadSession(storage, msgCtx, address, Math.floor(Date.now() / 1000)) : null),
    staleTime: 10_000,
  });
}

export function useEnableSession() {
  const deps = useEngagementDeps();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => {
      if (!deps) throw new WalletNotConnectedError();
      return ensureSession(deps);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["session"] }),
  });
}

export function useRevokeSession() {
  const deps = useEngagementDeps();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => {
      if (!deps) throw new WalletNotConnectedError();
      return revokeSession(deps);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["session"] }),
  });
}

export type EngageVariables = {
  [K in EngagementKind]: { kind: K; fields: Omit<MessageFields<K>, "account"> };
}[EngagementKind];

/** Likes, comments, shares, follows and views, signed silently with the session key. */
export function useEngage() {
  const deps = useEngagementDeps();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (vars: EngageVariables) => {
      if (!deps) throw new WalletNotConnectedError();
      // biome-ignore lint/suspicious/noExplicitAny: the union is checked by EngageVariables
      return engage(deps, vars.kind, vars.fields as any);
    },
    onSuccess: (_data, vars) => {
      queryClient.invalidateQueries({ queryKey: ["session"] });
      if (vars.kind === "Follow") queryClient.invalidateQueries({ queryKey: ["indexer", "account"] });
    },
  });
}

/** Saves the attention policy as a Policy message signed by the wallet. */
export function useSavePolicy() {
  const deps = useEngagementDeps();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (fields: Omit<MessageFields<"Policy">, "account">) => {
      if (!deps) throw new WalletNotConnectedError();
      return submitWithWallet(deps, "Policy", { ...fields, account: deps.account });
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["indexer"] }),
  });
}
