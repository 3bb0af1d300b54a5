import { Account } from "./account.ts";
import { Campaign } from "./campaign.ts";
import { Community } from "./community.ts";
import { Epoch } from "./epoch.ts";
import { EpochDispute } from "./escrow.ts";
import { Mention, postMentions } from "./mention.ts";
import { Message } from "./message.ts";
import { Mutation } from "./mutation.ts";
import { Notification, NotificationQuery } from "./notification.ts";
import { PendingQuery } from "./pending.ts";
import { Post } from "./post.ts";
import { accountProfile, Media, mediaQuery, Profile, postMedia } from "./profile.ts";
import { Query } from "./query.ts";
import { reputationRankQuery } from "./reputation-rank.ts";
import { BigIntScalar } from "./scalars.ts";
import { searchQuery } from "./search.ts";
import { Earning, StreamItem } from "./stream.ts";
import { PostThread } from "./thread.ts";

export const resolvers = {
  BigInt: BigIntScalar,
  Query: {
    ...Query,
    ...NotificationQuery,
    ...searchQuery,
    ...mediaQuery,
    ...PendingQuery,
    ...reputationRankQuery,
  },
  Mutation,
  Account: { ...Account, ...accountProfile },
  Community,
  Post: { ...Post, ...PostThread, ...postMedia, ...postMentions },
  Campaign,
  Epoch,
  EpochDispute,
  StreamItem,
  Earning,
  Message,
  Notification,
  Profile,
  Media,
  Mention,
};
