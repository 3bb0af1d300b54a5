/**
 * Starts the README's run command (`npm start`) as a child process on its own
 * ports and data folder, waits until it reports ready, and stops it the way a
 * person does, with Ctrl-C (SIGINT to the whole process group).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Deployment } from "#protocol";

export interface RunningNetwork {
  rpcUrl: string;
  graphqlUrl: string;
  webUrl: string;
  deployment: Deployment;
  pids: number[];
  world: { people: string[]; communities: string[]; campaigns: string[] };
  dataDir: string;
  child: ChildProcess;
  output: () => string;
  ports: { rpc: number; graphql: number; web: number };
}

const root = join(import.meta.dirname, "..", "..");

export async function startNetwork(basePort: number, timeoutMs = 15 * 60_000): Promise<RunningNetwork> {
  const dataDir = mkdtempSync(join(tmpdir(), "amp-network-"));
  // AMP_E2E_PORT_OFFSET moves every port, so that two checkouts can run the suite side by side.
  const base = basePort + Number(process.env.AMP_E2E_PORT_OFFSET ?? 0);
  const ports = { rpc: base, graphql: base + 1, web: base + 2 };
  let output = "";
  const child = spawn("npm", ["start"], {
    cwd: root,
    env: {
      ...process.env,
      AMP_DATA_DIR: dataDir,
      AMP_RPC_PORT: String(ports.rpc),
      AMP_GRAPHQL_PORT: String(ports.graphql),
      AMP_WEB_PORT: String(ports.web),
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const readyFile = join(dataDir, "network.json");
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(readyFile)) {
    if (child.exitCode !== null)
      throw new Error(`npm start exited with ${child.exitCode}:\n${output.slice(-4000)}`);
    if (Date.now() > deadline) {
      await stopNetworkGroup(child);
      throw new Error(`npm start was not ready in time:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const ready = JSON.parse(readFileSync(readyFile, "utf8"));
  return { ...ready, dataDir, child, output: () => output, ports };
}

/** Ctrl-C: SIGINT to the foreground process group; resolves with the exit code. */
export async function stopNetworkGroup(child: ChildProcess, timeoutMs = 30_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const signal = (name: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, name);
    } catch {
      // the group is gone already
    }
  };
  signal("SIGINT");
  const timer = setTimeout(() => signal("SIGKILL"), timeoutMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `probe` every second until it returns a truthy value (errors count as not yet). */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 180_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
