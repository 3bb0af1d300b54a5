/** Profiles, images and search for components: thin hooks over the query options and actions. */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useApp } from "../config/AppContext.tsx";
import type { SearchKind } from "../lib/graphql/profiles.ts";
import { mediaUrl, uploadImage } from "../lib/media.ts";
import type { MessageFields } from "../lib/messages.ts";
import { submitWithWallet } from "../lib/session/engagement.ts";
import { WalletGuardError } from "../lib/wallet/guard.ts";
import { profileQueryOptions, searchQueryOptions } from "../query/profiles.ts";
import { useEngagementDeps } from "./session.ts";
import { useResetOnWalletChange } from "./wallet.ts";

export function useProfile(address: string) {
  const { gql } = useApp();
  return useQuery(profileQueryOptions(gql, address));
}

export function useSearch(query: string, kind: SearchKind) {
  const { gql } = useApp();
  return useInfiniteQuery(searchQueryOptions(gql, query, kind));
}

/** The absolute URL of an image path the indexer gave (`/media/<hash>`). */
export function useMediaUrl(): (path: string) => string {
  const { app } = useApp();
  return (path) => mediaUrl(app.graphqlUrl, path);
}

export function useUploadImage() {
  const { app } = useApp();
  return useMutation({
    mutationFn: async (file: Blob) => uploadImage(app.graphqlUrl, new Uint8Array(await file.arrayBuffer())),
  });
}

/** Saves the profile as a Profile message signed by the wallet. */
export function useSaveProfile() {
  const deps = useEngagementDeps();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (fields: Omit<MessageFields<"Profile">, "account">) => {
      if (!deps) throw new WalletGuardError("NOT_CONNECTED", "Connect a wallet first.");
      return submitWithWallet(deps, "Profile", { ...fields, account: deps.account });
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["indexer", "profile"] }),
  });
  useResetOnWalletChange(mutation.reset);
  return mutation;
}
