import { join } from "node:path";
import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engagementDomain, PolicyMode } from "#protocol";
import { seedChain, tempDir } from "#test-kit/helpers.ts";
import { chainStore, engagementStore } from "#test-kit/stores.ts";
import { unsignedLog } from "#test-kit/unsigned-log.ts";
import { LogAuthority } from "../engagement/authority.ts";
import { createImpressionIssuer, DEV_IMPRESSION_ISSUER } from "../engagement/impressions.ts";
import { type Db, openDb } from "../store/db.ts";
import { createQueries } from "../store/queries.ts";
import { account } from "./fixtures.ts";
import { createAttentionService } from "./service.ts";

const T = 1_700_000_100n;
const SOCIAL = "0x00000000000000000000000000000000000050c1" as Address;

describe("attention service with an impression key", () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: Db;
  const author = account(1);
  const viewer = account(2);
  const optedOut = account(3);
  const promoter = account(5);

  const { append, policy, nonce } = unsignedLog(() => db, T);

  beforeAll(async () => {
    tmp = tempDir("amp-impressions-");
    db = openDb(join(tmp.dir, "db.sqlite"));
    const chain = chainStore(db);
    await seedChain(chain, author, 30); // posts 1..30 by the author; campaign 1 on post 1
    // Each viewer publishes a post the founder (a reputation seed) attends to: both earn reputation.
    const block = (n: number, i: number) => ({
      blockNumber: n,
      blockHash: `0x${n.toString(16).padStart(64, "0")}`,
      txIndex: 0,
      logIndex: i,
      txHash: `0x${"cd".repeat(32)}`,
      address: SOCIAL,
      timestamp: 1_700_000_000 + n,
    });
    await chain.applyBatch({
      blocks: [
        {
          number: 2,
          hash: block(2, 0).blockHash,
          parentHash: block(1, 0).blockHash,
          timestamp: 1_700_000_002,
        },
      ],
      events: [
        ...[viewer, optedOut].map((who, i) => ({
          ...block(2, i),
          kind: "PostPublished" as const,
          payload: {
            postId: String(31 + i),
            communityId: "1",
            author: who.toLowerCase(),
            topics: ["news"],
            text: "mine",
            contentHash: `0x${"0".repeat(64)}`,
            uri: "",
          },
        })),
        // Campaign 1 (1 AMP, 0.9 of it spent) cannot afford one view (about 0.55 AMP for this
        // viewer); campaign 2 by another promoter can.
        {
          ...block(2, 3),
          kind: "CampaignSpent" as const,
          payload: { campaignId: "1", epoch: "1", amount: "900000000000000000" },
        },
        {
          ...block(2, 2),
          kind: "CampaignCreated" as const,
          payload: {
            campaignId: "2",
            postId: "1",
            promoter: promoter.toLowerCase(),
            payer: promoter.toLowerCase(),
            budget: "100000000000000000000",
            expiresAt: "4000000000",
          },
        },
      ],
      checkpoint: { blockNumber: 2, blockHash: block(2, 0).blockHash, finalizedBlock: 0, headBlock: 2 },
    });
    for (const postId of [31n, 32n]) {
      await append("Like", { account: author, postId, timestamp: T, nonce: nonce() });
      await append("Comment", { account: author, postId, text: "welcome", timestamp: T, nonce: nonce() });
    }
    await policy(viewer, PolicyMode.Everyone);
    await policy(optedOut, PolicyMode.None);
  });
  afterAll(() => {
    db.close();
    tmp.cleanup();
  });

  const service = () =>
    createAttentionService({
      db,
      queries: createQueries(db),
      now: () => Number(T) + 60,
      rebuildMs: 0,
      params: undefined,
      impressions: createImpressionIssuer({
        store: engagementStore(db),
        key: "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
        chainId: 31337,
        verifyingContract: SOCIAL,
      }),
    });

  const impressions = () =>
    db.prepare("SELECT json FROM engagement_log WHERE kind = 'Impression' ORDER BY seq").all() as {
      json: string;
    }[];

  it("places the campaign in a slot of the first page and logs one signed impression after answering", async () => {
    const s = service();
    expect(await s.reputation(viewer, 1n)).toBeGreaterThan(0.1);
    const page = await s.stream({ viewer, first: 10 });
    const amplified = page.items.filter((i) => i.amplified);
    expect(amplified.map((i) => i.campaignId)).toEqual([2n]);
    expect(page.items.findIndex((i) => i.amplified)).toBe(1);
    // The page is answered before the impression is signed; it is logged right after.
    expect(impressions()).toHaveLength(0);
    await s.impressionsSettled();
    const logged = impressions().map((r) => JSON.parse(r.json));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ viewer: viewer.toLowerCase(), campaignId: "2", postId: "1" });
    // The organic copy of post 1 is not repeated on the page.
    expect(page.items.filter((i) => i.postId === 1n)).toHaveLength(1);
  });

  it("never serves a viewer whose policy excludes the promoter, and holds the frequency cap under concurrent requests", async () => {
    const s = service();
    const closed = await s.stream({ viewer: optedOut, first: 10 });
    expect(closed.items.some((i) => i.amplified)).toBe(false);
    // Requests at once and one after another, all before any impression is logged: the
    // reservations hold the cap (3 per viewer and campaign; one is already logged).
    const pages = [
      ...(await Promise.all(Array.from({ length: 6 }, () => s.stream({ viewer, first: 10 })))),
      await s.stream({ viewer, first: 10 }),
      await s.stream({ viewer, first: 10 }),
    ];
    expect(pages.filter((p) => p.items.some((i) => i.amplified))).toHaveLength(2);
    expect(impressions()).toHaveLength(1);
    await s.impressionsSettled();
    expect(impressions()).toHaveLength(3);
    const again = await s.stream({ viewer, first: 10 });
    expect(again.items.some((i) => i.amplified)).toBe(false);
    await s.impressionsSettled();
    const mine = impressions()
      .map((r) => JSON.parse(r.json))
      .filter((m) => m.viewer === viewer.toLowerCase());
    expect(mine).toHaveLength(3);
    expect(new Set(mine.map((m) => m.nonce)).size).toBe(3);
    expect(impressions().some((r) => JSON.parse(r.json).viewer === optedOut.toLowerCase())).toBe(false);
  });

  it("signs impressions with the published key only: the verifier's replay accepts them, and no other key", async () => {
    const rows = db
      .prepare("SELECT seq, kind, signer, json, signature FROM engagement_log WHERE kind = 'Impression'")
      .all() as { seq: number; kind: string; signer: string; json: string; signature: string }[];
    expect(rows.length).toBeGreaterThan(0);
    const domain = engagementDomain(31337, SOCIAL);
    for (const r of rows) {
      const entry = { ...r, message: JSON.parse(r.json) };
      expect(r.signer).toBe(DEV_IMPRESSION_ISSUER);
      expect(await new LogAuthority(domain, [DEV_IMPRESSION_ISSUER]).check(entry)).toBeNull();
      expect(await new LogAuthority(domain, []).check(entry)).toMatch(/not a published impression key/);
    }
  });

  it("reports delivery beside the post's organic reach, and quotes from the audience that exists now", async () => {
    const s = service();
    const stats = await s.campaignStats(2n);
    const served = impressions().filter((r) => JSON.parse(r.json).campaignId === "2").length;
    expect(stats.delivery).toMatchObject({ impressions: served, reach: 1, paidViews: 0, spend: 0n });
    // Post 1 is the oldest of 32 posts: organically it is not on a 10-item first page.
    expect(stats.delivery?.organicImpressions).toBe(0);
    expect(stats.delivery?.lift).toBe(served);
    const quote = await s.quote({ promoter, communityId: 1n, budget: 10n ** 21n, durationSeconds: 86_400 });
    // Only the viewer admits amplified content (the opted-out one and the default-Friends author do not).
    expect(quote.forecast).toMatchObject({ audience: 1, views: 1, reach: 1 });
    expect(quote.forecast?.spendPerDay).toBeGreaterThan(0n);
  });
});
