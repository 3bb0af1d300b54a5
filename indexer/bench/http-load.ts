/**
 * What the HTTP benchmarks share: the server runs in a child process (the same
 * file, told to serve), so the load generator does not share its thread, and
 * autocannon drives it with 10 connections cycling over prepared JSON bodies.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
// @ts-expect-error autocannon ships no type declarations
import autocannon from "autocannon";
import { engagementStore } from "#test-kit/stores.ts";
import { createHttpHandler } from "../src/api/http.ts";
import { createApi } from "../src/api/yoga.ts";
import { createStoreAttentionService } from "../src/attention/store-service.ts";
import { exportLog } from "../src/engagement/export.ts";
import { createEngagementService } from "../src/engagement/submit.ts";
import type { Db } from "../src/store/db.ts";
import type { Queries } from "../src/store/queries.ts";

const addr = (i: number) => `0x${(0x100000 + i).toString(16).padStart(40, "0")}`;

/** CPU seconds (user + system) process `pid` has used so far (Linux: /proc/<pid>/stat). */
export function processCpuSeconds(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (in parentheses): utime and stime are fields 14 and 15.
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  if (!ticksPerSecond) ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));
  return (Number(f[11]) + Number(f[12])) / ticksPerSecond;
}
let ticksPerSecond = 0;

/**
 * Starts `file` in a child process with `env`, runs `fn` with the JSON the child prints after
 * `ready ` (its other output lines are passed on) and the child's pid, and stops the child
 * however `fn` ends.
 */
export async function withServer<T>(
  file: string,
  env: Record<string, string>,
  nodeArgs: string[],
  fn: (ready: T, pid: number) => Promise<void>,
): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", ...nodeArgs, file], {
    env: { ...process.env, ...env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const ready = await new Promise<T>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      lines.on("line", (l) => {
        if (l.startsWith("ready ")) resolve(JSON.parse(l.slice(6)) as T);
        else console.log(l);
      });
      child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    });
    await fn(ready, child.pid as number);
  } finally {
    child.kill("SIGTERM");
  }
}

/** Runs `fn` with a fresh temporary folder, removed afterwards whatever happens. */
export async function inTempDir(prefix: string, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  total: number;
}

/** POSTs the bodies round-robin on 10 connections for `seconds`; any non-2xx answer or error fails the run. */
export async function load(url: string, bodies: string[], seconds: number): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: 10,
    duration: seconds,
    requests: bodies.map((body) => ({
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    })),
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
  return {
    rps: result.requests.average as number,
    p50: result.latency.p50 as number,
    p99: result.latency.p99 as number,
    total: result.requests.total as number,
  };
}

/** The store-backed GraphQL API (no chain) on a free 127.0.0.1 port, for load benchmarks. */
export async function listenStoreApi(db: Db, queries: Queries, now: () => number): Promise<Server> {
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
  const server = createServer(createHttpHandler(yoga, { corsOrigins: [] }));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return server;
}
