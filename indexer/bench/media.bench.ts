/**
 * Image serving: a 1 MB PNG in the disk content store, served by the real HTTP entry (media
 * endpoint in front of GraphQL) in a child process, fetched over 10 keep-alive connections
 * for 10 s (node:http's native parser: autocannon's JS parser reads high-entropy bodies, such as
 * any compressed image, at about 40 MB/s and would measure itself). Reports requests/s, MB/s and latency, and, as a baseline measured in the same run,
 * the same bytes sent from memory by a bare node:http server in the same child.
 */
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { percentile, reportBench } from "#test-kit/bench.ts";
import { pngOfSize } from "#test-kit/images.ts";
import { engagementStore } from "#test-kit/stores.ts";
import { createHttpHandler } from "../src/api/http.ts";
import { createMediaHandler } from "../src/api/media-http.ts";
import { createApi } from "../src/api/yoga.ts";
import { createStoreAttentionService } from "../src/attention/store-service.ts";
import { exportLog } from "../src/engagement/export.ts";
import { createEngagementService } from "../src/engagement/submit.ts";
import { openDb } from "../src/store/db.ts";
import { createMediaStore } from "../src/store/media/content-store.ts";
import { createQueries } from "../src/store/queries.ts";
import { inTempDir, withServer } from "./http-load.ts";

const IMAGE_BYTES = 1024 * 1024;
const addr = (i: number) => `0x${(0x100000 + i).toString(16).padStart(40, "0")}`;

async function serve(dir: string): Promise<void> {
  const db = openDb(join(dir, "bench.sqlite"));
  const store = createMediaStore(db, { dir: join(dir, "media") });
  const image = pngOfSize(IMAGE_BYTES);
  const { record } = store.put(image);
  const queries = createQueries(db);
  const now = () => Math.floor(Date.now() / 1000);
  const yoga = createApi({
    queries,
    exportLog: (from, to) => exportLog(db, from, to),
    engagement: createEngagementService({
      store: engagementStore(db),
      chainId: 31337,
      verifyingContract: addr(2) as never,
      now,
    }),
    attention: createStoreAttentionService({ queries }),
    chainId: 31337,
    deployment: {
      chainId: 31337,
      startBlock: 0,
      contracts: { AMPToken: addr(1), AMPSocial: addr(2), AMPEscrow: addr(3) },
    } as never,
    now,
    corsOrigins: [],
    graphiql: false,
    limits: { maxDepth: 10, maxCost: 5000 },
  });
  const server = createServer(
    createHttpHandler(yoga, { corsOrigins: [], media: createMediaHandler({ store, corsOrigins: [] }) }),
  );
  const bare = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "image/png", "content-length": String(image.length) }).end(image);
  });
  for (const s of [server, bare]) {
    s.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  }
  const port = (s: typeof server) => (s.address() as AddressInfo).port;
  console.log(
    `ready ${JSON.stringify({
      url: `http://127.0.0.1:${port(server)}/media/${record.hash}`,
      baseline: `http://127.0.0.1:${port(bare)}/`,
      size: record.size,
    })}`,
  );
}

/** GETs `url` on 10 keep-alive connections for `seconds`; any non-200 answer fails the run. */
async function get(url: string, seconds: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 10 });
  const latencies: number[] = [];
  let bytes = 0;
  const until = performance.now() + seconds * 1000;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const t = performance.now();
      request(url, { agent }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}`));
        res.on("data", (c: Buffer) => {
          bytes += c.length;
        });
        res.on("end", () => {
          latencies.push(performance.now() - t);
          resolve();
        });
      })
        .on("error", reject)
        .end();
    });
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (performance.now() < until) await one();
    }),
  );
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / seconds,
    mbps: bytes / (1024 * 1024) / seconds,
    p50: Math.round(percentile(latencies, 50)),
    p99: Math.round(percentile(latencies, 99)),
  };
}

async function main(dir: string): Promise<void> {
  await withServer<{ url: string; baseline: string; size: number }>(
    import.meta.filename,
    { AMP_BENCH_SERVE: dir },
    [],
    async (ready) => {
      const res = await fetch(ready.url);
      const body = Buffer.from(await res.arrayBuffer());
      if (res.headers.get("content-type") !== "image/png" || body.length !== ready.size)
        throw new Error(`bad answer: ${res.status} ${res.headers.get("content-type")} ${body.length} bytes`);
      await get(ready.url, 2);
      const media = await get(ready.url, 10);
      const bare = await get(ready.baseline, 5);
      console.log(
        `GET /media (${ready.size} bytes): ${Math.round(media.rps)} req/s (${media.mbps.toFixed(0)} MB/s), p99 ${media.p99} ms; bare node:http from memory ${Math.round(bare.rps)} req/s`,
      );
      reportBench("media", import.meta.filename, {
        throughput: {
          value: Math.round(media.rps),
          unit: "req/s",
          target: ">= 200",
          baseline: Math.round(bare.rps),
        },
        bandwidth: { value: Math.round(media.mbps), unit: "MB/s" },
        p50: { value: media.p50, unit: "ms" },
        p99: { value: media.p99, unit: "ms" },
        "bare node:http (baseline)": { value: Math.round(bare.rps), unit: "req/s" },
        "image size": { value: ready.size, unit: "bytes" },
      });
    },
  );
}

if (process.env.AMP_BENCH_SERVE) await serve(process.env.AMP_BENCH_SERVE);
else await inTempDir("amp-media-bench-", main);
