/**
 * Message intake throughput: valid signed messages (follows) from 400 accounts
 * sent over HTTP by 40 client addresses (127.0.0.x), 16 requests in flight,
 * to the real indexer wiring (group commit on a `synchronous = FULL` SQLite
 * file, the default intake quotas, signature recovery) served from a child
 * process. Every message must be acknowledged; the figure is acknowledged
 * messages per second in total. The same server answering a single account's
 * loop, one message at a time, is measured for comparison (its quota refuses
 * it past the burst).
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { join } from "node:path";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { encodeMessage, engagementDomain, engagementTypes } from "#protocol";
import { silentLogger } from "#protocol/logger.ts";
import { reportBench } from "#test-kit/bench.ts";
import { loadConfig } from "../src/config.ts";
import { createIndexer } from "../src/main.ts";
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

async function main(dir: string): Promise<void> {
  const t = performance.now();
  const messages = await signAll();
  console.log(`signed ${messages.length} messages in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await withServer<{ url: string; pid: number }>(
    import.meta.filename,
    { AMP_BENCH_SERVE: join(dir, "intake.sqlite") },
    [],
    async ({ url, pid }) => {
      const agents = Array.from(
        { length: CLIENTS },
        (_, i) => new Agent({ keepAlive: true, localAddress: `127.0.0.${10 + i}` }) as Agent,
      );
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
      let spamAcked = 0;
      let spamLimited = 0;
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
      reportBench("intake", import.meta.filename, {
        intakeMessagesPerSec: { value: Math.round(perSec), unit: "messages/s", target: ">= 1000" },
        intakeServerCpuMsPerMessage: { value: Math.round(cpuPerMessage * 100) / 100, unit: "ms" },
        intakeRefused: {
          value: [...refused.values()].reduce((a, b) => a + b, 0),
          unit: "messages",
          target: "<= 0",
        },
        singleAccountAcknowledged: { value: spamAcked, unit: "messages" },
        singleAccountRateLimited: { value: spamLimited, unit: "messages" },
      });
    },
  );
}

if (process.env.AMP_BENCH_SERVE) await serve(process.env.AMP_BENCH_SERVE);
else await inTempDir("amp-intake-bench-", main);
