/** Conversations and notifications: thread and viewer-state queries, reply, quote, like toggle, read marker. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Address } from "viem";
import { useConfig, useConnection } from "wagmi";
import { useApp } from "../config/AppContext.tsx";
import { quotePost, replyToPost } from "../lib/chain/conversation.ts";
import { waitForIndexer } from "../lib/graphql/indexer.ts";
import { getNotifications, getPostThread, getUnreadCount, getViewerState } from "../lib/graphql/social.ts";
import { WalletGuardError } from "../lib/wallet/guard.ts";
import { useEngage } from "./session.ts";
import { useResetOnWalletChange } from "./wallet.ts";

const lower = (a: string) => a.toLowerCase();

export const socialKeys = {
  thread: (id: string) => ["indexer", "thread", id] as const,
  viewerState: (id: string, account: string) => ["indexer", "viewerState", id, lower(account)] as const,
  notifications: (account: string) => ["indexer", "notifications", lower(account)] as const,
  unread: (account: string) => ["indexer", "unread", lower(account)] as const,
};

export function usePostThread(id: string) {
  const { gql } = useApp();
  return useQuery({ queryKey: socialKeys.thread(id), queryFn: () => getPostThread(gql, id) });
}

/** Whether the connected account likes and has reposted the post, as the indexer has it. */
export function useViewerState(id: string) {
  const { gql } = useApp();
  const { address } = useConnection();
  return useQuery({
    queryKey: socialKeys.viewerState(id, address ?? ""),
    queryFn: () => getViewerState(gql, id, lower(address ?? "")),
    enabled: Boolean(address),
  });
}

export function useNotifications() {
  const { gql } = useApp();
  const { address } = useConnection();
  return useQuery({
    queryKey: socialKeys.notifications(address ?? ""),
    queryFn: () => getNotifications(gql, lower(address ?? "")),
    enabled: Boolean(address),
  });
}

export function useUnreadCount() {
  const { gql } = useApp();
  const { address } = useConnection();
  return useQuery({
    queryKey: socialKeys.unread(address ?? ""),
    queryFn: () => getUnreadCount(gql, lower(address ?? "")),
    enabled: Boolean(address),
    refetchInterval: 15_000,
  });
}

/** Like or unlike: one signed message, then the post's counts and the viewer's state are read again. */
export function useToggleLike(postId: string) {
  const engage = useEngage();
  const queryClient = useQueryClient();
  const { address } = useConnection();
  return {
    ...engage,
    toggle: (liked: boolean, onDone?: () => void) =>
      engage.mutate(
        { kind: liked ? "Unlike" : "Like", fields: { postId: BigInt(postId) }, account: address },
        {
          onSuccess: () => {
            onDone?.();
            queryClient.setQueryData(socialKeys.viewerState(postId, address ?? ""), (old: unknown) => ({
              ...(old as object),
              liked: !liked,
            }));
            queryClient.invalidateQueries({ queryKey: ["indexer"] });
          },
        },
      ),
  };
}

/** Deletes the connected account's post (a DeletePost signed by the session key); lists are read again. */
export function useDeletePost(postId: string) {
  const engage = useEngage();
  const queryClient = useQueryClient();
  const { address } = useConnection();
  return {
    ...engage,
    remove: (onDone?: () => void) =>
      engage.mutate(
        { kind: "DeletePost", fields: { postId: BigInt(postId) }, account: address },
        {
          onSuccess: () => {
            onDone?.();
            queryClient.invalidateQueries({ queryKey: ["indexer"] });
          },
        },
      ),
  };
}

/** Marks every notification up to the newest shown as read (a NotificationsRead signed by the session key). */
export function useMarkNotificationsRead() {
  const engage = useEngage();
  const queryClient = useQueryClient();
  const { address } = useConnection();
  return {
    ...engage,
    markRead: (readUntil: number) =>
      engage.mutate(
        { kind: "NotificationsRead", fields: { readUntil: BigInt(readUntil) }, account: address },
        {
          onSuccess: () => {
            if (!address) return;
            queryClient.invalidateQueries({ queryKey: socialKeys.notifications(address) });
            queryClient.invalidateQueries({ queryKey: socialKeys.unread(address) });
          },
        },
      ),
  };
}

function requireAccount(address: Address | undefined): Address {
  if (!address) throw new WalletGuardError("NOT_CONNECTED", "Connect a wallet first.");
  return address;
}

/** Publishes a reply or a quote on chain, then waits for the indexer to hold it. */
export function useConversationTx() {
  const config = useConfig();
  const { app, gql } = useApp();
  const { address } = useConnection();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: async (
      vars:
        | { kind: "reply"; parentId: string; text: string }
        | { kind: "quote"; quotedId: string; communityId: string; text: string },
    ) => {
      const account = requireAccount(address);
      const result =
        vars.kind === "reply"
          ? await replyToPost(config, app, { account, parentId: BigInt(vars.parentId), text: vars.text })
          : await quotePost(config, app, {
              account,
              quotedId: BigInt(vars.quotedId),
              communityId: BigInt(vars.communityId),
              text: vars.text,
            });
      await waitForIndexer(gql, result.blockNumber);
      return result;
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["indexer"] }),
  });
  useResetOnWalletChange(mutation.reset);
  return mutation;
}
