/**
 * Message intake throughput: valid signed messages (follows) from 400 accounts
 * sent over HTTP by 40 client addresses (127.0.0.x), 16 requests in flight,
 * to the real indexer wiring (the Kysely group commit on a SQLite file, its
 * WAL fsync'd before each acknowledgement, the default intake quotas,
 * signature recovery) served from a child
 * process. Every message must be acknowledged; the figure is acknowledged
 * messages per second in total. The same server answering a single account's
 * loop, one message at a time, is measured for comparison (its quota refuses
 * it past the burst).
 *
 * The same load is then sent to intake on PostgreSQL (a throwaway server, fsync
 * and synchronous_commit on): the GraphQL API and HTTP handler as the indexer
 * serves them, the engagement service and the PostgreSQL group commit
 * (`createIntakeWriter`), every acknowledgement after COMMIT.
 */
import { readFileSync } from "node:fs";
import { Agent, createServer, request } from "node:http";
import { join } from "node:path";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { encodeMessage, engagementDomain, engagementTypes } from "#protocol";
import { silentLogger } from "#protocol/logger.ts";
import { reportBench } from "#test-kit/bench.ts";
import { startPostgres } from "#test-kit/postgres.ts";
import { createHttpHandler } from "../src/api/http.ts";
import { createApi } from "../src/api/yoga.ts";
import { createStoreAttentionService } from "../src/attention/store-service.ts";
import { loadConfig } from "../src/config.ts";
import { createIntakeWriter } from "../src/engagement/group-commit.ts";
import { createEngagementService } from "../src/engagement/submit.ts";
import { createIndexer } from "../src/main.ts";
import { openDb } from "../src/store/db.ts";
import { openPostgres } from "../src/store/engine/engine.ts";
import { createQueries } from "../src/store/queries.ts";
import { inTempDir, withServer } from "./http-load.ts";

const SOCIAL = "0x5fbdb2315678afecb367f032d93f642f64180aa3" as const;
const ACCOUNTS = 400;
const PER_ACCOUNT = 25;
const CLIENTS = 40;
const IN_FLIGHT = 16;
const MUTATION =
  "mutation($k: MessageKind!, $m: String!, $s: String!) { submitMessage(kind: $k, message: $m, signature: $s) { seq } }";

async function serve(dbPath: string): Promise<void> {
  const config = loadConfig(
    {
      rpcUrl: "http://127.0.0.1:9",
      chainId: 31337,
      deployment: {
        chainId: 31337,
        startBlock: 0,
        contracts: { AMPToken: SOCIAL, AMPSocial: SOCIAL, AMPEscrow: SOCIAL },
      },
      dbPath,
      port: 0,
      attention: "store",
    },
    { env: {} },
  );
  const indexer = createIndexer(config, { logger: silentLogger() });
  const { url } = await indexer.start({ follow: false });
  console.log(`ready ${JSON.stringify({ url, pid: process.pid })}`);
}

/** Intake on PostgreSQL at `databaseUrl` behind the indexer's API and HTTP handler (the chain is not followed). */
async function servePostgres(databaseUrl: string, dbPath: string): Promise<void> {
  const engine = await openPostgres(databaseUrl);
  const writer = createIntakeWriter(engine);
  // The mutation reads nothing else; the API's read side needs a store, an empty one here.
  const queries = createQueries(openDb(dbPath));
  const now = () => Math.floor(Date.now() / 1000);
  const yoga = createApi({
    queries,
    exportLog: () => ({ ndjson: "", hash: "0x", count: 0 }),
    engagement: createEngagementService({
      store: writer.store,
      append: writer.append,
      chainId: 31337,
      verifyingContract: SOCIAL,
    }),
    attention: createStoreAttentionService({ queries }),
    chainId: 31337,
    deployment: {
      chainId: 31337,
      startBlock: 0,
      contracts: { AMPToken: SOCIAL, AMPSocial: SOCIAL, AMPEscrow: SOCIAL },
    },
    now,
    corsOrigins: [],
    graphiql: false,
    limits: { maxDepth: 10, maxCost: 5000 },
  });
  const server = createServer(createHttpHandler(yoga, { corsOrigins: [] }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as { port: number };
  console.log(`ready ${JSON.stringify({ url: `http://127.0.0.1:${port}/graphql`, pid: process.pid })}`);
}

async function signAll(): Promise<Array<{ body: string; client: number }>> {
  const keys = Array.from({ length: ACCOUNTS }, () => privateKeyToAccount(generatePrivateKey()));
  const now = BigInt(Math.floor(Date.now() / 1000));
  const domain = engagementDomain(31337, SOCIAL);
  const out: Array<{ body: string; client: number }> = [];
  for (let n = 0; n < PER_ACCOUNT; n++) {
    for (const [i, account] of keys.entries()) {
      const target = (keys[(i + n + 1) % ACCOUNTS] as typeof account).address;
      const message = {
        account: account.address,
        target,
        follow: true,
        timestamp: now,
        nonce: BigInt(n + 1),
      };
      const signature: Hex = await account.signTypedData({
        domain,
        types: engagementTypes,
        primaryType: "Follow",
        message,
      });
      out.push({
        body: JSON.stringify({
          query: MUTATION,
          variables: { k: "Follow", m: encodeMessage(message), s: signature },
        }),
        client: i % CLIENTS,
      });
    }
  }
  return out;
}

function send(url: string, body: string, agent: Agent): Promise<{ ok: boolean; code?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", agent, headers: { "content-type": "application/json" } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const answer = JSON.parse(Buffer.concat(chunks).toString()) as {
            data?: unknown;
            errors?: Array<{ extensions?: { code?: string } }>;
          };
          resolve({ ok: !answer.errors, code: answer.errors?.[0]?.extensions?.code });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** CPU time (user + system, every thread) a process has used, from /proc. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

interface Burst {
  perSec: number;
  cpuPerMessage: number;
  refused: Map<string, number>;
}

/** Sends every message, 16 in flight from 40 client addresses; acknowledged messages per second. */
async function burst(
  url: string,
  pid: number,
  messages: Array<{ body: string; client: number }>,
  agents: Agent[],
): Promise<Burst> {
  let next = 0;
  let acked = 0;
  const refused = new Map<string, number>();
  const started = performance.now();
  const cpu0 = cpuMs(pid);
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < messages.length) {
        const m = messages[next++] as { body: string; client: number };
        const r = await send(url, m.body, agents[m.client] as Agent);
        if (r.ok) acked++;
        else refused.set(r.code ?? "?", (refused.get(r.code ?? "?") ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuPerMessage = (cpuMs(pid) - cpu0) / messages.length;
  console.log(`server CPU: ${cpuPerMessage.toFixed(2)} ms per message (all its threads)`);
  const perSec = acked / seconds;
  console.log(
    `${acked} of ${messages.length} acknowledged in ${seconds.toFixed(2)} s: ${Math.round(perSec)} messages/s`,
  );
  if (refused.size) console.log(`refused: ${JSON.stringify(Object.fromEntries(refused))}`);
  return { perSec, cpuPerMessage, refused };
}

const clientAgents = () =>
  Array.from(
    { length: CLIENTS },
    (_, i) => new Agent({ keepAlive: true, localAddress: `127.0.0.${10 + i}` }) as Agent,
  );

async function main(dir: string): Promise<void> {
  const t = performance.now();
  const messages = await signAll();
  console.log(`signed ${messages.length} messages in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  let sqlite: Burst | null = null;
  let spamAcked = 0;
  let spamLimited = 0;
  console.log("SQLite (the indexer as started by npm start):");
  await withServer<{ url: string; pid: number }>(
    import.meta.filename,
    { AMP_BENCH_SERVE: join(dir, "intake.sqlite") },
    [],
    async ({ url, pid }) => {
      const agents = clientAgents();
      sqlite = await burst(url, pid, messages, agents);
      // One account's loop from one client: acknowledged up to its burst, then RATE_LIMITED.
      const [spam] = await (async () => {
        const key = privateKeyToAccount(generatePrivateKey());
        const now = BigInt(Math.floor(Date.now() / 1000));
        const bodies: string[] = [];
        for (let n = 0; n < 300; n++) {
          const message = {
            account: key.address,
            target: SOCIAL,
            follow: n % 2 === 0,
            timestamp: now,
            nonce: BigInt(n + 1),
          };
          const s = await key.signTypedData({
            domain: engagementDomain(31337, SOCIAL),
            types: engagementTypes,
            primaryType: "Follow",
            message,
          });
          bodies.push(
            JSON.stringify({ query: MUTATION, variables: { k: "Follow", m: encodeMessage(message), s } }),
          );
        }
        return [bodies];
      })();
      const agent = new Agent({ keepAlive: true, localAddress: "127.0.0.200" }) as Agent;
      const s0 = performance.now();
      for (const body of spam) {
        const r = await send(url, body, agent);
        if (r.ok) spamAcked++;
        else if (r.code === "RATE_LIMITED") spamLimited++;
      }
      const spamSeconds = (performance.now() - s0) / 1000;
      console.log(
        `one account's loop: ${spamAcked} acknowledged, ${spamLimited} RATE_LIMITED in ${spamSeconds.toFixed(2)} s`,
      );
      for (const a of [...agents, agent]) a.destroy();
    },
  );
  console.log("PostgreSQL:");
  const pg = await startPostgres();
  let postgres: Burst | null = null;
  try {
    const databaseUrl = await pg.createDatabase();
    await withServer<{ url: string; pid: number }>(
      import.meta.filename,
      { AMP_BENCH_SERVE: join(dir, "intake-reads.sqlite"), AMP_BENCH_DATABASE_URL: databaseUrl },
      [],
      async ({ url, pid }) => {
        const agents = clientAgents();
        postgres = await burst(url, pid, messages, agents);
        for (const a of agents) a.destroy();
      },
    );
  } finally {
    await pg.stop();
  }
  const s = sqlite as Burst | null;
  const p = postgres as Burst | null;
  if (!s || !p) throw new Error("intake bench: a run did not finish");
  const refusedCount = (b: Burst) => [...b.refused.values()].reduce((x, y) => x + y, 0);
  reportBench("intake", import.meta.filename, {
    intakeMessagesPerSec: { value: Math.round(s.perSec), unit: "messages/s", target: ">= 1000" },
    intakeServerCpuMsPerMessage: { value: Math.round(s.cpuPerMessage * 100) / 100, unit: "ms" },
    intakeRefused: { value: refusedCount(s), unit: "messages", target: "<= 0" },
    singleAccountAcknowledged: { value: spamAcked, unit: "messages" },
    singleAccountRateLimited: { value: spamLimited, unit: "messages" },
    intakeMessagesPerSecPostgres: { value: Math.round(p.perSec), unit: "messages/s", target: ">= 1000" },
    intakeServerCpuMsPerMessagePostgres: { value: Math.round(p.cpuPerMessage * 100) / 100, unit: "ms" },
    intakeRefusedPostgres: { value: refusedCount(p), unit: "messages", target: "<= 0" },
  });
}

if (process.env.AMP_BENCH_SERVE && process.env.AMP_BENCH_DATABASE_URL)
  await servePostgres(process.env.AMP_BENCH_DATABASE_URL, process.env.AMP_BENCH_SERVE);
else if (process.env.AMP_BENCH_SERVE) await serve(process.env.AMP_BENCH_SERVE);
else await inTempDir("amp-intake-bench-", main);
