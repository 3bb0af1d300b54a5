/**
 * A small supervisor for the local network: starts child processes with a
 * prefixed log, waits for them to be ready, and stops every one of them (and
 * their children) on Ctrl-C, on SIGTERM and when the parent exits.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { AmpError } from "#protocol";

export interface Service {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

const running: Service[] = [];

export function log(name: string, line: string): void {
  const stamp = new Date().toISOString().slice(11, 19);
  process.stdout.write(`${stamp} ${name.padEnd(8)} ${line}\n`);
}

export function startService(
  name: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; quiet?: boolean } = {},
): Service {
  const child = spawn(command, args, {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so that stopping it stops what it started too.
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    const lines = createInterface({ input: stream });
    lines.on("line", (line) => {
      if (!options.quiet || /error|warn/i.test(line)) log(name, line);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const service = { name, child, exited };
  running.push(service);
  return service;
}

/** Runs a command to completion; rejects with its output's tail when it fails. */
export async function runStep(name: string, command: string, args: string[], env?: NodeJS.ProcessEnv) {
  const service = startService(name, command, args, env ? { env } : {});
  const code = await service.exited;
  running.splice(running.indexOf(service), 1);
  if (code !== 0) throw new AmpError("PROCESS_FAILED", `${name} failed with exit code ${code}`);
}

/** Process ids of the services still running (for checks that nothing is left behind). */
export function runningPids(): number[] {
  return running.flatMap(({ child }) =>
    child.pid !== undefined && child.exitCode === null ? [child.pid] : [],
  );
}

export async function stopAll(): Promise<void> {
  const services = running.splice(0).reverse();
  for (const { child } of services) {
    if (child.exitCode !== null || child.pid === undefined) continue;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  await Promise.all(
    services.map(async ({ child, exited }) => {
      const timer = setTimeout(() => {
        if (child.pid !== undefined && child.exitCode === null) {
          try {
            process.kill(-child.pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    }),
  );
}

/** Fails with a clear message when something already listens on the port. */
export async function assertPortFree(port: number, what: string, host = "127.0.0.1"): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        new AmpError(
          "PORT_IN_USE",
          error.code === "EADDRINUSE"
            ? `port ${port} on ${host} is already in use, so the ${what} cannot start there. ` +
                "Is another AMP network running? Stop it, or choose other ports (see README)."
            : `cannot listen on ${host}:${port} for the ${what}: ${error.message}`,
        ),
      );
    });
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

/** Polls until `probe` resolves truthy, or fails after `timeoutMs`. */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch {
      // not ready yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new AmpError("PROCESS_TIMEOUT", `timed out after ${timeoutMs / 1000} s waiting for ${what}`, {
    retryable: true,
  });
}

export async function rpcReady(url: string): Promise<boolean> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
  });
  return res.ok;
}
