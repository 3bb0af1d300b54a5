/**
 * A campaign's life through the live service: a community of viewers with
 * reputation (most admit everyone, some opted out), a campaign quoted by the
 * service's own forecast, and stream requests from every viewer every half
 * hour over the campaign's two days, each amplified item followed by a View
 * receipt from most viewers. Delivery is read back from the service.
 */
import { join } from "node:path";
import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PolicyMode } from "#protocol";
import { seedChain, tempDir } from "#test-kit/helpers.ts";
import { chainStore, engagementStore } from "#test-kit/stores.ts";
import { unsignedLog } from "#test-kit/unsigned-log.ts";
import { createImpressionIssuer } from "../engagement/impressions.ts";
import { type Db, openDb } from "../store/db.ts";
import { createQueries } from "../store/queries.ts";
import { account, rng } from "./fixtures.ts";
import { DEFAULT_PARAMS } from "./params.ts";
import { createAttentionService } from "./service.ts";

const SOCIAL = "0x00000000000000000000000000000000000050c1" as Address;
const BLOCK_TIME = 1_700_000_002;
const T = BigInt(BLOCK_TIME + 60);
const HOUR = 3600;
const LIFE = 2 * 24 * HOUR;
const VIEWERS = 40;
const OPTED_OUT = 8;

describe("a campaign's life through the live service", () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: Db;
  const founder = account(1);
  const promoter = account(2);
  const viewers = Array.from({ length: VIEWERS }, (_, i) => account(10 + i));
  const optedOut = new Set(viewers.slice(0, OPTED_OUT).map((v) => v.toLowerCase()));
  const { append, policy, nonce } = unsignedLog(() => db, T);
  let clock = Number(T);

  beforeAll(async () => {
    tmp = tempDir("amp-delivery-");
    db = openDb(join(tmp.dir, "db.sqlite"));
    const chain = chainStore(db);
    await seedChain(chain, founder, 30); // community 1 founded by `founder`, posts 1..30
    const pos = (i: number) => ({
      blockNumber: 2,
      blockHash: `0x${(2).toString(16).padStart(64, "0")}`,
      txIndex: 0,
      logIndex: i,
      txHash: `0x${"ef".repeat(32)}`,
      address: SOCIAL,
      timestamp: BLOCK_TIME,
    });
    await chain.applyBatch({
      blocks: [
        {
          number: 2,
          hash: pos(0).blockHash,
          parentHash: `0x${(1).toString(16).padStart(64, "0")}`,
          timestamp: BLOCK_TIME,
        },
      ],
      events: [
        // Every viewer has a post the founder attends to: each earns reputation.
        ...viewers.map((v, i) => ({
          ...pos(i),
          kind: "PostPublished" as const,
          payload: {
            postId: String(31 + i),
            communityId: "1",
            author: v.toLowerCase(),
            topics: ["news"],
            text: `hello from ${i}`,
            contentHash: `0x${"0".repeat(64)}`,
            uri: "",
          },
        })),
        // A new account promotes one of the founder's posts for two days.
        {
          ...pos(VIEWERS),
          kind: "CampaignCreated" as const,
          payload: {
            campaignId: "2",
            postId: "5",
            promoter: promoter.toLowerCase(),
            payer: promoter.toLowerCase(),
            budget: "0",
            expiresAt: String(BLOCK_TIME + LIFE),
          },
        },
      ],
      checkpoint: { blockNumber: 2, blockHash: pos(0).blockHash, finalizedBlock: 0, headBlock: 2 },
    });
    for (let i = 0; i < VIEWERS; i++) {
      await append("Like", { account: founder, postId: BigInt(31 + i), timestamp: T, nonce: nonce() });
      await append("Comment", {
        account: founder,
        postId: BigInt(31 + i),
        text: "welcome",
        timestamp: T,
        nonce: nonce(),
      });
    }
    // Viewers attend each other's posts too.
    for (const [i, v] of viewers.entries()) {
      for (const k of [1, 3])
        await append("Like", {
          account: v,
          postId: BigInt(31 + ((i + k) % VIEWERS)),
          timestamp: T,
          nonce: nonce(),
        });
    }
    for (const v of viewers)
      await policy(v, optedOut.has(v.toLowerCase()) ? PolicyMode.None : PolicyMode.Everyone);
    // Campaign 1 (seedChain's, the founder's own) is spent: only campaign 2 competes.
    db.prepare("UPDATE campaigns SET spent = budget WHERE id = 1").run();
  });
  afterAll(() => {
    db.close();
    tmp.cleanup();
  });

  it("delivers the views its quote forecast, paced over its life, to eligible viewers only, each paid once", async () => {
    const service = createAttentionService({
      db,
      queries: createQueries(db),
      now: () => clock,
      rebuildMs: 0,
      impressions: createImpressionIssuer({
        store: engagementStore(db),
        key: "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
        chainId: 31337,
        verifyingContract: SOCIAL,
      }),
    });
    // The promoter buys about 20 views' worth at the forecast's prices (the quote then says how many).
    const probe = await service.quote({
      promoter,
      communityId: 1n,
      budget: 10n ** 20n,
      durationSeconds: LIFE,
    });
    const forecast = probe.forecast;
    if (!forecast) throw new Error("no forecast");
    expect(forecast.audience).toBe(VIEWERS - OPTED_OUT);
    const budget = (10n ** 20n * 20n) / BigInt(Math.max(1, forecast.views));
    db.prepare("UPDATE campaigns SET budget = ? WHERE id = 2").run(budget.toString());
    const quote = (await service.quote({ promoter, communityId: 1n, budget, durationSeconds: LIFE }))
      .forecast;
    if (!quote) throw new Error("no forecast");
    expect(quote.views).toBeGreaterThanOrEqual(15);
    expect(quote.views).toBeLessThan(quote.audience);

    const r = rng(15);
    const served = new Map<string, number>();
    const viewsAt: number[] = [];
    while (clock < BLOCK_TIME + LIFE) {
      const dwelt: { viewer: Address; postId: bigint }[] = [];
      for (const v of viewers) {
        const page = await service.stream({ viewer: v, first: 10 });
        for (const item of page.items) {
          if (!item.amplified) continue;
          expect(item.campaignId).toBe(2n);
          const key = v.toLowerCase();
          served.set(key, (served.get(key) ?? 0) + 1);
          if (r() < 0.8) dwelt.push({ viewer: v, postId: item.postId });
        }
      }
      await service.impressionsSettled();
      // The View receipts come after the dwell time, when the impressions are in the log.
      for (const { viewer, postId } of dwelt) {
        await append("View", {
          account: viewer,
          postId,
          campaignId: 2n,
          dwellMs: 5000,
          timestamp: BigInt(clock + 10),
          nonce: nonce(),
        });
        viewsAt.push(clock - BLOCK_TIME);
      }
      clock += HOUR / 2;
    }

    const stats = await service.campaignStats(2n);
    const delivery = stats.delivery;
    if (!delivery) throw new Error("no delivery");
    // Nobody whose policy excludes the promoter was served; nobody past the frequency cap.
    for (const v of optedOut) expect(served.get(v) ?? 0).toBe(0);
    for (const n of served.values()) expect(n).toBeLessThanOrEqual(3);
    expect(delivery.impressions).toBe([...served.values()].reduce((a, b) => a + b, 0));
    // The quoted views were delivered, never more than the budget pays for.
    expect(delivery.paidViews).toBeGreaterThanOrEqual(Math.floor(0.9 * quote.views));
    expect(delivery.spend).toBeLessThanOrEqual(budget);
    expect(delivery.paidViews).toBeLessThanOrEqual(delivery.reach);
    // Paced: at every hour, no further ahead of the linear line (finishing at 90% of the life) than
    // the allowed lead; views still come in the second half; the budget is spent before expiry.
    const d = DEFAULT_PARAMS.delivery;
    const affordable = (Number(budget) * delivery.paidViews) / Number(delivery.spend);
    for (let x = HOUR; x <= LIFE; x += HOUR) {
      const line = affordable * Math.min(1, x / (d.paceFinishFraction * LIFE));
      expect(viewsAt.filter((at) => at < x).length).toBeLessThanOrEqual(
        Math.ceil(line) + d.paceLeadViews + 1,
      );
    }
    expect(viewsAt.filter((at) => at >= LIFE / 2).length).toBeGreaterThan(0);
    expect(Number(budget - delivery.spend) / Number(budget)).toBeLessThanOrEqual(0.25);
  }, 120_000);
});
