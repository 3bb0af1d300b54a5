/** The indexer's operations for conversations and notifications, one function each. */
import { print } from "graphql";
import type { GraphQLClient } from "./client.ts";
import { graphql, type ResultOf, type TadaDocumentNode, type VariablesOf } from "./graphql.ts";
import { POST_FIELDS } from "./indexer.ts";
import type { Connection, Post } from "./types.ts";

// biome-ignore lint/suspicious/noExplicitAny: any document, typed by its own parameters.
async function run<D extends TadaDocumentNode<any, any>>(
  client: GraphQLClient,
  document: D,
  variables?: VariablesOf<D>,
): Promise<ResultOf<D>> {
  return client.request<ResultOf<D>>(print(document), variables as Record<string, unknown> | undefined);
}

export interface ThreadPost extends Post {
  parent: { id: string; author: string } | null;
}

/** A post with its direct parent, and the replies below it at any depth (oldest first). */
export async function getPostThread(
  client: GraphQLClient,
  id: string,
): Promise<{ post: Post | null; thread: ThreadPost[] }> {
  const data = (await client.request(
    `query PostThread($id: ID!) { post(id: $id) { ${POST_FIELDS} thread(first: 50) { edges { node { ${POST_FIELDS} } } } } }`,
    { id },
  )) as { post: (Post & { thread: Connection<ThreadPost> }) | null };
  if (!data.post) return { post: null, thread: [] };
  const { thread, ...post } = data.post;
  return { post, thread: thread.edges.map((e) => e.node) };
}

/** Whether `account` likes and has reposted post `id`. */
export async function getViewerState(
  client: GraphQLClient,
  id: string,
  account: string,
): Promise<{ liked: boolean; shared: boolean }> {
  const data = await run(
    client,
    graphql(`query ViewerState($id: ID!, $account: String!) {
      post(id: $id) { likedBy(account: $account) sharedBy(account: $account) }
    }`),
    { id, account },
  );
  return { liked: data.post?.likedBy ?? false, shared: data.post?.sharedBy ?? false };
}

export interface AppNotification {
  id: string;
  kind: "REPLY" | "QUOTE" | "MENTION" | "LIKE" | "REPOST" | "FOLLOW" | "COMMENT" | "EARNING";
  actor: string | null;
  post: { id: string; text: string } | null;
  epoch: number | null;
  amount: string | null;
  createdAt: number;
  read: boolean;
}

export async function getNotifications(
  client: GraphQLClient,
  account: string,
  first = 50,
): Promise<{ items: AppNotification[]; unread: number }> {
  const data = await run(
    client,
    graphql(`query Notifications($account: String!, $first: Int) {
      notifications(account: $account, first: $first) {
        edges { node { id kind actor post { id text } epoch amount createdAt read } }
      }
      unreadCount(account: $account)
    }`),
    { account, first },
  );
  return { items: data.notifications.edges.map((e) => e.node), unread: data.unreadCount };
}

export async function getUnreadCount(client: GraphQLClient, account: string): Promise<number> {
  const data = await run(
    client,
    graphql(`query UnreadCount($account: String!) { unreadCount(account: $account) }`),
    { account },
  );
  return data.unreadCount;
}
