/**
 * The demo world: a deterministic plan of communities, people, posts, follows,
 * weeks of engagement and amplification campaigns, and the code that plays it
 * against a running chain and indexer. Everything is derived from a seed, so
 * two runs produce the same world.
 */

import {
  type Account,
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  parseEther,
  parseEventLogs,
} from "viem";
import {
  AmpError,
  ampChain,
  ampEscrowAbi,
  ampSocialAbi,
  ampTokenAbi,
  type Deployment,
  type MessageByKind,
  type MessageKind,
  PolicyMode,
} from "#protocol";
import { devAccount, graphql, submitSigned } from "#protocol/client.ts";
import { DEMO_AVATARS, seedDemoProfiles } from "./demo-profiles.ts";

export interface DemoOptions {
  rpcUrl: string;
  graphqlUrl: string;
  deployment: Deployment;
  people?: number;
  seed?: number;
  log?: (line: string) => void;
}

/** mulberry32: small, fast, good enough for demo data. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T,
    chance: (p: number) => next() < p,
  };
}

const REPLIES = [
  "Agreed, and there is more to it.",
  "Which source is that from?",
  "Good point.",
  "Not sure I follow.",
];

const COMMUNITIES = [
  {
    name: "Open Source",
    description: "Maintainers, contributors and users of free software.",
    topics: ["rust", "typescript", "release", "security", "funding"],
    lines: [
      "Shipped a release that cuts cold start time in half. Benchmarks in the changelog.",
      "How do you fund maintenance of a library everybody uses and nobody pays for?",
      "A tiny patch to the parser fixed a bug that lived for nine years.",
      "We moved CI to reproducible builds; here is what broke along the way.",
      "Security advisory: update the date parsing helper, it mishandled leap seconds.",
      "Reviewing pull requests is the most underrated contribution you can make.",
    ],
  },
  {
    name: "Climate",
    description: "Data, field notes and projects on climate and energy.",
    topics: ["solar", "grid", "data", "policy", "field"],
    lines: [
      "Our rooftop array produced 14% more than forecast this quarter. Notes on why.",
      "Grid-scale storage prices fell again; the curve is steeper than anyone modelled.",
      "Field report: measuring soil carbon with cheap sensors, and where it fails.",
      "A map of heat pump adoption by county, with the raw data.",
      "What a city can do this year without waiting for national policy.",
      "Wind curtailment hours are a data problem before they are a hardware problem.",
    ],
  },
  {
    name: "Music",
    description: "Making, recording and listening.",
    topics: ["synth", "jazz", "recording", "live", "theory"],
    lines: [
      "Recorded a whole EP on a four-track; the noise is part of the sound.",
      "Modal interchange explained with three songs everybody knows.",
      "Our first live set with a modular rig: what we would do differently.",
      "Mic placement for acoustic guitar: the 12th fret rule and when to break it.",
      "A jazz standard a day for a month. Day 30: Body and Soul.",
      "The best room reverb is the room you already have.",
    ],
  },
] as const;

const DAY = 86_400;

export interface DemoResult {
  people: Address[];
  communities: bigint[];
  posts: bigint[];
  campaigns: bigint[];
  messages: number;
}

/** Waits until the indexer answers `query` with a non-null `field` (it follows the chain by polling). */
export async function waitIndexed(graphqlUrl: string, query: string, field: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const data = await graphql<Record<string, unknown>>(graphqlUrl, query);
    if (data[field] !== null && data[field] !== undefined) return;
    if (Date.now() > deadline)
      throw new AmpError("DEMO_TIMEOUT", `demo: the indexer did not index ${field} in time`, {
        retryable: true,
      });
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function seedDemoWorld(options: DemoOptions): Promise<DemoResult> {
  const { rpcUrl, graphqlUrl, deployment } = options;
  const log = options.log ?? (() => {});
  const rand = prng(options.seed ?? 42);
  const peopleCount = options.people ?? 36;
  const chain = ampChain(deployment.chainId, rpcUrl);
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl) });
  const admin = devAccount(0);
  const wallet = (account: Account) => createWalletClient({ account, chain, transport: http(rpcUrl) });
  const { AMPToken, AMPSocial, AMPEscrow } = deployment.contracts;

  const send = async (
    account: Account,
    request: Parameters<ReturnType<typeof wallet>["writeContract"]>[0],
  ) => {
    const hash = await wallet(account).writeContract(request);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success")
      throw new AmpError("DEMO_TX_REVERTED", `demo: transaction ${hash} reverted`);
    return receipt;
  };

  const people = Array.from({ length: peopleCount }, (_, i) => devAccount(i + 1));
  log(`funding ${people.length} people with ETH for gas and 10,000 AMP each`);
  for (const person of people) {
    const balance = await publicClient.getBalance({ address: person.address });
    if (balance < parseEther("1")) {
      const hash = await wallet(admin).sendTransaction({ to: person.address, value: parseEther("10") });
      await publicClient.waitForTransactionReceipt({ hash });
    }
    await send(admin, {
      address: AMPToken,
      abi: ampTokenAbi,
      functionName: "mint",
      args: [person.address, parseEther("10000")],
      chain,
      account: admin,
    });
  }

  // Profiles before any post, so a post's @Name finds the name in force at its time.
  const names = await seedDemoProfiles({
    graphqlUrl,
    deployment,
    people,
    timestamp: BigInt(Math.floor(Date.now() / 1000) - 29 * DAY),
    nonceBase: 1_000_000n,
  });
  log(
    `signed ${names.length} profiles with names and bios, ${Math.min(DEMO_AVATARS, names.length)} with an avatar`,
  );

  // Communities: founders are people 0, 1, 2; the next three are moderators.
  const communities: bigint[] = [];
  const members: Account[][] = [];
  for (const [i, c] of COMMUNITIES.entries()) {
    const founder = people[i] as Account;
    const receipt = await send(founder, {
      address: AMPSocial,
      abi: ampSocialAbi,
      functionName: "createCommunity",
      args: [c.name, c.description],
      chain,
      account: founder,
    });
    const [created] = parseEventLogs({
      abi: ampSocialAbi,
      logs: receipt.logs,
      eventName: "CommunityCreated",
    });
    const id = created?.args.communityId as bigint;
    communities.push(id);
    const moderator = people[i + 3] as Account;
    await send(founder, {
      address: AMPSocial,
      abi: ampSocialAbi,
      functionName: "addModerator",
      args: [id, moderator.address],
      chain,
      account: founder,
    });
    members.push([founder, moderator]);
  }
  for (const [i, person] of people.entries()) {
    if (i < 6) continue;
    const home = i % COMMUNITIES.length;
    members[home]?.push(person);
    if (rand.chance(0.3)) members[(home + 1) % COMMUNITIES.length]?.push(person);
  }
  log(`created ${communities.length} communities with founders and moderators`);

  // Posts: two per member of each community.
  const posts: { id: bigint; author: Account; community: number }[] = [];
  for (const [ci, c] of COMMUNITIES.entries()) {
    for (const author of members[ci] ?? []) {
      for (let k = 0; k < 2; k++) {
        const topics = [rand.pick(c.topics)];
        const receipt = await send(author, {
          address: AMPSocial,
          abi: ampSocialAbi,
          functionName: "publish",
          args: [communities[ci] as bigint, topics, rand.pick(c.lines), `0x${"0".repeat(64)}` as Hex, ""],
          chain,
          account: author,
        });
        const [published] = parseEventLogs({
          abi: ampSocialAbi,
          logs: receipt.logs,
          eventName: "PostPublished",
        });
        posts.push({ id: published?.args.postId as bigint, author, community: ci });
      }
    }
  }
  // Conversations: a reply to the first post of each community, a reply to that reply, and a quote.
  let conversation = 0;
  for (const [ci] of COMMUNITIES.entries()) {
    const first = posts.find((p) => p.community === ci);
    const others = (members[ci] ?? []).filter((m) => m !== first?.author);
    const [replier, second] = others;
    if (!first || !replier || !second) continue;
    const publishAs = async (author: Account, functionName: "reply" | "quote", args: readonly unknown[]) => {
      const receipt = await send(author, {
        address: AMPSocial,
        abi: ampSocialAbi,
        functionName,
        args: args as never,
        chain,
        account: author,
      });
      const [published] = parseEventLogs({
        abi: ampSocialAbi,
        logs: receipt.logs,
        eventName: "PostPublished",
      });
      conversation++;
      return published?.args.postId as bigint;
    };
    const none = `0x${"0".repeat(64)}` as Hex;
    // The first reply mentions the post's author by display name (a link and a notification).
    const addressed = `@${names[people.findIndex((p) => p.address === first.author.address)]} ${rand.pick(REPLIES)}`;
    const reply = await publishAs(replier, "reply", [first.id, [], addressed, none, ""]);
    await publishAs(second, "reply", [reply, [], rand.pick(REPLIES), none, ""]);
    await publishAs(second, "quote", [first.id, communities[ci] as bigint, [], "Worth a read.", none, ""]);
  }
  log(`published ${posts.length} posts and ${conversation} replies and quotes`);
  await waitIndexed(graphqlUrl, `{ post(id: "${posts[posts.length - 1]?.id}") { id } }`, "post");

  // Signed engagement over four simulated weeks, backdated.
  const now = BigInt(Math.floor(Date.now() / 1000));
  let nonce = 1n;
  let messages = 0;
  const sign = async <K extends MessageKind>(signer: Account, kind: K, message: MessageByKind[K]) => {
    await submitSigned(graphqlUrl, deployment, signer, kind, message);
    messages++;
  };
  const at = (daysAgo: number) => now - BigInt(Math.floor(daysAgo * DAY));

  // Policies: most people welcome amplified posts; a few opt out.
  const policies = new Map<Address, number>();
  for (const [i, person] of people.entries()) {
    const mode =
      i % 10 === 9
        ? PolicyMode.None
        : i % 7 === 6
          ? PolicyMode.Friends
          : i % 11 === 10
            ? PolicyMode.Communities
            : PolicyMode.Everyone;
    policies.set(person.address, mode);
    await sign(person, "Policy", {
      account: person.address,
      mode,
      communities: mode === PolicyMode.Communities ? [communities[i % communities.length] as bigint] : [],
      topics: [],
      blockedPromoters: [],
      timestamp: at(28),
      nonce: nonce++,
    });
  }

  for (const [ci, group] of members.entries()) {
    for (const person of group) {
      const others = group.filter((p) => p !== person);
      const follows = new Set<Account>();
      for (let k = 0; k < Math.min(others.length, 3 + rand.int(5)); k++) follows.add(rand.pick(others));
      for (const target of follows) {
        await sign(person, "Follow", {
          account: person.address,
          target: target.address,
          follow: true,
          timestamp: at(27 - rand.next()),
          nonce: nonce++,
        });
      }
      const communityPosts = posts.filter((p) => p.community === ci && p.author !== person);
      // A like and a repost count once per account and post (the indexer refuses a second).
      const liked = new Set<bigint>();
      const shared = new Set<bigint>();
      for (let k = 0; k < 12; k++) {
        const post = rand.pick(communityPosts);
        const day = 26 * rand.next() + 0.5;
        await sign(person, "View", {
          account: person.address,
          postId: post.id,
          dwellMs: 2000 + rand.int(20_000),
          campaignId: 0n,
          timestamp: at(day),
          nonce: nonce++,
        });
        if (rand.chance(0.45) && !liked.has(post.id) && liked.add(post.id))
          await sign(person, "Like", {
            account: person.address,
            postId: post.id,
            timestamp: at(day),
            nonce: nonce++,
          });
        if (rand.chance(0.15))
          await sign(person, "Comment", {
            account: person.address,
            postId: post.id,
            text: rand.pick([
              "Great write-up.",
              "Thanks, saving this.",
              "Do you have the data?",
              "+1, seen it too.",
            ]),
            timestamp: at(day),
            nonce: nonce++,
          });
        if (rand.chance(0.08) && !shared.has(post.id) && shared.add(post.id))
          await sign(person, "Share", {
            account: person.address,
            postId: post.id,
            timestamp: at(day),
            nonce: nonce++,
          });
      }
    }
  }
  log(`signed ${messages} engagement messages over four simulated weeks`);

  // Campaigns: an established author and a newcomer each amplify a post.
  const campaigns: bigint[] = [];
  const promoters = [people[0] as Account, people[people.length - 1] as Account];
  for (const [k, promoter] of promoters.entries()) {
    const post = posts.find((p) => p.author === promoter) ?? (posts[k] as (typeof posts)[number]);
    const budget = parseEther(k === 0 ? "500" : "300");
    await send(promoter, {
      address: AMPToken,
      abi: ampTokenAbi,
      functionName: "approve",
      args: [AMPEscrow, budget],
      chain,
      account: promoter,
    });
    const receipt = await send(promoter, {
      address: AMPEscrow,
      abi: ampEscrowAbi,
      functionName: "amplify",
      args: [post.id, budget, BigInt(14 * DAY)],
      chain,
      account: promoter,
    });
    const [created] = parseEventLogs({ abi: ampEscrowAbi, logs: receipt.logs, eventName: "CampaignCreated" });
    const campaignId = created?.args.campaignId as bigint;
    campaigns.push(campaignId);
    await waitIndexed(graphqlUrl, `{ campaign(id: "${campaignId}") { id } }`, "campaign");
    // Viewers who allow amplified content open their stream (the indexer serves the campaign in an
    // amplified slot and logs an impression) and dwell on the post.
    for (const viewer of people) {
      if (viewer === promoter || viewer === post.author) continue;
      if (policies.get(viewer.address) !== PolicyMode.Everyone || !rand.chance(0.6)) continue;
      const page = await graphql<{
        stream: { edges: { node: { amplified: boolean; campaign: { id: string } | null } }[] };
      }>(
        graphqlUrl,
        `{ stream(viewer: "${viewer.address}", first: 20) { edges { node { amplified campaign { id } } } } }`,
      );
      if (!page.stream.edges.some((e) => e.node.campaign?.id === campaignId.toString())) continue;
      await sign(viewer, "View", {
        account: viewer.address,
        postId: post.id,
        dwellMs: 4000 + rand.int(8000),
        campaignId,
        timestamp: BigInt(Math.floor(Date.now() / 1000)),
        nonce: nonce++,
      });
    }
  }
  log(`started ${campaigns.length} amplification campaigns with bought views`);

  return {
    people: people.map((p) => p.address),
    communities,
    posts: posts.map((p) => p.id),
    campaigns,
    messages,
  };
}
