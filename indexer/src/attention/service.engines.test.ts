/**
 * The attention service on SQLite and on its PostgreSQL mirror: the same model
 * from the same rows (stream pages, reputation, leaderboard, quotes, campaign
 * stats); entries the writer appends on PostgreSQL after the service started
 * reach it by sequence number; a stream cursor one replica issued pages on
 * another with the same items, none repeated or skipped.
 */
import type { Address } from "viem";
import { describe, expect, it } from "vitest";
import { canonicalMessage, type MessageByKind, type MessageKind, PolicyMode } from "#protocol";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import { seedChain } from "#test-kit/helpers.ts";
import { chainStore, engagementStore } from "#test-kit/stores.ts";
import { createIntakeWriter } from "../engagement/group-commit.ts";
import { createImpressionIssuer, DEV_IMPRESSION_KEY } from "../engagement/impressions.ts";
import type { Db } from "../store/db.ts";
import type { NewLogEntry } from "../store/engine/engagement-store.ts";
import { createKyselyEngagementStore } from "../store/engine/engagement-store.ts";
import { openPostgres, type StoreEngine } from "../store/engine/engine.ts";
import { sql } from "../store/queries/sql-reader.ts";
import { createQueries } from "../store/queries.ts";
import { account } from "./fixtures.ts";
import type { Page, StreamItem } from "./interface.ts";
import { createAttentionService, type LiveAttentionService } from "./service.ts";

const T = 1_700_000_100n;
const NOW = Number(T) + 60;
const SOCIAL = "0x00000000000000000000000000000000000050c1" as Address;
const author = account(1);
const viewer = account(2);
const optedOut = account(3);
const fan = account(4);
const promoter = account(5);
const newcomer = account(6);

let nonce = 0n;
function entryOf<K extends MessageKind>(kind: K, message: MessageByKind[K]): NewLogEntry {
  const json = canonicalMessage(kind, message);
  return {
    kind,
    signer: (message as { account: string }).account,
    message: JSON.parse(json),
    json,
    signature: "0x",
    receivedAt: 0,
  };
}
const like = (who: Address, postId: bigint) =>
  entryOf("Like", { account: who, postId, timestamp: T, nonce: ++nonce });
const follow = (who: Address, target: Address) =>
  entryOf("Follow", { account: who, target, follow: true, timestamp: T, nonce: ++nonce });
const policy = (who: Address, mode: PolicyMode) =>
  entryOf("Policy", {
    account: who,
    mode,
    communities: [],
    topics: [],
    blockedPromoters: [],
    timestamp: T,
    nonce: ++nonce,
  });

const block = (n: number, i: number) => ({
  blockNumber: n,
  blockHash: `0x${n.toString(16).padStart(64, "0")}`,
  txIndex: 0,
  logIndex: i,
  txHash: `0x${"cd".repeat(32)}`,
  address: SOCIAL,
  timestamp: 1_700_000_000 + n,
});

/** Posts 1..30 by the founder, one each by the viewer, the opted-out viewer and the newcomer; two campaigns; served impressions. */
async function seed(db: Db): Promise<void> {
  const chain = chainStore(db);
  await seedChain(chain, author, 30);
  await chain.applyBatch({
    blocks: [
      { number: 2, hash: block(2, 0).blockHash, parentHash: block(1, 0).blockHash, timestamp: 1_700_000_002 },
    ],
    events: [
      ...[viewer, optedOut, newcomer].map((who, i) => ({
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
      {
        ...block(2, 3),
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
  const log = engagementStore(db);
  await log.appendMany([
    ...[31n, 32n].flatMap((postId) => [
      like(author, postId),
      entryOf("Comment", { account: author, postId, text: "welcome", timestamp: T, nonce: ++nonce }),
    ]),
    ...[3n, 5n, 8n, 13n, 21n].map((postId) => like(fan, postId)),
    like(viewer, 2n),
    follow(viewer, fan),
    policy(viewer, PolicyMode.Everyone),
    policy(optedOut, PolicyMode.None),
  ]);
  // The live service serves the viewer amplified pages: Impression entries in the log, organic
  // impressions in the store, and a View receipt matching one of them.
  const serving = createAttentionService({
    db,
    queries: createQueries(db),
    now: () => NOW,
    rebuildMs: 0,
    impressions: createImpressionIssuer({
      store: log,
      key: "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
      chainId: 31337,
      verifyingContract: SOCIAL,
    }),
  });
  const page = await serving.stream({ viewer, first: 10 });
  await serving.impressionsSettled();
  await serving.close();
  const served = page.items.find((i) => i.amplified);
  if (!served?.campaignId) throw new TypeError("the seeded service served no amplified item");
  await log.append(
    entryOf("View", {
      account: viewer,
      postId: served.postId,
      dwellMs: 5000,
      campaignId: served.campaignId,
      timestamp: T + 30n,
      nonce: ++nonce,
    }),
  );
}

const withoutCursors = (page: Page<StreamItem>) => ({
  hasNextPage: page.hasNextPage,
  items: page.items.map(({ cursor: _, ...item }) => item),
});

/** Every page of the viewer's stream, `first` at a time, each page asked of the next service in turn. */
async function walk(
  services: LiveAttentionService[],
  args: { viewer: Address; communityId?: bigint | null; first: number },
  between?: (page: number) => Promise<void>,
): Promise<Page<StreamItem>[]> {
  const pages: Page<StreamItem>[] = [];
  let after: string | null = null;
  for (let k = 0; k < 100; k++) {
    const service = services[k % services.length] as LiveAttentionService;
    const page: Page<StreamItem> = await service.stream({ ...args, after });
    pages.push(page);
    if (!page.hasNextPage) return pages;
    after = (page.items[page.items.length - 1] as StreamItem & { cursor: string }).cursor;
    await between?.(k);
  }
  throw new TypeError("the stream did not end");
}

describe("attention service on SQLite and PostgreSQL", () => {
  const pair = enginePairForSuite(seed);
  const onSqlite = () =>
    createAttentionService({
      db: pair.db(),
      queries: createQueries(pair.db()),
      now: () => NOW,
      rebuildMs: 0,
    });
  const onPostgres = (engine: StoreEngine = pair.engine()) =>
    createAttentionService({ engine, queries: createQueries(engine), now: () => NOW, rebuildMs: 0 });
  const accounts = [author, viewer, optedOut, fan, promoter, newcomer];

  const organicRows = async () => {
    const query = sql<{
      campaignId: number;
      impressions: number;
    }>`SELECT campaign_id AS "campaignId", impressions FROM campaign_organic_impressions ORDER BY campaign_id`;
    return { sqlite: await pair.sqlite().all(query), postgres: await pair.postgres().all(query) };
  };

  async function answers(s: LiveAttentionService) {
    const streams = [];
    for (const who of [viewer, optedOut, fan, newcomer])
      for (const communityId of [null, 1n, 2n])
        streams.push((await walk([s], { viewer: who, communityId, first: 4 })).map(withoutCursors));
    return {
      streams,
      reputation: await Promise.all(accounts.map((a) => s.reputation(a, 1n))),
      ranks: await Promise.all(accounts.map((a) => s.reputationRank?.(a, 1n))),
      leaderboard: await s.leaderboard(1n, 10),
      quotes: await Promise.all(
        [author, promoter, viewer].map((p) =>
          s.quote({ promoter: p, communityId: 1n, budget: 10n ** 20n, durationSeconds: 86_400 }),
        ),
      ),
      stats: await Promise.all([1n, 2n, 99n].map((c) => s.campaignStats(c))),
      // Delegated to the store-backed service over the same engine.
      seeds: await s.seeds(1n),
      earnings: await Promise.all(accounts.map((a) => s.earnings(a))),
    };
  }

  it("builds the same model from a store and from its mirror", async () => {
    const stored = await organicRows();
    const sqlite = onSqlite();
    const postgres = onPostgres();
    const a = await answers(sqlite);
    const b = await answers(postgres);
    expect(b).toEqual(a);
    // The seed is not trivial: ranked pages, reputation, served impressions and a matched view.
    expect(a.streams[0]?.flatMap((p) => p.items).length).toBe(33);
    expect(a.leaderboard.length).toBeGreaterThan(1);
    const delivered = a.stats.map((st) => st.delivery);
    expect(delivered.reduce((n, d) => n + (d?.impressions ?? 0), 0)).toBeGreaterThan(0);
    expect(delivered.reduce((n, d) => n + (d?.paidViews ?? 0), 0)).toBe(1);
    expect(delivered.reduce((n, d) => n + (d?.organicImpressions ?? 0), 0)).toBeGreaterThan(0);
    // Closing writes the organic impressions the pages counted (or a timer did): the same rows on both engines.
    await Promise.all([sqlite.close(), postgres.close()]);
    const written = await organicRows();
    expect(written.postgres).toEqual(written.sqlite);
    expect(written.sqlite).not.toEqual(stored.sqlite);
    expect(written.postgres.map((r) => r.impressions)).toEqual(
      a.stats.slice(0, 2).map((st) => st.delivery?.organicImpressions),
    );
  });

  it("reads what the writer appends on PostgreSQL after it started, by sequence number", async () => {
    // Both services start before the append and catch up with it (a model built afresh warm-starts
    // its reputation walk differently: equal to the walk's tolerance, not to the last bit).
    const postgres = onPostgres();
    const sqlite = onSqlite();
    expect(await answers(postgres)).toEqual(await answers(sqlite));
    const before = await postgres.reputation(newcomer, 1n);
    expect(before).toBe(0);
    // The writer (its own Kysely engagement store) appends; the SQLite store gets the same entries.
    const appended = [like(author, 33n), follow(newcomer, author), like(fan, 33n), like(newcomer, 4n)];
    const writer = createKyselyEngagementStore(pair.engine().db);
    for (const e of appended) await writer.append(e);
    await engagementStore(pair.db()).appendMany(appended);
    const after = await postgres.reputation(newcomer, 1n);
    expect(after).toBeGreaterThan(0);
    expect(await sqlite.reputation(newcomer, 1n)).toBe(after);
    expect(await answers(postgres)).toEqual(await answers(sqlite));
    await Promise.all([sqlite.close(), postgres.close()]);
  });

  it("pages a stream across two replicas with one cursor: the same items, none repeated or skipped", async () => {
    const url = (pair.engine().pool as NonNullable<StoreEngine["pool"]>).options.connectionString as string;
    const second = await openPostgres(url);
    try {
      const a = onPostgres();
      const b = onPostgres(second);
      const reference = (await a.stream({ viewer, first: 100 })).items.map((i) => i.postId);
      expect(reference.length).toBe(33);
      // Replica b has streams of its own: its snapshots and a's never share an id.
      await b.stream({ viewer, first: 3 });
      await b.stream({ viewer: fan, first: 3 });
      const writer = createKyselyEngagementStore(pair.engine().db);
      const pages = await walk([a, b], { viewer, first: 3 }, async (k) => {
        // Between pages the ranking moves: the viewer's contact likes the founder's posts ranked last.
        if (k < 3) await writer.append(like(fan, [1n, 2n, 4n][k] as bigint));
      });
      const served = pages.flatMap((p) => p.items.map((i) => i.postId));
      expect(served).toEqual(reference);
      // Ranked afresh, the stream is another order: the cursor, not the data, kept the pages apart.
      const fresh = (await b.stream({ viewer, first: 100 })).items.map((i) => i.postId);
      expect(fresh).not.toEqual(reference);
      expect([...fresh].sort()).toEqual([...reference].sort());
      // A cursor handed to another viewer names no ranking of theirs: a page ranked afresh.
      const cursor = pages[0]?.items[2]?.cursor as string;
      const other = await b.stream({ viewer: fan, first: 3, after: cursor });
      expect(other.items.length).toBe(3);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await second.close();
    }
  });

  it("the writer on PostgreSQL issues impressions through its group commit: each in the log once, a View of one bought", async () => {
    const engine = pair.engine();
    const writer = createIntakeWriter(engine);
    const loggedImpressions = async () =>
      (
        await pair.postgres().all(
          sql<{
            json: string;
            signer: string;
          }>`SELECT json, signer FROM engagement_log WHERE kind = 'Impression' ORDER BY seq`,
        )
      ).map((r): Record<string, string> => ({ ...JSON.parse(r.json), signer: r.signer }));
    const before = await loggedImpressions();
    const issuer = createImpressionIssuer({
      store: { append: writer.append },
      key: DEV_IMPRESSION_KEY,
      chainId: 31337,
      verifyingContract: SOCIAL,
    });
    const serving = createAttentionService({
      engine,
      queries: createQueries(engine),
      now: () => NOW,
      rebuildMs: 0,
      impressions: issuer,
    });
    try {
      const served: { viewer: string; item: StreamItem }[] = [];
      const stats = await serving.campaignStats(2n);
      for (const who of [fan, newcomer, viewer])
        for (const item of (await serving.stream({ viewer: who, first: 10 })).items)
          if (item.amplified) served.push({ viewer: who.toLowerCase(), item });
      expect(served.length).toBeGreaterThan(0);
      await serving.impressionsSettled();
      const fresh = (await loggedImpressions()).slice(before.length);
      // Exactly one committed Impression per amplified item served, signed by the issuer.
      expect(fresh).toHaveLength(served.length);
      expect(new Set(fresh.map((m) => m.nonce)).size).toBe(served.length);
      expect(fresh.every((m) => m.signer === issuer.address && m.account === issuer.address)).toBe(true);
      expect(fresh.map((m) => `${m.viewer}|${m.campaignId}|${m.postId}`).sort()).toEqual(
        served.map(({ viewer: v, item: i }) => `${v}|${i.campaignId}|${i.postId}`).sort(),
      );
      // Read back into the ledger, and a View of one of them is a paid view.
      const impression = fresh[0] as Record<string, string>;
      const campaignId = BigInt(impression.campaignId as string);
      const delivered = (await serving.campaignStats(campaignId)).delivery;
      const earlier = campaignId === 2n ? stats.delivery : undefined;
      if (earlier) expect(delivered?.impressions).toBeGreaterThan(earlier.impressions);
      await writer.append(
        entryOf("View", {
          account: impression.viewer as Address,
          postId: BigInt(impression.postId as string),
          dwellMs: 5000,
          campaignId,
          timestamp: T + 40n,
          nonce: ++nonce,
        }),
      );
      const after = (await serving.campaignStats(campaignId)).delivery;
      expect(after?.paidViews).toBe((delivered?.paidViews ?? 0) + 1);
    } finally {
      await serving.close();
      writer.close();
    }
  });
});
