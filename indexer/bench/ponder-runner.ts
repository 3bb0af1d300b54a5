/**
 * The two indexers of the ponder-sync benchmark as child processes: this
 * indexer (`indexer/src/main.ts`, SQLite) and Ponder 1.0 (`ponder start` of
 * the project in indexer/bench/ponder, its embedded PGlite database). Each is
 * timed from spawn until its own HTTP API says it has indexed the head block.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const PONDER_DIR = join(import.meta.dirname, "ponder");
const ROOT = join(import.meta.dirname, "..", "..");
const INSTALLED_MARK = join(PONDER_DIR, "node_modules", ".amp-lock-sha256");

export interface SyncRun {
  /** Spawn to caught up, in seconds. */
  seconds: number;
  /** Spawn to the first answer of the process's HTTP server, in seconds. */
  bootSeconds: number;
  /** Last lines the process wrote (for failures). */
  output(): string;
}

/** Installs the Ponder project's locked dependencies when they are missing or older than the lock file. */
export function ensurePonderInstall(log: (line: string) => void): void {
  const lock = readFileSync(join(PONDER_DIR, "package-lock.json"));
  const sha = createHash("sha256").update(lock).digest("hex");
  if (existsSync(INSTALLED_MARK) && readFileSync(INSTALLED_MARK, "utf8") === sha) return;
  log("installing the Ponder project (npm ci in indexer/bench/ponder)");
  // npm runs on this Node (22): Ponder's native and engine-gated packages are chosen for it.
  const npmCli = process.env.npm_execpath;
  const [cmd, args] = npmCli?.endsWith(".js")
    ? [process.execPath, [npmCli, "ci", "--no-audit", "--no-fund"]]
    : ["npm", ["ci", "--no-audit", "--no-fund"]];
  const run = spawnSync(cmd, args, { cwd: PONDER_DIR, stdio: "inherit" });
  if (run.status !== 0) throw new Error(`ponder bench: npm ci failed (${run.status ?? run.signal})`);
  writeFileSync(INSTALLED_MARK, sha);
}

interface Started {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function start(cmd: string, args: string[], cwd: string, env: Record<string, string>): Started {
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let tail = "";
  const keep = (d: Buffer) => {
    tail = (tail + String(d)).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    output: () => tail,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        child.kill("SIGTERM");
      }
      const killed = setTimeout(() => {
        try {
          if (child.pid) process.kill(-child.pid, "SIGKILL");
        } catch {}
      }, 10_000);
      await exited;
      clearTimeout(killed);
    },
  };
}

/** Polls `probe` every 50 ms until it returns true; `booted` is called at its first answer. */
async function until(
  started: Started,
  timeoutMs: number,
  probe: () => Promise<boolean | null>,
  booted: () => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let answered = false;
  for (;;) {
    if (started.child.exitCode !== null) {
      throw new Error(`process exited with ${started.child.exitCode}:\n${started.output().slice(-4000)}`);
    }
    let done: boolean | null = null;
    try {
      done = await probe();
    } catch {
      done = null;
    }
    if (done !== null && !answered) {
      answered = true;
      booted();
    }
    if (done) return;
    if (Date.now() > deadline) throw new Error(`timed out:\n${started.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface IndexerHandle extends SyncRun {
  stop(): Promise<void>;
}

/** `npm run indexer` on its own data folder, until indexerStatus.latestBlock reaches `head`. */
export async function runAmpIndexer(options: {
  rpcUrl: string;
  deploymentFile: string;
  dbPath: string;
  dataDir: string;
  port: number;
  head: number;
  timeoutMs: number;
}): Promise<IndexerHandle> {
  const t0 = performance.now();
  const started = start(
    process.execPath,
    ["--import", "tsx", join(ROOT, "indexer", "src", "main.ts")],
    ROOT,
    {
      AMP_RPC_URL: options.rpcUrl,
      AMP_CHAIN_ID: "31337",
      AMP_DEPLOYMENT_FILE: options.deploymentFile,
      AMP_DB_PATH: options.dbPath,
      AMP_DATA_DIR: options.dataDir,
      AMP_MEDIA_DIR: join(options.dataDir, "media"),
      AMP_HOST: "127.0.0.1",
      AMP_PORT: String(options.port),
      AMP_POLL_INTERVAL_MS: "100",
      AMP_LOG_FORMAT: "json",
      AMP_LOG_LEVEL: "warn",
    },
  );
  let bootSeconds = 0;
  try {
    const url = `http://127.0.0.1:${options.port}/graphql`;
    await until(
      started,
      options.timeoutMs,
      async () => {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: "{ indexerStatus { latestBlock } }" }),
        });
        const body = (await res.json()) as { data?: { indexerStatus: { latestBlock: number } } };
        return (body.data?.indexerStatus.latestBlock ?? -1) >= options.head;
      },
      () => {
        bootSeconds = (performance.now() - t0) / 1000;
      },
    );
  } catch (error) {
    await started.stop();
    throw new Error(`amp indexer: ${(error as Error).message}`);
  }
  return {
    seconds: (performance.now() - t0) / 1000,
    bootSeconds,
    output: started.output,
    stop: started.stop,
  };
}

export interface PonderHandle extends SyncRun {
  /** Row counts per table of ponder.schema.ts (by its export name). */
  counts(): Promise<Record<string, number>>;
  /** Events the indexing functions completed, per `Contract:Event`. */
  events(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/** `ponder start` with a fresh PGlite folder, until /status shows `head` indexed and /ready says ready. */
export async function runPonder(options: {
  rpcUrl: string;
  deploymentFile: string;
  dbDir: string;
  port: number;
  head: number;
  timeoutMs: number;
}): Promise<PonderHandle> {
  const t0 = performance.now();
  const started = start(
    process.execPath,
    [
      join(PONDER_DIR, "node_modules", "ponder", "dist", "esm", "bin", "ponder.js"),
      "start",
      "--schema",
      "amp",
      "--port",
      String(options.port),
      "--hostname",
      "127.0.0.1",
      "--log-format",
      "json",
      "--log-level",
      "warn",
    ],
    PONDER_DIR,
    {
      AMP_RPC_URL: options.rpcUrl,
      AMP_DEPLOYMENT_FILE: options.deploymentFile,
      AMP_PONDER_DB_DIR: options.dbDir,
      PONDER_TELEMETRY_DISABLED: "true",
      NODE_ENV: "production",
    },
  );
  const base = `http://127.0.0.1:${options.port}`;
  let bootSeconds = 0;
  try {
    await until(
      started,
      options.timeoutMs,
      async () => {
        const res = await fetch(`${base}/status`);
        if (!res.ok) return false;
        const status = (await res.json()) as Record<
          string,
          { ready: boolean; block: { number: number } | null }
        > | null;
        const local = status?.local;
        if (!local?.ready || (local.block?.number ?? -1) < options.head) return false;
        return (await fetch(`${base}/ready`)).status === 200;
      },
      () => {
        bootSeconds = (performance.now() - t0) / 1000;
      },
    );
  } catch (error) {
    await started.stop();
    throw new Error(`ponder: ${(error as Error).message}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    seconds,
    bootSeconds,
    output: started.output,
    stop: started.stop,
    async counts() {
      const res = await fetch(`${base}/counts`);
      if (!res.ok) throw new Error(`ponder: /counts answered ${res.status}`);
      return (await res.json()) as Record<string, number>;
    },
    async events() {
      const text = await (await fetch(`${base}/metrics`)).text();
      const out: Record<string, number> = {};
      for (const m of text.matchAll(/^ponder_indexing_completed_events\{event="([^"]+)"\} (\d+)/gm)) {
        out[m[1] as string] = Number(m[2]);
      }
      return out;
    },
  };
}
