/**
 * Delivery on the demo world (the one `npm start` seeds, `scripts/lib/demo-world.ts`): a
 * Hardhat chain, the indexer with the attention model and its impression key, the demo's
 * people, communities, posts, weeks of engagement and its two campaigns. A member then
 * amplifies a post for two days with the budget its quote says buys about half the audience;
 * every two hours of chain time every person opens their stream over GraphQL, and most of them
 * dwell on each amplified item and send the View receipt. Checked from what the service served
 * and reports: paid views against the quote, frequency caps, opted-out people never served, no
 * campaign committing more than its budget, and the views paced over the campaign's life.
 */
import { join } from "node:path";
import { type Account, createWalletClient, http, parseEther, parseEventLogs } from "viem";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_PARAMS } from "#indexer/attention/params.ts";
import { createAttentionService, type LiveAttentionService } from "#indexer/attention/service.ts";
import { createImpressionIssuer, impressionKey } from "#indexer/engagement/impressions.ts";
import type { Indexer } from "#indexer/main.ts";
import { ampEscrowAbi, ampTokenAbi, type Deployment, PolicyMode } from "#protocol";
import { devAccount, graphql, submitSigned } from "#protocol/client.ts";
import { deploy, type HardhatNode, startHardhat } from "#test-kit/hardhat.ts";
import { tempDir } from "#test-kit/helpers.ts";
import { testIndexer } from "#test-kit/indexer.ts";
import { engagementStore } from "#test-kit/stores.ts";
import { type DemoResult, prng, seedDemoWorld } from "../scripts/lib/demo-world.ts";

const HOUR = 3600;
const LIFE = 2 * 24 * HOUR;
const STEP = 2 * HOUR;
const DWELL_RATE = 0.8;
/** The demo's policy of person i (demo-world.ts): None, Friends, Communities or Everyone. */
const demoPolicy = (i: number) =>
  i % 10 === 9
    ? PolicyMode.None
    : i % 7 === 6
      ? PolicyMode.Friends
      : i % 11 === 10
        ? PolicyMode.Communities
        : PolicyMode.Everyone;

interface Page {
  stream: {
    edges: { node: { amplified: boolean; post: { id: string }; campaign: { id: string } | null } }[];
  };
}
interface Delivery {
  impressions: number;
  paidViews: number;
  reach: number;
  spend: string;
}

let node: HardhatNode;
let indexer: Indexer;
let service: LiveAttentionService | null = null;
let url: string;
let deployment: Deployment;
let world: DemoResult;
let tmp: ReturnType<typeof tempDir>;

/**
 * Moves the clock `seconds` ahead: this process's clock (the indexer's intake reads it) and the
 * chain's (a block mined at that time); waits until the indexer has read the block (the service's
 * clock never runs behind the latest block). Returns the new time.
 */
async function advance(seconds: number): Promise<number> {
  const latest = Number((await node.publicClient.getBlock()).timestamp);
  const next = Math.max(Math.floor(Date.now() / 1000), latest) + seconds;
  vi.setSystemTime(next * 1000);
  await node.rpc("evm_setNextBlockTimestamp", [next]);
  await node.rpc("evm_mine");
  const block = await node.publicClient.getBlock();
  for (;;) {
    const { indexerStatus } = await graphql<{ indexerStatus: { latestBlock: number } }>(
      url,
      "{ indexerStatus { latestBlock } }",
    );
    if (indexerStatus.latestBlock >= Number(block.number)) return Number(block.timestamp);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  tmp = tempDir("amp-demo-delivery-");
  node = await startHardhat();
  deployment = (await deploy(node)) as Deployment;
  indexer = testIndexer(
    node.url,
    deployment as never,
    join(tmp.dir, "indexer.sqlite"),
    // As `npm start` runs it: the demo backdates four weeks of engagement.
    { intakeAllowBackdating: true, confirmations: 0 },
    {
      attention: (deps) =>
        (service = createAttentionService({
          ...deps,
          impressions: createImpressionIssuer({
            store: engagementStore(deps.db),
            key: impressionKey(undefined, 31337) as `0x${string}`,
            chainId: 31337,
            verifyingContract: deployment.contracts.AMPSocial,
          }),
        })),
    },
  );
  const started = await indexer.start({ http: true, follow: true });
  url = started.url as string;
  world = await seedDemoWorld({ rpcUrl: node.url, graphqlUrl: url, deployment });
  // From here on the test moves the clock (only `Date`: timers keep real time).
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
}, 15 * 60_000);

afterAll(async () => {
  vi.useRealTimers();
  await indexer?.stop();
  await node?.stop();
  tmp?.cleanup();
});

describe("delivery on the demo world", () => {
  it(
    "a member's campaign delivers its quoted views, paced over its life, within caps and policies",
    async () => {
      const people = world.people.map((_, i) => devAccount(i + 1));
      // A member of Open Source (community 1) whose policy admits everyone promotes their first post.
      const index = people.findIndex(
        (_, i) => i >= 6 && i % 3 === 0 && demoPolicy(i) === PolicyMode.Everyone,
      );
      const promoter = people[index] as Account;
      const { posts } = await graphql<{
        posts: { edges: { node: { id: string; community: { id: string } } }[] };
      }>(
        url,
        `{ posts(first: 5, author: "${promoter.address.toLowerCase()}") { edges { node { id community { id } } } } }`,
      );
      const post = posts.edges[0]?.node;
      if (!post) throw new Error("the promoter has no post");
      const quote = async (budget: bigint) =>
        (
          await graphql<{ quote: { forecast: { audience: number; views: number } | null } }>(
            url,
            `{ quote(promoter: "${promoter.address}", community: "${post.community.id}", budget: "${budget}", durationSeconds: ${LIFE}) { forecast { audience views } } }`,
          )
        ).quote.forecast;
      // The budget the quote says buys about half the eligible audience.
      let budget = parseEther("1");
      let forecast = await quote(budget);
      if (!forecast) throw new Error("no forecast");
      const audience = forecast.audience;
      expect(audience).toBeGreaterThanOrEqual(8);
      while (forecast.views < Math.floor(audience / 2)) {
        budget *= 2n;
        forecast = (await quote(budget)) ?? forecast;
      }
      const quoted = forecast.views;
      expect(quoted).toBeLessThan(audience);

      const wallet = createWalletClient({ account: promoter, chain: node.chain, transport: http(node.url) });
      const mined = async (hash: Promise<`0x${string}`>) => {
        const receipt = await node.publicClient.waitForTransactionReceipt({ hash: await hash });
        expect(receipt.status).toBe("success");
        return receipt;
      };
      const { AMPToken, AMPEscrow } = deployment.contracts;
      await mined(
        wallet.writeContract({
          address: AMPToken,
          abi: ampTokenAbi,
          functionName: "approve",
          args: [AMPEscrow, budget],
        }),
      );
      const receipt = await mined(
        wallet.writeContract({
          address: AMPEscrow,
          abi: ampEscrowAbi,
          functionName: "amplify",
          args: [BigInt(post.id), budget, BigInt(LIFE)],
        }),
      );
      const [created] = parseEventLogs({
        abi: ampEscrowAbi,
        logs: receipt.logs,
        eventName: "CampaignCreated",
      });
      const campaignId = String(created?.args.campaignId);
      const start = Number(
        (await node.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp,
      );

      // Streams over the campaign's life.
      const rand = prng(19);
      const served = new Map<string, number>();
      const viewsAt: number[] = [];
      let nonce = 10n ** 12n;
      let now = await advance(60);
      let pages = 0;
      while (now < start + LIFE) {
        const dwelt: { viewer: Account; postId: bigint; campaignId: bigint }[] = [];
        for (const [i, viewer] of people.entries()) {
          const page = await graphql<Page>(
            url,
            `{ stream(viewer: "${viewer.address}", first: 20) { edges { node { amplified post { id } campaign { id } } } } }`,
          );
          pages++;
          for (const { node: item } of page.stream.edges) {
            if (!item.amplified || !item.campaign) continue;
            // Nobody whose policy refuses amplified posts is served one.
            expect(demoPolicy(i)).not.toBe(PolicyMode.None);
            const key = `${viewer.address.toLowerCase()}|${item.campaign.id}`;
            served.set(key, (served.get(key) ?? 0) + 1);
            if (rand.chance(DWELL_RATE))
              dwelt.push({ viewer, postId: BigInt(item.post.id), campaignId: BigInt(item.campaign.id) });
          }
        }
        // The impressions of the pages are in the log; the View receipts follow the dwell time.
        await service?.impressionsSettled();
        for (const d of dwelt) {
          await submitSigned(url, deployment, d.viewer, "View", {
            account: d.viewer.address,
            postId: d.postId,
            dwellMs: 4000 + rand.int(8000),
            campaignId: d.campaignId,
            timestamp: BigInt(now + 5),
            nonce: nonce++,
          });
          if (String(d.campaignId) === campaignId) viewsAt.push(now - start);
        }
        now = await advance(STEP);
      }
      expect(pages).toBeGreaterThanOrEqual(people.length * (LIFE / STEP - 1));

      const campaigns = await graphql<{
        campaigns: { edges: { node: { id: string; budget: string; delivery: Delivery } }[] };
      }>(
        url,
        "{ campaigns(first: 20) { edges { node { id budget delivery { impressions paidViews reach spend } } } } }",
      );
      const byId = new Map(campaigns.campaigns.edges.map((e) => [e.node.id, e.node]));
      const mine = byId.get(campaignId);
      if (!mine) throw new Error("campaign not listed");
      // Frequency cap: a few impressions per viewer and campaign.
      for (const n of served.values())
        expect(n).toBeLessThanOrEqual(DEFAULT_PARAMS.delivery.impressionsPerCampaign);
      // No campaign commits more than its budget; each viewer is paid at most once per campaign.
      for (const c of byId.values()) {
        expect(BigInt(c.delivery.spend)).toBeLessThanOrEqual(BigInt(c.budget));
        expect(c.delivery.paidViews).toBeLessThanOrEqual(c.delivery.reach);
      }
      // The campaign delivered the views its quote forecast.
      const delivery = mine.delivery;
      expect(delivery.impressions).toBe(
        [...served.entries()].filter(([k]) => k.endsWith(`|${campaignId}`)).reduce((a, [, n]) => a + n, 0),
      );
      expect(delivery.paidViews).toBeGreaterThanOrEqual(Math.floor(0.9 * quoted));
      // Paced: at every step no further ahead of the linear line (done at 90% of the life) than the
      // allowed lead, views still arriving in the second half of the life.
      const d = DEFAULT_PARAMS.delivery;
      const affordable = (Number(budget) * delivery.paidViews) / Math.max(1, Number(delivery.spend));
      for (let x = STEP; x <= LIFE; x += STEP) {
        const line = affordable * Math.min(1, x / (d.paceFinishFraction * LIFE));
        expect(viewsAt.filter((at) => at < x).length).toBeLessThanOrEqual(
          Math.ceil(line) + d.paceLeadViews + 1,
        );
      }
      expect(viewsAt.filter((at) => at >= LIFE / 2).length).toBeGreaterThan(0);
    },
    20 * 60_000,
  );
});
