import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import type { Address } from "viem";
import { useConfig, useConnection } from "wagmi";
import { useApp } from "../config/AppContext.tsx";
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
import { guardedWallet, WalletGuardError } from "../lib/wallet/guard.ts";
import { useResetOnWalletChange } from "./wallet.ts";

/**
 * Everything the engagement actions need for the connected account, or null when disconnected.
 * Wallet signatures go through the guard: on the app's chain, for this account, in this scope.
 */
export function useEngagementDeps(): EngagementDeps | null {
  const { app, gql, msgCtx, storage, inflightSessions } = useApp();
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
            walletSign: (payload) =>
              guardedWallet(config, { chainId: app.chainId, account: address }).signTypedData(payload),
          }
        : null,
    [address, app.chainId, gql, storage, msgCtx, inflightSessions, config],
  );
}

const notConnected = () => new WalletGuardError("NOT_CONNECTED", "Connect a wallet first.");

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
  const mutation = useMutation({
    mutationFn: () => {
      if (!deps) throw notConnected();
      return ensureSession(deps);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["session"] }),
  });
  useResetOnWalletChange(mutation.reset);
  return mutation;
}

export function useRevokeSession() {
  const deps = useEngagementDeps();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: () => {
      if (!deps) throw notConnected();
      return revokeSession(deps);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["session"] }),
  });
  useResetOnWalletChange(mutation.reset);
  return mutation;
}

export type EngageVariables = {
  [K in EngagementKind]: {
    kind: K;
    fields: Omit<MessageFields<K>, "account">;
    /** The account the engagement was started for; refused when the wallet has moved on. */
    account?: Address;
  };
}[EngagementKind];

/**
 * Likes, comments, shares, follows and views, signed silently with the session key. A like,
 * comment, share or follow is a click, so it may ask the wallet for the session key; a view never
 * does (except with the development wallet, which signs without asking).
 */
export function useEngage() {
  const deps = useEngagementDeps();
  const silent = useSignsSilently();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (vars: EngageVariables) => {
      if (!deps) throw notConnected();
      if (vars.account && vars.account.toLowerCase() !== deps.account.toLowerCase()) {
        throw new WalletGuardError(
          "WRONG_ACCOUNT",
          `This was started for ${vars.account}; the wallet is now on ${deps.account}.`,
        );
      }
      const delegate = vars.kind !== "View" || silent;
      // biome-ignore lint/suspicious/noExplicitAny: the union is checked by EngageVariables
      return engage(deps, vars.kind, vars.fields as any, { delegate });
    },
    onSuccess: (_data, vars) => {
      queryClient.invalidateQueries({ queryKey: ["session"] });
      if (vars.kind === "Follow") queryClient.invalidateQueries({ queryKey: ["indexer", "account"] });
    },
  });
  useResetOnWalletChange(mutation.reset);
  return mutation;
}

/** Saves the attention policy as a Policy message signed by the wallet. */
export function useSavePolicy() {
  const deps = useEngagementDeps();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (fields: Omit<MessageFields<"Policy">, "account">) => {
      if (!deps) throw notConnected();
      return submitWithWallet(deps, "Policy", { ...fields, account: deps.account });
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["indexer"] }),
  });
  useResetOnWalletChange(mutation.reset);
  return mutation;
}
