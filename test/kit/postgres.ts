/**
 * A throwaway PostgreSQL server for tests and benchmarks, from Debian's
 * `postgresql` package (scripts/ensure-postgres.sh installs it): a fresh data
 * folder in the OS temp dir, trust authentication, listening on 127.0.0.1
 * only (and a unix socket inside the folder), a free port, fsync on. The
 * server refuses to run as root, so as root it runs as the `postgres` system
 * user. `stop()` shuts it down and deletes the folder; a process that exits
 * without calling it still stops the server (an exit hook).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { AmpError } from "#protocol";

export class PostgresTestServerError extends AmpError {
  override name = "PostgresTestServerError";
  constructor(shortMessage: string, details?: string, cause?: unknown) {
    super("POSTGRES_TEST_SERVER", shortMessage, { details, cause });
  }
}

export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  /** URL of a database on this server (default `postgres`). */
  url(database?: string): string;
  /** Creates an empty database (a fresh name unless given) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /**
   * CPU seconds (user + system) the server's processes have used so far: the postmaster, its
   * live children (backends, WAL writer, checkpointer, ...) and the children it has reaped.
   * Benchmarks take the difference over a run. Linux only (reads /proc).
   */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

let ticksPerSecond = 0;
/** utime, stime, cutime, cstime and ppid of a process from /proc/<pid>/stat (null once it is gone). */
function procTimes(pid: number): { ppid: number; own: number; reaped: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // Fields after the command name (which may hold spaces) in parentheses: state is field 3.
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const n = (i: number) => Number(f[i - 3]);
  return { ppid: n(4), own: n(14) + n(15), reaped: n(16) + n(17) };
}

function serverCpuSeconds(data: string): number {
  if (!ticksPerSecond) ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));
  const postmaster = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  const root = procTimes(postmaster);
  if (!root) throw new PostgresTestServerError(`the server (pid ${postmaster}) is not running`);
  let ticks = root.own + root.reaped;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const child = procTimes(Number(entry));
    if (child?.ppid === postmaster) ticks += child.own;
  }
  return ticks / ticksPerSecond;
}

const USER = "amp";

/** The folder holding initdb and pg_ctl: AMP_PG_BIN, else the newest /usr/lib/postgresql/N/bin. */
export function postgresBinDir(): string {
  const env = process.env.AMP_PG_BIN;
  if (env) return env;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (!newest)
    throw new PostgresTestServerError(
      "PostgreSQL server binaries not found",
      "run scripts/ensure-postgres.sh (apt-get install postgresql) or set AMP_PG_BIN",
    );
  return join(root, newest, "bin");
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const asRoot = () => process.getuid?.() === 0;

/** Runs a server binary, as the `postgres` user when we are root. */
function runPg(bin: string, args: string[]): void {
  const [cmd, argv] = asRoot() ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  const run = spawnSync(cmd, argv, { encoding: "utf8" });
  if (run.status !== 0)
    throw new PostgresTestServerError(
      `${bin} failed (${run.status ?? run.signal})`,
      `${run.stderr}${run.stdout}`.trim(),
      run.error,
    );
}

const live = new Set<() => void>();
let hooked = false;
function onExit(stop: () => void): () => void {
  live.add(stop);
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      for (const s of live) s();
    });
  }
  return () => live.delete(stop);
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), "amp-pg-"));
  if (asRoot()) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  const log = join(dir, "server.log");
  const pgCtl = join(bin, "pg_ctl");
  try {
    runPg(join(bin, "initdb"), [
      "-D",
      data,
      "-A",
      "trust",
      "-U",
      USER,
      "-E",
      "UTF8",
      "--locale=C",
      "--no-instructions",
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      "-c listen_addresses=127.0.0.1",
      "-c fsync=on",
      "-c max_connections=50",
    ].join(" ");
    try {
      runPg(pgCtl, ["-D", data, "-o", options, "-l", log, "-w", "-t", "60", "start"]);
      break;
    } catch (error) {
      // Another process may have taken the port between the probe and the start.
      if (attempt >= 3) {
        const text = existsSync(log) ? readFileSync(log, "utf8") : "";
        rmSync(dir, { recursive: true, force: true });
        throw new PostgresTestServerError("PostgreSQL did not start", text.slice(-2000), error);
      }
    }
  }
  const host = "127.0.0.1";
  const url = (database = "postgres") => `postgres://${USER}@${host}:${port}/${database}`;
  let stopped = false;
  const stopNow = (mode: "fast" | "immediate") => {
    if (stopped) return;
    stopped = true;
    const [cmd, argv] = asRoot()
      ? ["runuser", ["-u", "postgres", "--", pgCtl, "-D", data, "-m", mode, "-w", "stop"]]
      : [pgCtl, ["-D", data, "-m", mode, "-w", "stop"]];
    spawnSync(cmd, argv, { stdio: "ignore" });
    rmSync(dir, { recursive: true, force: true });
  };
  const unhook = onExit(() => stopNow("immediate"));
  let counter = 0;
  return {
    host,
    port,
    user: USER,
    url,
    async createDatabase(name) {
      const db = name ?? `amp_test_${process.pid}_${++counter}`;
      if (!/^[a-z_][a-z0-9_]*$/.test(db))
        throw new PostgresTestServerError(`bad database name ${JSON.stringify(db)}`);
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${db}`);
      } finally {
        await client.end();
      }
      return url(db);
    },
    cpuSeconds: () => serverCpuSeconds(data),
    async stop() {
      unhook();
      stopNow("fast");
    },
  };
}
