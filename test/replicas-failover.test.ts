/**
 * One database, real processes: writer A (`--role writer`), standby writer B,
 * two API replicas (`--role api`) on PostgreSQL, and a Hardhat node with the
 * contracts. A burst of signed messages goes through the replicas while
 * chain events are mined and epochs come due; A is killed with SIGKILL
 * mid-burst and B takes over. Then: every acknowledged message is in the log
 * exactly once (a resend after a lost answer is DUPLICATE, never a second
 * entry), no epoch is settled twice, the replicas see the new entries by
 * sequence number, a stream cursor from replica 1 continues on replica 2
 * with no repeats or gaps, and the chain tables equal a fresh index of the
 * same chain.
 */
import pg from "pg";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ampSocialAbi,
  encodeMessage,
  engagementDomain,
  engagementTypes,
  type FollowMessage,
  mediaHash,
} from "#protocol";
import { type FailoverWorld, startFailoverWorld } from "#test-kit/failover-world.ts";
import { png } from "#test-kit/images.ts";
import { type IndexerProcess, spawnIndexer } from "#test-kit/indexer-process.ts";

const BASE_PORT = 14_200 + Number(process.env.AMP_E2E_PORT_OFFSET ?? 0);
const MESSAGES = 240;
const IN_FLIGHT = 6;
/** The chain tables the follower alone writes (engagement counters and pruned headers left out). */
const CHAIN_TABLES = [
  "chain_events",
  "balances",
  "communities",
  "moderators",
  "posts",
  "post_topics",
  "campaigns",
  "campaign_spends",
  "claims",
  "role_events",
  "role_changes",
];

let world: FailoverWorld;
const processes: IndexerProcess[] = [];
const url = (port: number) => `http://127.0.0.1:${port}`;

function start(name: string, role: "writer" | "api", port: number, extra: Record<string, string> = {}) {
  const p = spawnIndexer(
    name,
    role,
    world.env(name, port, {
      // Writers settle: each tries every 2 s, so a kill can land mid-settlement.
      AMP_SETTLER_KEY: "dev",
      AMP_EPOCH_SECONDS: "2",
      // Follows pay nobody: settle the epochs anyway, so that there are roots to settle twice.
      AMP_SETTLE_EMPTY: "1",
      // Writers watch too: each recomputes every settled epoch from the data it serves.
      AMP_WATCH: "1",
      AMP_WATCH_INTERVAL_MS: "500",
      // The attention model on every process: streams ranked, cursors shared through the database.
      AMP_ATTENTION: "model",
      AMP_ADVERTISE_URL: url(port),
      AMP_TRUSTED_FORWARDERS: "127.0.0.1",
      AMP_INTAKE_CLIENT_BURST: "100000",
      AMP_INTAKE_CLIENT_RATE: "100000",
      ...extra,
    }),
  );
  processes.push(p);
  return p;
}

interface Signed {
  account: string;
  nonce: string;
  json: string;
  signature: string;
}

async function burstMessages(n: number): Promise<Signed[]> {
  const out: Signed[] = [];
  const domain = engagementDomain(31337, world.deployment.contracts.AMPSocial);
  const timestamp = BigInt(Math.floor(Date.now() / 1000));
  while (out.length < n) {
    // Ten messages per account keeps each account under its own quota.
    const signer = privateKeyToAccount(generatePrivateKey());
    for (let k = 1; k <= 10 && out.length < n; k++) {
      const message: FollowMessage = {
        account: signer.address,
        target: privateKeyToAccount(generatePrivateKey()).address,
        follow: true,
        timestamp,
        nonce: BigInt(k),
      };
      const signature = await signer.signTypedData({
        domain,
        types: engagementTypes,
        primaryType: "Follow",
        message,
      });
      out.push({
        account: signer.address.toLowerCase(),
        nonce: String(k),
        json: encodeMessage(message),
        signature,
      });
    }
  }
  return out;
}

const SUBMIT = `mutation($kind: MessageKind!, $message: String!, $signature: String!) {
  submitMessage(kind: $kind, message: $message, signature: $signature) { seq } }`;

/** Sends until acknowledged; WRITER_UNAVAILABLE (and a replica not answering) is retried, as a client does. */
async function send(
  replica: string,
  m: Signed,
  stats: { unavailable: number },
): Promise<{ seq: number } | { code: string }> {
  for (let attempt = 0; attempt < 200; attempt++) {
    let answer: {
      data?: { submitMessage?: { seq: number } } | null;
      errors?: { extensions?: { code?: string } }[];
    };
    try {
      const res = await fetch(`${replica}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query: SUBMIT,
          variables: { kind: "Follow", message: m.json, signature: m.signature },
        }),
      });
      answer = (await res.json()) as typeof answer;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    const seq = answer.data?.submitMessage?.seq;
    if (seq !== undefined) return { seq };
    const code = answer.errors?.[0]?.extensions?.code ?? "NO_CODE";
    if (code !== "WRITER_UNAVAILABLE") return { code };
    stats.unavailable++;
    await new Promise((r) => setTimeout(r, 200));
  }
  return { code: "GAVE_UP" };
}

async function gql<T>(base: string, query: string): Promise<T> {
  const res = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function tableRows(pool: pg.Pool, table: string): Promise<string[]> {
  const { rows } = await pool.query<{ r: string }>(`SELECT row_to_json(t)::text AS r FROM ${table} t`);
  return rows.map((r) => r.r).sort();
}

async function checkpoint(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>("SELECT block_number AS n FROM checkpoint");
  return Number(rows[0]?.n ?? -1);
}

async function waitFor(probe: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("writer failover under a burst, with two API replicas (PostgreSQL)", () => {
  let pool: pg.Pool;
  const ports = {
    a: BASE_PORT,
    b: BASE_PORT + 1,
    r1: BASE_PORT + 2,
    r2: BASE_PORT + 3,
    fresh: BASE_PORT + 4,
  };

  beforeAll(async () => {
    world = await startFailoverWorld();
    pool = new pg.Pool({ connectionString: world.databaseUrl });
    // Something social on the chain: a community and its posts.
    const [admin] = world.node.wallets;
    if (!admin) throw new Error("no wallet");
    const social = world.deployment.contracts.AMPSocial;
    const mined = async (hash: Promise<`0x${string}`>) =>
      world.node.publicClient.waitForTransactionReceipt({ hash: await hash });
    await mined(
      admin.writeContract({
        address: social,
        abi: ampSocialAbi,
        functionName: "createCommunity",
        args: ["Makers", "things"],
      }),
    );
    for (let i = 0; i < 6; i++)
      await mined(
        admin.writeContract({
          address: social,
          abi: ampSocialAbi,
          functionName: "publish",
          args: [1n, ["craft"], `post ${i}`, `0x${"0".repeat(64)}`, ""],
        }),
      );
  }, 300_000);

  afterAll(async () => {
    for (const p of processes) await p.kill("SIGKILL");
    await pool?.end();
    await world?.stop();
  }, 120_000);

  it("loses no acknowledged message, applies no event twice, and replicas follow the new writer", async () => {
    const a = start("writer-a", "writer", ports.a);
    await a.waitFor(/first block applied/, 180_000);
    await a.waitFor(/api: GraphQL on/, 60_000);
    const b = start("writer-b", "writer", ports.b);
    const r1 = start("replica-1", "api", ports.r1);
    const r2 = start("replica-2", "api", ports.r2);
    await Promise.all([
      b.waitFor(/standby/, 180_000),
      r1.waitFor(/api: GraphQL on/, 180_000),
      r2.waitFor(/api: GraphQL on/, 180_000),
    ]);

    // An image uploaded through one replica lands in the writer's content store (its row in the
    // database) and is served through the other replica too.
    const image = png(4, 3);
    const imageHash = mediaHash(image);
    const up = await fetch(`${url(ports.r1)}/media`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream", "x-amp-sha256": imageHash },
      body: new Uint8Array(image),
    });
    expect(up.status).toBe(201);
    expect(await up.json()).toMatchObject({ hash: imageHash, width: 4, height: 3 });
    const { rows: mediaRows } = await pool.query("SELECT hash, size FROM media");
    expect(mediaRows).toEqual([{ hash: imageHash, size: String(image.length) }]);
    const served = await fetch(`${url(ports.r2)}/media/${imageHash}`);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(image))).toBe(true);

    const messages = await burstMessages(MESSAGES);
    // Chain time past the first epoch: the writer settles it as the burst arrives.
    const nextEpoch = async () => {
      await world.node.rpc("evm_increaseTime", [world.deployment.epochLength + 1]);
      await world.node.rpc("evm_mine");
    };
    await nextEpoch();
    const load = world.chainLoad(100);
    const acked = new Map<string, number>();
    const refused: { m: Signed; code: string }[] = [];
    const stats = { unavailable: 0 };
    let next = 0;
    let killed = false;
    const worker = async (w: number) => {
      for (;;) {
        const i = next++;
        const m = messages[i];
        if (!m) return;
        // Mid-burst, the lease holder dies.
        if (i === Math.floor(MESSAGES / 3) && !killed) {
          killed = true;
          await a.kill("SIGKILL");
        }
        const result = await send(url(w % 2 === 0 ? ports.r1 : ports.r2), m, stats);
        if ("seq" in result) acked.set(`${m.account}:${m.nonce}`, result.seq);
        else refused.push({ m, code: result.code });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, (_, w) => worker(w)));
    const minted = await load.stop();
    expect(killed).toBe(true);
    await b.waitFor(/first block applied/, 60_000);
    // Another epoch after the failover: writer B settles it (and the first, if A died before).
    await nextEpoch();
    await waitFor(
      async () => {
        const { rows } = await pool.query<{ n: number }>(
          "SELECT COUNT(DISTINCT epoch)::int AS n FROM epochs",
        );
        return (rows[0]?.n ?? 0) >= 2;
      },
      90_000,
      "two settled epochs",
    );
    const { rows: twice } = await pool.query("SELECT epoch FROM epochs GROUP BY epoch HAVING COUNT(*) > 1");
    expect(twice).toEqual([]);
    // B's watcher recomputes every settled epoch, A's too, from public data and finds each root right.
    const { rows: settled } = await pool.query<{ epoch: number }>(
      "SELECT DISTINCT epoch::int AS epoch FROM epochs ORDER BY epoch",
    );
    for (const { epoch } of settled) await b.waitFor(new RegExp(`^epoch ${epoch}: OK$`), 60_000);
    const alarms = [...a.lines, ...b.lines].filter((l) => l.level >= 50 && /^epoch \d+/.test(l.msg));
    expect(alarms).toEqual([]);

    // A message whose first answer was lost comes back DUPLICATE on resend: it is in the log once.
    const duplicates = refused.filter((r) => r.code === "DUPLICATE");
    expect(refused.filter((r) => r.code !== "DUPLICATE")).toEqual([]);
    expect(acked.size + duplicates.length).toBe(MESSAGES);

    // Every acknowledged message is in the log exactly once, at the seq it was acknowledged with.
    const { rows } = await pool.query<{ account: string; nonce: string; seq: number; n: number }>(
      "SELECT account, nonce, MIN(seq)::int AS seq, COUNT(*)::int AS n FROM engagement_log GROUP BY account, nonce",
    );
    const logged = new Map(rows.map((r) => [`${r.account}:${r.nonce}`, r]));
    for (const [key, seq] of acked) {
      expect(logged.get(key)?.n, key).toBe(1);
      expect(logged.get(key)?.seq, key).toBe(seq);
    }
    for (const { m } of duplicates) expect(logged.get(`${m.account}:${m.nonce}`)?.n).toBe(1);
    expect(rows.length).toBe(MESSAGES);

    // The replicas see every entry by sequence number, whichever writer appended it.
    const lastSeq = Math.max(...rows.map((r) => r.seq));
    for (const replica of [ports.r1, ports.r2])
      await waitFor(
        async () =>
          (await gql<{ indexerStatus: { logSize: number } }>(url(replica), "{ indexerStatus { logSize } }"))
            .indexerStatus.logSize === lastSeq,
        30_000,
        `replica ${replica} to see seq ${lastSeq}`,
      );

    // A stream cursor from replica 1 continues on replica 2: the same items, no repeats or gaps.
    const viewer = messages[0]?.account as string;
    const STREAM = (after: string | null, first: number) =>
      `{ stream(viewer: "${viewer}", first: ${first}${after ? `, after: "${after}"` : ""}) {
         edges { node { post { id } } } pageInfo { hasNextPage endCursor } } }`;
    type StreamPage = {
      stream: {
        edges: { node: { post: { id: string } } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const first = await gql<StreamPage>(url(ports.r1), STREAM(null, 2));
    const walked = first.stream.edges.map((e) => e.node.post.id);
    let cursor = first.stream.pageInfo.endCursor;
    let more = first.stream.pageInfo.hasNextPage;
    let hop = 0;
    while (more && cursor) {
      // Alternate replicas page after page.
      const page = await gql<StreamPage>(url(hop++ % 2 === 0 ? ports.r2 : ports.r1), STREAM(cursor, 2));
      walked.push(...page.stream.edges.map((e) => e.node.post.id));
      cursor = page.stream.pageInfo.endCursor;
      more = page.stream.pageInfo.hasNextPage;
    }
    expect(hop).toBeGreaterThan(0);
    expect(new Set(walked).size).toBe(walked.length);
    expect([...walked].sort()).toEqual(["1", "2", "3", "4", "5", "6"]);

    // The chain tables equal a fresh index of the same chain: no event applied twice, none lost.
    const head = Number(await world.node.publicClient.getBlockNumber());
    await waitFor(async () => (await checkpoint(pool)) >= head, 60_000, "writer B to reach the head");
    const freshUrl = await world.postgres.createDatabase("fresh");
    const fresh = start("fresh", "writer", ports.fresh, { AMP_DATABASE_URL: freshUrl });
    const freshPool = new pg.Pool({ connectionString: freshUrl });
    try {
      await waitFor(
        async () => (await checkpoint(freshPool).catch(() => -1)) >= head,
        120_000,
        "the fresh index",
      ).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}:\n${fresh.output().slice(-3000)}`);
      });
      for (const table of CHAIN_TABLES)
        expect(await tableRows(pool, table), table).toEqual(await tableRows(freshPool, table));
      const { rows: mints } = await pool.query<{ n: number }>(
        "SELECT COUNT(*)::int AS n FROM balances WHERE account LIKE '0x000000000000000000000000000000000000%'",
      );
      expect(mints[0]?.n).toBe(minted);
    } finally {
      await fresh.kill("SIGKILL");
      await freshPool.end();
    }
    console.log(
      `burst: ${acked.size} acknowledged, ${duplicates.length} duplicates on resend, ${stats.unavailable} WRITER_UNAVAILABLE answers retried; ${minted} mints during the burst`,
    );
  }, 600_000);
});
