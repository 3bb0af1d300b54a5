/** Profiles, images and search: the indexer's GraphQL operations for them, one function each. */
import type { GraphQLClient } from "./client.ts";
import { graphql } from "./graphql.ts";
import { run } from "./indexer.ts";
import type { Connection, Post } from "./types.ts";

export interface MediaRef {
  hash: string;
  url: string;
  mimeType: string;
  width: number;
  height: number;
}

export interface Profile {
  account: string;
  name: string;
  bio: string;
  avatarHash: string;
  avatar: MediaRef | null;
}

export type SearchKind = "POSTS" | "PEOPLE" | "COMMUNITIES";

export interface SearchHit {
  score: number;
  post: (Post & { media: MediaRef[] }) | null;
  account: { address: string; profile: Profile | null } | null;
  community: { id: string; name: string; description: string; postCount: number } | null;
}

export const MAX_PROFILES_PER_REQUEST = 100;
/** Results per search page (a literal in the query, so its cost counts 20 rather than the largest page). */
export const SEARCH_PAGE_SIZE = 20;

export async function getProfiles(client: GraphQLClient, addresses: string[]): Promise<Profile[]> {
  const data = await run(
    client,
    graphql(`query Profiles($addresses: [String!]!) {
      profiles(addresses: $addresses) { account name bio avatarHash avatar { hash url mimeType width height } }
    }`),
    { addresses },
  );
  return data.profiles;
}

export async function search(
  client: GraphQLClient,
  vars: { query: string; kind: SearchKind; after?: string | null },
): Promise<Connection<SearchHit>> {
  const data = await run(
    client,
    graphql(`query Search($query: String!, $kind: SearchKind, $after: String) {
      search(query: $query, kind: $kind, first: 20, after: $after) {
        edges { cursor node {
          score
          post { id author community { id name } topics text uri createdAt likes commentCount shares views boughtViews media { hash url mimeType width height } }
          account { address profile { account name bio avatarHash avatar { hash url mimeType width height } } }
          community { id name description postCount }
        } }
        pageInfo { hasNextPage endCursor }
      }
    }`),
    { ...vars },
  );
  return data.search as Connection<SearchHit>;
}
