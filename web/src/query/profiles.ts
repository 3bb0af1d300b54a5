/**
 * Query options for profiles and search. Every address shown on a page asks for its profile;
 * the asks of one tick travel together in one `profiles` request (up to 100 addresses).
 */
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import type { GraphQLClient } from "../lib/graphql/client.ts";
import {
  getProfiles,
  MAX_PROFILES_PER_REQUEST,
  type Profile,
  type SearchKind,
  search,
} from "../lib/graphql/profiles.ts";

type Pending = { resolve: (p: Profile | null) => void; reject: (e: unknown) => void };

/** Collects the addresses asked for in one tick and fetches their profiles in batches. */
export function createProfileBatcher(client: GraphQLClient): (address: string) => Promise<Profile | null> {
  let queue = new Map<string, Pending[]>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = new Map();
    const addresses = [...batch.keys()];
    for (let i = 0; i < addresses.length; i += MAX_PROFILES_PER_REQUEST) {
      const slice = addresses.slice(i, i + MAX_PROFILES_PER_REQUEST);
      getProfiles(client, slice).then(
        (profiles) => {
          const byAccount = new Map(profiles.map((p) => [p.account.toLowerCase(), p]));
          for (const a of slice) for (const w of batch.get(a) ?? []) w.resolve(byAccount.get(a) ?? null);
        },
        (error) => {
          for (const a of slice) for (const w of batch.get(a) ?? []) w.reject(error);
        },
      );
    }
  };
  return (address) =>
    new Promise((resolve, reject) => {
      const key = address.toLowerCase();
      queue.set(key, [...(queue.get(key) ?? []), { resolve, reject }]);
      if (!scheduled) {
        scheduled = true;
        setTimeout(flush, 0);
      }
    });
}

const batchers = new WeakMap<GraphQLClient, (address: string) => Promise<Profile | null>>();

function batcherFor(client: GraphQLClient) {
  let b = batchers.get(client);
  if (!b) {
    b = createProfileBatcher(client);
    batchers.set(client, b);
  }
  return b;
}

export function profileQueryOptions(gql: GraphQLClient, address: string) {
  const account = address.toLowerCase();
  return queryOptions({
    queryKey: ["indexer", "profile", account] as const,
    queryFn: () => batcherFor(gql)(account),
    staleTime: 60_000,
  });
}

export function searchQueryOptions(gql: GraphQLClient, query: string, kind: SearchKind) {
  return infiniteQueryOptions({
    queryKey: ["indexer", "search", kind, query] as const,
    queryFn: ({ pageParam }) => search(gql, { query, kind, after: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) =>
      page.pageInfo.hasNextPage && page.pageInfo.endCursor ? page.pageInfo.endCursor : undefined,
    enabled: query.trim().length > 0,
    staleTime: 10_000,
  });
}
