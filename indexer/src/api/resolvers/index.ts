import { Account } from "./account.ts";
import { Campaign } from "./campaign.ts";
import { Community } from "./community.ts";
import { Epoch } from "./epoch.ts";
import { Message } from "./message.ts";
import { Mutation } from "./mutation.ts";
import { PendingQuery } from "./pending.ts";
import { Post } from "./post.ts";
import { Query } from "./query.ts";
import { BigIntScalar } from "./scalars.ts";
import { Earning, StreamItem } from "./stream.ts";

export const resolvers = {
  BigInt: BigIntScalar,
  Query: { ...Query, ...PendingQuery },
  Mutation,
  Account,
  Community,
  Post,
  Campaign,
  Epoch,
  StreamItem,
  Earning,
  Message,
};
