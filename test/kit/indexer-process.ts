/**
 * `indexer/src/main.ts` as a real child process with a role (`--role
 * writer|api|all`), its JSON log lines parsed as they arrive, for the
 * failover test and benchmark: wait for a line, kill the process (SIGKILL
 * for a crash), read what it wrote.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { AmpError } from "#protocol";

const ROOT = join(import.meta.dirname, "..", "..");

export class IndexerProcessError extends AmpError {
  override name = "IndexerProcessError";
  constructor(shortMessage: string, details?: string) {
    super("INDEXER_PROCESS", shortMessage, { details });
  }
}

export interface LogLine {
  msg: string;
  level: number;
  /** When the process logged it (ISO 8601, its clock: this machine's). */
  time: string;
  /** When the line reached this process (ms, performance.now()). */
  seenAt: number;
  [field: string]: unknown;
}

export interface IndexerProcess {
  name: string;
  child: ChildProcess;
  lines: LogLine[];
  /** The first line (already seen or to come) whose msg matches; rejects when the process exits first. */
  waitFor(msg: RegExp, timeoutMs?: number): Promise<LogLine>;
  /** Raw output tail (stdout and stderr), for failure messages. */
  output(): string;
  exited: Promise<number | null>;
  alive(): boolean;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnIndexer(
  name: string,
  role: "writer" | "api" | "all",
  env: Record<string, string>,
): IndexerProcess {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(ROOT, "indexer", "src", "main.ts"), "--role", role],
    {
      cwd: ROOT,
      env: { ...process.env, AMP_LOG_FORMAT: "json", AMP_LOG_LEVEL: "info", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lines: LogLine[] = [];
  const waiters = new Set<{ msg: RegExp; resolve: (l: LogLine) => void }>();
  let tail = "";
  // The logger may write to either stream: lines are read from both.
  const reader = () => {
    let partial = "";
    return (d: Buffer) => {
      const text = String(d);
      tail = (tail + text).slice(-20_000);
      partial += text;
      const parts = partial.split("\n");
      partial = parts.pop() ?? "";
      const seenAt = performance.now();
      for (const raw of parts) {
        if (!raw.startsWith("{")) continue;
        let line: LogLine;
        try {
          line = { ...(JSON.parse(raw) as LogLine), seenAt };
        } catch {
          continue;
        }
        lines.push(line);
        for (const w of waiters)
          if (w.msg.test(line.msg)) {
            waiters.delete(w);
            w.resolve(line);
          }
      }
    };
  };
  child.stdout?.on("data", reader());
  child.stderr?.on("data", reader());
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    child,
    lines,
    output: () => tail,
    exited,
    alive,
    waitFor(msg, timeoutMs = 60_000) {
      const seen = lines.find((l) => msg.test(l.msg));
      if (seen) return Promise.resolve(seen);
      return new Promise<LogLine>((resolve, reject) => {
        const waiter = {
          msg,
          resolve: (l: LogLine) => {
            clearTimeout(timer);
            resolve(l);
          },
        };
        const fail = (why: string) => {
          waiters.delete(waiter);
          reject(
            new IndexerProcessError(`${name}: ${why} before a log line matching ${msg}`, tail.slice(-4000)),
          );
        };
        const timer = setTimeout(() => fail(`no line in ${timeoutMs} ms`), timeoutMs);
        waiters.add(waiter);
        void exited.then((code) => {
          if (waiters.has(waiter)) {
            clearTimeout(timer);
            fail(`exited (${code ?? child.signalCode})`);
          }
        });
      });
    },
    async kill(signal = "SIGTERM") {
      if (!alive()) return;
      child.kill(signal);
      const forced = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(forced);
    },
  };
}
