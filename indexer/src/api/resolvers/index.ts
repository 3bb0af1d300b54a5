import { Account } from "./account.ts";
import { Campaign } from "./campaign.ts";
import { Community } from "./community.ts";
import { Epoch } from "./epoch.ts";
import { Message } from "./message.ts";
import { Mutation } from "./mutation.ts";
import { Post } from "./post.ts";
import { accountProfile, Media, mediaQuery, Profile, postMedia } from "./profile.ts";
import { Query } from "./query.ts";
import { BigIntScalar } from "./scalars.ts";
import { searchQuery } from "./search.ts";
import { Earning, StreamItem } from "./stream.ts";

export const resolvers = {
  BigInt: BigIntScalar,
  Query: { ...Query, ...searchQuery, ...mediaQuery },
  Mutation,
  Account: { ...Account, ...accountProfile },
  Community,
  Post: { ...Post, ...postMedia },
  Campaign,
  Epoch,
  StreamItem,
  Earning,
  Message,
  Profile,
  Media,
};
