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
  uri: string | null;
  createdAt: number | string;
  likes: number;
  shares: number;
  views: number;
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
  expiresAt: number | string;
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
}

export interface ReputationEntry {
  account: string;
  score: number;
  rank: number;
}

export interface Policy {
  mode: number;
  communities: string[];
  topics: string[];
  blockedPromoters: string[];
}

export interface Account {
  address: string;
  balance: BigIntString;
  followers: string[];
  following: string[];
  policy: Policy | null;
  claimable: BigIntString;
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
  campaign: { id: string } | null;
  amount: BigIntString;
}

export interface Quote {
  views: number;
  pricePerView: BigIntString;
  promoterReputation: number;
}

export interface SubmitResult {
  ok?: boolean;
  seq?: number | string;
}
