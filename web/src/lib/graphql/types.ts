/** Shapes returned by the indexer's GraphQL API (BigInt scalars arrive as decimal strings). */
export type BigIntString = string;

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
}

export interface CommunityRef {
  id: string;
  name: string;
}

export interface Post {
  id: string;
  author: string;
  community: CommunityRef;
  topics: string[];
  text: string;
  uri: string;
  createdAt: number;
  likes: number;
  commentCount: number;
  shares: number;
  /** Organic views. */
  views: number;
  /** Views shown through amplification campaigns. */
  boughtViews: number;
  replyCount?: number;
  quoteCount?: number;
  /** The post this one replies to. */
  parent?: { id: string; author: string } | null;
  /** The post this one quotes. */
  quoted?: { id: string; author: string; text: string } | null;
  /** The images the post commits to (absent in answers that did not ask for them). */
  media?: { hash: string; url: string; mimeType: string; width: number; height: number }[];
  /** Who the text mentions (`@Name` or `@0x…`), where, in UTF-16 code units. */
  mentions?: { start: number; length: number; account: string }[];
}

export interface CampaignRef {
  id: string;
  promoter: string;
}

export interface StreamItem {
  post: Post;
  score: number;
  amplified: boolean;
  campaign: CampaignRef | null;
}

export interface Campaign {
  id: string;
  post: { id: string; text: string; community: CommunityRef };
  promoter: string;
  payer: string;
  budget: BigIntString;
  spent: BigIntString;
  remaining: BigIntString;
  expiresAt: number;
  refunded: boolean;
  viewsBought: number;
  averagePrice: BigIntString | null;
  estimatedRemainingReach: number;
}

export interface Community {
  id: string;
  founder: string;
  name: string;
  description: string;
  moderators: string[];
  postCount?: number;
}

/** An account's reputation in a community and its rank among the accounts with any there. */
export interface ReputationRank {
  score: number;
  /** 1 for the most; null without reputation. */
  rank: number | null;
  ranked: number;
  /** In the top this many percent (1..100); null without a rank. */
  topPercent: number | null;
}

export interface ReputationEntry {
  account: string;
  score: number;
  rank: number;
}

export interface Policy {
  /** PolicyMode number (the API's enum NONE..EVERYONE mapped to 0..4). */
  mode: number;
  communities: string[];
  topics: string[];
  blockedPromoters: string[];
  /** False while the default policy applies. */
  explicit?: boolean;
}

export interface Account {
  address: string;
  balance: BigIntString;
  followerCount: number;
  followingCount: number;
  followers: string[];
  following: string[];
  policy: Policy | null;
  claimable: BigIntString;
  claimed: BigIntString;
}

export interface Claim {
  account: string;
  cumulativeAmount: BigIntString;
  claimed: BigIntString;
  claimable: BigIntString;
  epoch: number | null;
  proof: string[];
}

export interface Earning {
  epoch: number;
  campaignId: string;
  amount: BigIntString;
}

export interface Quote {
  views: number;
  pricePerView: BigIntString;
  promoterReputation: number;
}

export interface SubmitResult {
  seq: number;
  kind: string;
  account: string;
  signer: string;
}
