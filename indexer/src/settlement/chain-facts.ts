/**
 * The on-chain facts an epoch reads, taken from the chain itself at one block:
 * posts (with topics) and communities with their moderators from events, and
 * every campaign's state from `campaigns(id)` at that block. The settlement job
 * and the verifier both use this, so they see exactly the same facts.
 */
import type { Address, PublicClient } from "viem";
import { ampEscrowAbi, ampSocialAbi } from "#protocol";
import { MAX_SPENDS_PER_EPOCH } from "#protocol/deploy.ts";
import type { CampaignInfo, CommunityInfo, PostInfo } from "../attention/log.ts";

export interface ChainFacts {
  blockNumber: bigint;
  /** Timestamp of `blockNumber` (unix seconds): the decay reference of the epoch. */
  asOf: number;
  posts: PostInfo[];
  communities: CommunityInfo[];
  /**
   * Campaigns with what a settlement for views up to `asOf` may spend of each (the escrow's
   * `spendable`: budget times the elapsed fraction of its life, minus what it spent, zero once
   * closed), as of `blockNumber`. At most MAX_SPENDS_PER_EPOCH of them, the oldest first, have a
   * non-zero amount, so one epoch never carries more spends than the escrow accepts; the others
   * wait for a later epoch.
   */
  campaigns: CampaignInfo[];
}

export interface ChainFactsOptions {
  social: Address;
  escrow: Address;
  /** Deployment block: events are read from here. */
  startBlock: bigint;
  blockNumber: bigint;
}

type SocialEvent = "PostPublished" | "CommunityCreated" | "ModeratorAdded" | "ModeratorRemoved";

/** Events per request the window aims at: answers stay far below RPC response limits. */
const EVENTS_PER_REQUEST = 2000;
const FIRST_WINDOW = 64n;

/**
 * One event of the social contract over a block range, read in windows that adapt to the chain:
 * a window doubles after an answer of less than half the aim, halves after one above it, and a
 * request that fails (a provider's range or result limit, an answer too large for the client) is
 * retried over half the window, down to one block. Logs come back in chain order.
 */
async function socialEvents<E extends SocialEvent>(
  client: PublicClient,
  social: Address,
  eventName: E,
  fromBlock: bigint,
  toBlock: bigint,
) {
  type Logs = Awaited<ReturnType<typeof read>>;
  const read = (from: bigint, to: bigint) =>
    client.getContractEvents({ address: social, abi: ampSocialAbi, eventName, fromBlock: from, toBlock: to });
  const out: Logs = [];
  let window = FIRST_WINDOW;
  for (let start = fromBlock; start <= toBlock; ) {
    const end = start + window - 1n < toBlock ? start + window - 1n : toBlock;
    let logs: Logs;
    try {
      logs = await read(start, end);
    } catch (error) {
      if (window === 1n) throw error;
      window /= 2n;
      continue;
    }
    for (const log of logs) out.push(log);
    start = end + 1n;
    if (logs.length < EVENTS_PER_REQUEST / 2) window *= 2n;
    else if (logs.length > EVENTS_PER_REQUEST && window > 1n) window /= 2n;
  }
  return out;
}

export async function readChainFacts(client: PublicClient, options: ChainFactsOptions): Promise<ChainFacts> {
  const { social, escrow, startBlock, blockNumber } = options;
  const events = <E extends SocialEvent>(eventName: E) =>
    socialEvents(client, social, eventName, startBlock, blockNumber);
  const [block, published, created, added, removed, campaignCount] = await Promise.all([
    client.getBlock({ blockNumber }),
    events("PostPublished"),
    events("CommunityCreated"),
    events("ModeratorAdded"),
    events("ModeratorRemoved"),
    client.readContract({ address: escrow, abi: ampEscrowAbi, functionName: "campaignCount", blockNumber }),
  ]);

  const blockTimes = new Map<bigint, number>();
  const posts: PostInfo[] = [];
  for (const log of published) {
    const a = log.args;
    if (a.postId === undefined || a.communityId === undefined || !a.author) continue;
    let createdAt = blockTimes.get(log.blockNumber);
    if (createdAt === undefined) {
      createdAt = Number((await client.getBlock({ blockNumber: log.blockNumber })).timestamp);
      blockTimes.set(log.blockNumber, createdAt);
    }
    posts.push({
      id: a.postId,
      author: a.author.toLowerCase() as Address,
      communityId: a.communityId,
      topics: [...(a.topics ?? [])],
      createdAt,
    });
  }

  // Moderator changes applied in chain order.
  const changes = [...added.map((l) => ({ l, add: true })), ...removed.map((l) => ({ l, add: false }))].sort(
    (x, y) =>
      x.l.blockNumber !== y.l.blockNumber
        ? Number(x.l.blockNumber - y.l.blockNumber)
        : (x.l.logIndex ?? 0) - (y.l.logIndex ?? 0),
  );
  const moderators = new Map<bigint, Set<string>>();
  /** Appointment time (block timestamp) of each current moderator: the seed delay counts from it. */
  const appointedAt = new Map<bigint, Record<string, number>>();
  for (const { l, add } of changes) {
    const { communityId, account } = l.args;
    if (communityId === undefined || !account) continue;
    const set = moderators.get(communityId) ?? new Set<string>();
    if (add) set.add(account.toLowerCase());
    else set.delete(account.toLowerCase());
    moderators.set(communityId, set);
    if (add) {
      let at = blockTimes.get(l.blockNumber);
      if (at === undefined) {
        at = Number((await client.getBlock({ blockNumber: l.blockNumber })).timestamp);
        blockTimes.set(l.blockNumber, at);
      }
      const times = appointedAt.get(communityId) ?? {};
      times[account.toLowerCase()] = at;
      appointedAt.set(communityId, times);
    }
  }
  const communities: CommunityInfo[] = [];
  for (const log of created) {
    const { communityId, founder } = log.args;
    if (communityId === undefined || !founder) continue;
    communities.push({
      id: communityId,
      founder: founder.toLowerCase() as Address,
      moderators: [...(moderators.get(communityId) ?? [])].sort() as Address[],
      appointedAt: appointedAt.get(communityId) ?? {},
    });
  }

  const campaigns: CampaignInfo[] = [];
  const asOf = Number(block.timestamp);
  let spendableCount = 0;
  for (let id = 1n; id <= campaignCount; id++) {
    const [[postId, promoter, , , expiresAt, refunded], spendable] = await Promise.all([
      client.readContract({
        address: escrow,
        abi: ampEscrowAbi,
        functionName: "campaigns",
        args: [id],
        blockNumber,
      }),
      client.readContract({
        address: escrow,
        abi: ampEscrowAbi,
        functionName: "spendable",
        args: [id, BigInt(asOf)],
        blockNumber,
      }),
    ]);
    const payable = spendable > 0n && spendableCount < MAX_SPENDS_PER_EPOCH;
    if (payable) spendableCount++;
    campaigns.push({
      id,
      postId,
      promoter: promoter.toLowerCase() as Address,
      remaining: payable ? spendable : 0n,
      expiresAt: Number(expiresAt),
      // Views are attributed by campaign id in the signed receipt; only expiry bounds them.
      createdAt: 0,
      refunded,
    });
  }
  return { blockNumber, asOf, posts, communities, campaigns };
}
