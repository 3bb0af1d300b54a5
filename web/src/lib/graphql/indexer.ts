/**
 * The indexer's GraphQL operations used by the app, one function each.
 * The client comes in as the first argument, as in viem's actions.
 */
import { print } from "graphql";
import type { MessageKind } from "#protocol";
import type { GraphQLClient } from "./client.ts";
import { graphql, type ResultOf, type TadaDocumentNode, type VariablesOf } from "./graphql.ts";
import type {
  Account,
  Campaign,
  Claim,
  Community,
  Connection,
  Earning,
  Post,
  Quote,
  ReputationEntry,
  ReputationRank,
  StreamItem,
  SubmitResult,
} from "./types.ts";

const printed = new WeakMap<object, string>();

/** Sends a typed operation: its result and variables are those the schema gives it. */
// biome-ignore lint/suspicious/noExplicitAny: any document, typed by its own parameters.
export async function run<D extends TadaDocumentNode<any, any>>(
  client: GraphQLClient,
  document: D,
  variables?: VariablesOf<D>,
): Promise<ResultOf<D>> {
  let query = printed.get(document);
  if (query === undefined) {
    query = print(document);
    printed.set(document, query);
  }
  return client.request<ResultOf<D>>(query, variables as Record<string, unknown> | undefined);
}

export const POST_FIELDS = `id author community { id name } topics text uri createdAt likes commentCount shares views boughtViews replyCount quoteCount parent { id author } quoted { id author text } media { hash url mimeType width height } mentions { start length account }`;
const CAMPAIGN_FIELDS = `id post { id text community { id name } } promoter payer budget spent remaining expiresAt refunded viewsBought averagePrice estimatedRemainingReach`;

/**
 * Posts per stream or posts page. Written into the documents rather than sent as a variable: the
 * indexer costs a variable page size as its largest page, which would price a page of posts with
 * their threads, quotes and images above its cost limit.
 */
export const POSTS_PAGE_SIZE = 10;

export interface PageVars {
  first?: number;
  after?: string | null;
}

export async function getStream(
  client: GraphQLClient,
  vars: { viewer: string; community?: string | null; after?: string | null },
): Promise<Connection<StreamItem>> {
  const data = await run(
    client,
    graphql(`query Stream($viewer: String!, $community: ID, $after: String) {
      stream(viewer: $viewer, community: $community, first: ${POSTS_PAGE_SIZE}, after: $after) {
        edges { cursor node { score amplified campaign { id promoter } post { ${POST_FIELDS} } } }
        pageInfo { hasNextPage endCursor }
      }
    }`),
    { ...vars },
  );
  return data.stream;
}

export async function getPosts(
  client: GraphQLClient,
  vars: { community?: string | null; author?: string | null; after?: string | null },
): Promise<Connection<Post>> {
  const data = await run(
    client,
    graphql(`query Posts($after: String, $community: ID, $author: String) {
      posts(first: ${POSTS_PAGE_SIZE}, after: $after, community: $community, author: $author) {
        edges { cursor node { ${POST_FIELDS} } }
        pageInfo { hasNextPage endCursor }
      }
    }`),
    { ...vars },
  );
  return data.posts;
}

const POLICY_MODES = ["NONE", "FRIENDS", "COMMUNITIES", "TOPICS", "EVERYONE"];

export async function getAccount(client: GraphQLClient, address: string): Promise<Account | null> {
  const data = await run(
    client,
    graphql(`query Account($address: String!) {
      account(address: $address) {
        address balance claimable claimed followerCount followingCount
        followers(first: 100) { edges { cursor node { address } } pageInfo { hasNextPage endCursor } }
        following(first: 100) { edges { cursor node { address } } pageInfo { hasNextPage endCursor } }
        policy { mode communities topics blockedPromoters explicit }
      }
    }`),
    { address },
  );
  const a = data.account;
  if (!a) return null;
  return {
    ...a,
    followers: a.followers.edges.map((e) => e.node.address),
    following: a.following.edges.map((e) => e.node.address),
    policy: a.policy ? { ...a.policy, mode: Math.max(0, POLICY_MODES.indexOf(a.policy.mode)) } : null,
  };
}

export async function getCommunities(
  client: GraphQLClient,
  vars: PageVars = {},
): Promise<Connection<Community>> {
  const data = await run(
    client,
    graphql(`query Communities($first: Int, $after: String) {
      communities(first: $first, after: $after) {
        edges { cursor node { id founder name description moderators postCount } }
        pageInfo { hasNextPage endCursor }
      }
    }`),
    { first: 100, ...vars },
  );
  return data.communities;
}

export async function getCommunity(client: GraphQLClient, id: string): Promise<Community | null> {
  const data = await run(
    client,
    graphql(
      `query Community($id: ID!) { community(id: $id) { id founder name description moderators postCount } }`,
    ),
    { id },
  );
  return data.community;
}

export async function getLeaderboard(
  client: GraphQLClient,
  community: string,
  first = 20,
): Promise<ReputationEntry[]> {
  const data = await run(
    client,
    graphql(
      `query Leaderboard($community: ID!, $first: Int) { leaderboard(community: $community, first: $first) { account score rank } }`,
    ),
    { community, first },
  );
  return data.leaderboard;
}

/** An account's reputation in a community with its rank there ("top 5 %"). */
export async function getReputation(
  client: GraphQLClient,
  account: string,
  community: string,
): Promise<ReputationRank> {
  const data = await run(
    client,
    graphql(
      `query Reputation($account: String!, $community: ID!) { reputationRank(account: $account, community: $community) { score rank ranked topPercent } }`,
    ),
    { account, community },
  );
  return data.reputationRank;
}

export async function getCampaigns(
  client: GraphQLClient,
  vars: { promoter?: string | null; post?: string | null } & PageVars,
): Promise<Connection<Campaign>> {
  const data = await run(
    client,
    graphql(`query Campaigns($first: Int, $after: String, $promoter: String, $post: ID) {
      campaigns(first: $first, after: $after, promoter: $promoter, post: $post) {
        edges { cursor node { ${CAMPAIGN_FIELDS} } }
        pageInfo { hasNextPage endCursor }
      }
    }`),
    { first: 50, ...vars },
  );
  return data.campaigns;
}

export async function getClaim(client: GraphQLClient, account: string): Promise<Claim | null> {
  const data = await run(
    client,
    graphql(
      `query Claim($account: String!) { claim(account: $account) { account cumulativeAmount claimed claimable epoch proof } }`,
    ),
    { account },
  );
  return data.claim;
}

export async function getEarnings(client: GraphQLClient, account: string): Promise<Earning[]> {
  const data = await run(
    client,
    graphql(`query Earnings($account: String!) { earnings(account: $account) { epoch amount campaignId } }`),
    { account },
  );
  return data.earnings;
}

export async function getQuote(
  client: GraphQLClient,
  vars: { promoter: string; community: string; budget: bigint },
): Promise<Quote> {
  const data = await run(
    client,
    graphql(`query Quote($promoter: String!, $community: ID!, $budget: BigInt!) {
      quote(promoter: $promoter, community: $community, budget: $budget) { views pricePerView promoterReputation }
    }`),
    { ...vars, budget: vars.budget.toString() },
  );
  return data.quote;
}

export async function submitMessage(
  client: GraphQLClient,
  vars: { kind: MessageKind; message: string; signature: string },
): Promise<SubmitResult> {
  const data = await run(
    client,
    graphql(`mutation Submit($kind: MessageKind!, $message: String!, $signature: String!) {
      submitMessage(kind: $kind, message: $message, signature: $signature) { seq kind account signer }
    }`),
    { ...vars },
  );
  return data.submitMessage;
}

export async function getIndexedBlock(client: GraphQLClient): Promise<number> {
  const data = await run(client, graphql(`query IndexerStatus { indexerStatus { latestBlock } }`));
  return data.indexerStatus.latestBlock;
}

/**
 * Resolves once the indexer has processed `blockNumber` (or after `timeoutMs`),
 * so that a refetch after a transaction shows its effect.
 */
export async function waitForIndexer(
  client: GraphQLClient,
  blockNumber: bigint,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<boolean> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const latest = await getIndexedBlock(client).catch(() => -1);
    if (BigInt(latest) >= blockNumber) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 300));
  }
}

export interface PostComment {
  seq: number;
  author: string;
  text: string;
  timestamp: number;
}

export async function getComments(client: GraphQLClient, post: string, first = 20): Promise<PostComment[]> {
  const data = await run(
    client,
    graphql(`query Comments($post: ID!, $first: Int) {
      post(id: $post) { comments(first: $first) { edges { cursor node { seq author text timestamp } } pageInfo { hasNextPage endCursor } } }
    }`),
    { post, first },
  );
  return data.post?.comments.edges.map((e) => e.node) ?? [];
}

export interface EpochDisputeSummary {
  disputer: string;
  bond: string;
  /** Unix seconds until which the guardian may resolve it. */
  deadline: number;
  status: "OPEN" | "UPHELD" | "REJECTED" | "EXPIRED";
}

export interface EpochSummary {
  number: number;
  status: "PENDING" | "ACTIVE" | "REVOKED" | "DISPUTED";
  activeAt: number;
  totalSpent: string;
  /** The settlement's latest bonded dispute, if any. */
  dispute?: EpochDisputeSummary | null;
}

export async function getEpochs(client: GraphQLClient, first = 10): Promise<EpochSummary[]> {
  const data = await run(
    client,
    graphql(
      `query Epochs($first: Int) { epochs(first: $first) { edges { cursor node { number status activeAt totalSpent dispute { disputer bond deadline status } } } pageInfo { hasNextPage endCursor } } }`,
    ),
    { first },
  );
  return data.epochs.edges.map((e) => e.node);
}

/** The newest epoch the indexer lists as active (challenge window over, not revoked), or null. */
export function newestActiveEpoch(epochs: readonly EpochSummary[]): number | null {
  let newest: number | null = null;
  for (const e of epochs)
    if (e.status === "ACTIVE" && (newest === null || e.number > newest)) newest = e.number;
  return newest;
}

export interface EpochPayout {
  account: string;
  cumulative: string;
  proof: string[];
}

/** An account's payout in an epoch's current settlement (payouts are listed by account). */
export async function getEpochPayout(
  client: GraphQLClient,
  epoch: number,
  account: string,
  maxPages = 50,
): Promise<EpochPayout | null> {
  const wanted = account.toLowerCase();
  let after: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const data: { epoch: { payouts: Connection<EpochPayout> } | null } = await client.request(
      `query EpochPayouts($epoch: Int!, $after: String) {
        epoch(number: $epoch) { payouts(first: 100, after: $after) { edges { cursor node { account cumulative proof } } pageInfo { hasNextPage endCursor } } }
      }`,
      { epoch, after },
    );
    const payouts = data.epoch?.payouts;
    if (!payouts) return null;
    for (const { node } of payouts.edges) {
      const at = node.account.toLowerCase();
      if (at === wanted) return node;
      if (at > wanted) return null;
    }
    if (!payouts.pageInfo.hasNextPage || !payouts.pageInfo.endCursor) return null;
    after = payouts.pageInfo.endCursor;
  }
  return null;
}

/**
 * How far a chain's clock may trail the wall clock: a block's timestamp can be
 * a few seconds behind the time the indexer calls an epoch active.
 */
export const CHAIN_CLOCK_MARGIN_SECONDS = 15;

export type NewestClaim = Claim & {
  /**
   * The proof is for a root whose activation the chain's latest block does not show yet: a node
   * estimating the claim now still sees the older root, although the claim's own block sees the newer.
   */
  rootAheadOfChain?: boolean;
  /**
   * A newer root is active by the clock but may not be by the chain's: claiming now would take only
   * what the older root allows. Unix seconds from which the newer root is safe to claim.
   */
  activatingAt?: number;
};

/**
 * What the account can claim in one transaction: the claim for the newest
 * active epoch. The indexer's `claim` answers for the epoch active at its
 * latest indexed block, which lags when no block was mined since a newer root
 * became active; the escrow still takes that older proof but pays only what
 * the older root allowed, so a second claim would be needed. When the epoch
 * list shows a newer active epoch, its payout and proof are used instead: at
 * once when the chain's latest block (`chainTime`) has passed its activation,
 * else once the wall clock is `CHAIN_CLOCK_MARGIN_SECONDS` past it (until then
 * `activatingAt` says when).
 */
export async function getNewestClaim(
  client: GraphQLClient,
  account: string,
  clocks: { chainTime: () => Promise<number>; now?: () => number } = {
    chainTime: async () => Math.floor(Date.now() / 1000),
  },
): Promise<NewestClaim | null> {
  const [claim, epochs] = await Promise.all([getClaim(client, account), getEpochs(client, 10)]);
  const newest = newestActiveEpoch(epochs);
  if (!claim || newest === null || (claim.epoch !== null && claim.epoch >= newest)) return claim;
  const payout = await getEpochPayout(client, newest, account);
  if (!payout) return claim;
  const cumulative = BigInt(payout.cumulative);
  const claimed = BigInt(claim.claimed);
  if (cumulative <= BigInt(claim.cumulativeAmount)) return claim;
  const activeAt = epochs.find((e) => e.number === newest && e.status === "ACTIVE")?.activeAt ?? 0;
  const now = (clocks.now ?? (() => Math.floor(Date.now() / 1000)))();
  const chainTime = await clocks.chainTime().catch(() => 0);
  const upgraded: NewestClaim = {
    ...claim,
    cumulativeAmount: payout.cumulative,
    claimable: (cumulative > claimed ? cumulative - claimed : 0n).toString(),
    epoch: newest,
    proof: payout.proof,
  };
  if (activeAt <= chainTime) return upgraded;
  if (activeAt + CHAIN_CLOCK_MARGIN_SECONDS <= now) return { ...upgraded, rootAheadOfChain: true };
  return { ...upgraded, activatingAt: activeAt + CHAIN_CLOCK_MARGIN_SECONDS };
}
