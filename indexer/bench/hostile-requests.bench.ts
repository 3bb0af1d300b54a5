/**
 * How long one hostile GraphQL request can hold the API's event loop: the
 * attack set of `indexer/test/hostile.ts` (fragment fan-out, alias bombs,
 * logExport and introspection aliases, deep nesting, token floods, nested
 * pages, oversized bodies) plus the largest exports the limits allow, sent
 * over HTTP to the real handler on a 10,000- and a 100,000-entry log. A
 * request's block is the longest gap between 1 ms ticks while it is answered,
 * the median of five runs (on a shared machine the process is sometimes
 * descheduled, which no request causes); the figure is the worst request over
 * both log sizes. An ordinary posts page is measured the same way.
 */

import { storeApi } from "#test-kit/api.ts";
import { reportBench } from "#test-kit/bench.ts";
import { seedChain, wallets } from "#test-kit/helpers.ts";
import {
  blockMonitor,
  fillLog,
  type HostileRequest,
  hostileRequests,
  post,
  serve,
} from "#test-kit/hostile.ts";
import { chainStore } from "#test-kit/stores.ts";
import { createChunkedExport } from "../src/engagement/export-chunked.ts";
import { openDb } from "../src/store/db.ts";
import { inTempDir } from "./http-load.ts";

const SIZES = [10_000, 100_000];
const RUNS = 5;
const NORMAL: HostileRequest = {
  name: "posts page (ordinary)",
  body: JSON.stringify({
    query:
      "{ posts(first: 20) { edges { cursor node { id author text likes views topics community { name } } } } }",
  }),
};

async function measure(dir: string, size: number) {
  const db = openDb(`${dir}/log-${size}.sqlite`);
  await seedChain(chainStore(db), (wallets()[0] as { address: `0x${string}` }).address, 20);
  await fillLog(db, size);
  const api = storeApi(db, { exportLog: createChunkedExport(db) });
  const { url, server } = await serve(api);
  const monitor = blockMonitor();
  const runs = new Map<string, number[]>();
  try {
    const requests = [...hostileRequests(), NORMAL];
    for (const r of requests) await post(url, r); // warm-up
    for (let run = 0; run < RUNS; run++) {
      for (const r of requests) {
        monitor.start();
        const answer = await post(url, r);
        const blocked = monitor.read();
        if (answer.status >= 500) throw new Error(`${r.name}: HTTP ${answer.status}`);
        if (r !== NORMAL && !answer.body.errors?.[0]?.extensions?.code && !answer.body.data)
          throw new Error(`${r.name}: neither data nor a coded error`);
        runs.set(r.name, [...(runs.get(r.name) ?? []), blocked]);
      }
    }
  } finally {
    monitor.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    db.close();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return new Map([...runs].map(([name, xs]) => [name, median(xs)]));
}

async function main(dir: string) {
  let worstHostile = 0;
  let worstName = "";
  let normal = 0;
  for (const size of SIZES) {
    const worst = await measure(dir, size);
    console.log(`log of ${size} entries:`);
    for (const [name, ms] of [...worst].sort((a, b) => b[1] - a[1])) {
      console.log(`  ${ms.toFixed(1).padStart(7)} ms  ${name}`);
      if (name === NORMAL.name) normal = Math.max(normal, ms);
      else if (ms > worstHostile) {
        worstHostile = ms;
        worstName = `${name} (log of ${size})`;
      }
    }
  }
  console.log(`worst: ${worstName}`);
  reportBench("hostile-requests", import.meta.filename, {
    worstRequestBlockMs: { value: Math.round(worstHostile * 10) / 10, unit: "ms", target: "<= 50" },
    normalRequestBlockMs: { value: Math.round(normal * 10) / 10, unit: "ms" },
    hostileRequests: { value: hostileRequests().length, unit: "requests" },
  });
}

await inTempDir("amp-hostile-bench-", main);
