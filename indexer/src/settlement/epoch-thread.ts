/**
 * The settlement job's handle on epoch computation: reading and parsing the
 * log, hashing the epoch's export, `computeEpoch` and writing a settled
 * epoch's files run in a worker thread
 * (`epoch-worker.ts`) that keeps the parsed log between epochs, so the API's
 * event loop only sends a request and receives the result. The worker is
 * started on first use, referenced only while a request is in flight (an idle
 * worker never keeps a process alive), and restarted after it dies. The
 * worker opens the SQLite file read-only, or a small pool of its own on the
 * PostgreSQL database's URL. An in-memory SQLite database cannot be opened by
 * another thread: its epochs are computed in-process.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { AmpError } from "#protocol";
import {
  createEpochComputer,
  type EpochComputation,
  type EpochRequest,
  type LoadedRange,
  type PublishRequest,
} from "./epoch-computer.ts";
import { SettlementError } from "./errors.ts";
import { engineOf, type StoreSource } from "./store.ts";

/** What the worker opens: the SQLite file, or the PostgreSQL database's URL. */
export type WorkerStore = { dbPath: string } | { url: string };

export type WorkerRequest =
  | { id: number; op: "load"; fromSeq: number; toSeq: number }
  | { id: number; op: "compute"; request: EpochRequest }
  | { id: number; op: "publish"; request: PublishRequest };

export type WorkerReply =
  | { id: number; value: unknown; error?: undefined }
  | { id: number; error: { code: string; message: string } };

export interface EpochThread {
  load(fromSeq: number, toSeq: number): Promise<LoadedRange>;
  compute(request: EpochRequest): Promise<EpochComputation>;
  publish(request: PublishRequest): Promise<void>;
  /** Stops the worker (a later request starts a new one, which reads the log afresh). */
  close(): Promise<void>;
}

/** Flags that load code before the entry point (loaders and preloads), the ones a worker needs too. */
const LOADER_FLAGS = new Set(["--import", "--require", "-r", "--loader", "--experimental-loader"]);

/**
 * The worker runs TypeScript: with the loaders the process itself runs under (tsx passes its own
 * in `execArgv`), or else with tsx's loader added. Other flags stay with the process: some are
 * process-wide and a worker refuses them (`--expose-gc`).
 */
export function workerExecArgv(): string[] {
  const args: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const flag = arg.split("=")[0] as string;
    if (!LOADER_FLAGS.has(flag)) continue;
    args.push(arg);
    if (!arg.includes("=") && i + 1 < argv.length) args.push(argv[++i] as string);
  }
  if (args.some((a) => a.includes("tsx"))) return args;
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return [...args, "--import", tsx];
}

export function createEpochThread(source: StoreSource): EpochThread {
  const engine = engineOf(source);
  let target: WorkerStore;
  if (engine.sqlite) {
    if (engine.sqlite.memory) {
      const computer = createEpochComputer(engine);
      return { ...computer, close: async () => undefined };
    }
    target = { dbPath: engine.sqlite.name };
  } else {
    const url = engine.pool?.options.connectionString;
    if (!url)
      throw new SettlementError(
        "SETTLEMENT_WORKER_FAILED",
        "the settlement worker needs the PostgreSQL pool's connection string",
      );
    target = { url };
  }
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: never) => void; reject: (error: unknown) => void }>();

  function start(): Worker {
    const w = new Worker(new URL("./epoch-worker.ts", import.meta.url), {
      workerData: target,
      execArgv: workerExecArgv(),
    });
    w.unref();
    w.on("message", (reply: WorkerReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (pending.size === 0) w.unref();
      if (reply.error) p.reject(new AmpError(reply.error.code, reply.error.message));
      else p.resolve(reply.value as never);
    });
    const fail = (error: unknown) => {
      if (worker === w) worker = null;
      const failed = [...pending.values()];
      pending.clear();
      for (const p of failed) p.reject(error);
    };
    w.on("error", (error) =>
      fail(new SettlementError("SETTLEMENT_WORKER_FAILED", `settlement worker failed: ${error.message}`)),
    );
    w.on("exit", (code) =>
      fail(new SettlementError("SETTLEMENT_WORKER_FAILED", `settlement worker exited with ${code}`)),
    );
    return w;
  }

  function ask<T>(request: WorkerRequest): Promise<T> {
    worker ??= start();
    const w = worker;
    return new Promise<T>((resolve, reject) => {
      pending.set(request.id, { resolve: resolve as (value: never) => void, reject });
      w.ref();
      w.postMessage(request);
    });
  }

  return {
    load: (fromSeq, toSeq) => ask<LoadedRange>({ id: nextId++, op: "load", fromSeq, toSeq }),
    compute: (request) => ask<EpochComputation>({ id: nextId++, op: "compute", request }),
    publish: (request) => ask<void>({ id: nextId++, op: "publish", request }),
    async close() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
