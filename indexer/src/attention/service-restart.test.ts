import { join } from "node:path";
import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PolicyMode } from "#protocol";
import { silentLogger } from "#protocol/logger.ts";
import { seedChain, tempDir } from "#test-kit/helpers.ts";
import { gql } from "#test-kit/indexer.ts";
import { chainStore, engagementStore } from "#test-kit/stores.ts";
import { unsignedLog } from "#test-kit/unsigned-log.ts";
import { loadConfig } from "../config.ts";
import { createImpressionIssuer, type ImpressionIssuer } from "../engagement/impressions.ts";
import { createIndexer, type Indexer } from "../main.ts";
import { type Db, openDb } from "../store/db.ts";
import { createQueries } from "../store/queries.ts";
import { account } from "./fixtures.ts";
import { createAttentionService } from "./service.ts";

const T = 1_700_000_100n;
const SOCIAL = "0x00000000000000000000000000000000000050c1" as Address;
const DEPLOYMENT = {
  chainId: 31337,
  startBlock: 0,
  contracts: {
    AMPToken: "0x00000000000000000000000000000000000050c0",
    AMPSocial: SOCIAL,
    AMPEscrow: "0x00000000000000000000000000000000000050c2",
  },
};

const STREAM = `query ($viewer: String!) {
  stream(viewer: $viewer, first: 10) { edges { node { amplified post { id } campaign { id } } } }
}`;
const DELIVERY = `query ($id: ID!) {
  campaign(id: $id) { delivery { impressions paidViews reach organicImpressions lift } }
}`;

/** An issuer whose signatures take `ms`: impressions stay reserved, not yet logged, that long. */
function slowIssuer(
  issuer: ImpressionIssuer<Promise<number>>,
  ms: number,
): ImpressionIssuer<Promise<number>> {
  return {
    ...issuer,
    sign: async (fields) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return issuer.sign(fields);
    },
  };
}

describe("attention service across a restart", () => {
  let tmp: ReturnType<typeof tempDir>;
  let dbPath: string;
  let db: Db | null = null;
  const author = account(1);
  const viewer = account(2);
  const promoter = account(5);
  const { append, policy, nonce } = unsignedLog(() => db as Db, T);

  beforeAll(async () => {
    tmp = tempDir("amp-restart-");
    dbPath = join(tmp.dir, "db.sqlite");
    db = openDb(dbPath);
    const chain = chainStore(db);
    await seedChain(chain, author, 30); // posts 1..30 by the author (the founder)
    const pos = (i: number) => ({
      blockNumber: 2,
      blockHash: `0x${(2).toString(16).padStart(64, "0")}`,
      txIndex: 0,
      logIndex: i,
      txHash: `0x${"cd".repeat(32)}`,
      address: SOCIAL,
      timestamp: 1_700_000_002,
    });
    await chain.applyBatch({
      blocks: [
        {
          number: 2,
          hash: pos(0).blockHash,
          parentHash: `0x${(1).toString(16).padStart(64, "0")}`,
          timestamp: 1_700_000_002,
        },
      ],
      events: [
        {
          ...pos(0),
          kind: "PostPublished",
          payload: {
            postId: "31",
            communityId: "1",
            author: viewer.toLowerCase(),
            topics: ["news"],
            text: "mine",
            contentHash: `0x${"0".repeat(64)}`,
            uri: "",
          },
        },
        // On the newest of the author's posts: organically on the viewer's first page.
        {
          ...pos(1),
          kind: "CampaignCreated",
          payload: {
            campaignId: "2",
            postId: "30",
            promoter: promoter.toLowerCase(),
            payer: promoter.toLowerCase(),
            budget: "100000000000000000000",
            expiresAt: "4000000000",
          },
        },
      ],
      checkpoint: { blockNumber: 2, blockHash: pos(0).blockHash, finalizedBlock: 0, headBlock: 2 },
    });
    // The founder attends the viewer's post: the viewer has reputation above the floor.
    await append("Like", { account: author, postId: 31n, timestamp: T, nonce: nonce() });
    await append("Comment", { account: author, postId: 31n, text: "welcome", timestamp: T, nonce: nonce() });
    await policy(viewer, PolicyMode.Everyone);
    db.close();
    db = null;
  });
  afterAll(() => {
    db?.close();
    tmp.cleanup();
  });

  const start = (signMs: number): Indexer =>
    createIndexer(
      loadConfig({ dbPath, chainId: 31337, port: 0, graphiql: false, deployment: DEPLOYMENT }, { env: {} }),
      {
        logger: silentLogger(),
        attention: (deps) =>
          createAttentionService({
            ...deps,
            now: () => Number(T) + 60,
            rebuildMs: 0,
            impressions: slowIssuer(
              createImpressionIssuer({
                store: engagementStore(deps.db),
                key: "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
                chainId: 31337,
                verifyingContract: SOCIAL,
              }),
              signMs,
            ),
          }),
      },
    );
  const loggedImpressions = (on: Db) =>
    on.prepare("SELECT COUNT(*) FROM engagement_log WHERE kind = 'Impression'").pluck().get() as number;

  it("logs every impression a page was answered with before the store closes, and a View after the restart matches it; organic impressions survive", async () => {
    const first = start(200);
    const served: string[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await gql(first, STREAM, { viewer });
      for (const e of page.stream.edges) if (e.node.amplified) served.push(e.node.campaign.id);
    }
    // Campaign 2 served three times (the frequency cap), none of the impressions signed yet.
    expect(served.filter((c) => c === "2")).toHaveLength(3);
    expect(loggedImpressions(first.db)).toBe(0);
    const before = (await gql(first, DELIVERY, { id: "2" })).campaign.delivery;
    expect(before.organicImpressions).toBe(3);
    await first.stop();

    // Stopped without waiting for anything: the impressions are in the log.
    db = openDb(dbPath);
    expect(loggedImpressions(db)).toBe(served.length);
    await append("View", {
      account: viewer,
      postId: 30n,
      campaignId: 2n,
      dwellMs: 5000,
      timestamp: T + 61n,
      nonce: nonce(),
    });
    db.close();
    db = null;

    const second = start(0);
    try {
      const after = (await gql(second, DELIVERY, { id: "2" })).campaign.delivery;
      expect(after).toMatchObject({ impressions: 3, paidViews: 1, reach: 1, organicImpressions: 3 });
      expect(after.lift).toBe(1);
      // Counting goes on from the stored figure; the frequency cap holds across the restart.
      const page = await gql(second, STREAM, { viewer });
      const again = page.stream.edges.filter(
        (e: { node: { campaign: { id: string } | null } }) => e.node.campaign?.id === "2",
      );
      expect(again).toHaveLength(0);
      expect((await gql(second, DELIVERY, { id: "2" })).campaign.delivery.organicImpressions).toBe(4);
    } finally {
      await second.stop();
    }
    db = openDb(dbPath);
    expect(
      db.prepare("SELECT impressions FROM campaign_organic_impressions WHERE campaign_id = 2").pluck().get(),
    ).toBe(4);
  });

  it("answers no stream once closing", async () => {
    db ??= openDb(dbPath);
    const service = createAttentionService({ db, queries: createQueries(db), now: () => Number(T) + 60 });
    expect((await service.stream({ viewer, first: 10 })).items.length).toBeGreaterThan(0);
    await service.close?.();
    await expect(service.stream({ viewer, first: 10 })).rejects.toMatchObject({
      code: "ATTENTION_UNAVAILABLE",
    });
  });
});
