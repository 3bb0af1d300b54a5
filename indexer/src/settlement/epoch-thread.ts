/**
 * The settlement job's handle on epoch computation: reading and parsing the
 * log, hashing the epoch's export and `computeEpoch` run in a worker thread
 * (`epoch-worker.ts`) that keeps the parsed log between epochs, so the API's
 * event loop only sends a request and receives the result. The worker is
 * started on first use, referenced only while a request is in flight (an idle
 * worker never keeps a process alive), and restarted after it dies. An
 * in-memory database cannot be opened by another thread: its epochs are
 * computed in-process.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { AmpError } from "#protocol";
import type { Db } from "../store/db.ts";
import {
  createEpochComputer,
  type EpochComputation,
  type EpochRequest,
  type LoadedRange,
} from "./epoch-computer.ts";
import { SettlementError } from "./errors.ts";

export type WorkerRequest =
  | { id: number; op: "load"; fromSeq: number; toSeq: number }
  | { id: number; op: "compute"; request: EpochRequest };

export type WorkerReply =
  | { id: number; value: LoadedRange | EpochComputation; error?: undefined }
  | { id: number; error: { code: string; message: string } };

export interface EpochThread {
  load(fromSeq: number, toSeq: number): Promise<LoadedRange>;
  compute(request: EpochRequest): Promise<EpochComputation>;
  /** Stops the worker (a later request starts a new one, which reads the log afresh). */
  close(): Promise<void>;
}

/**
 * The worker runs TypeScript: with the loader the process itself runs under (tsx passes it in
 * `execArgv`), or else with tsx's loader added.
 */
function workerExecArgv(): string[] {
  if (process.execArgv.some((a) => a.includes("tsx"))) return [...process.execArgv];
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return [...process.execArgv, "--import", tsx];
}

export function createEpochThread(db: Db): EpochThread {
  if (db.memory) {
    const computer = createEpochComputer(db);
    return { load: computer.load, compute: computer.compute, close: async () => undefined };
  }
  const dbPath = db.name;
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: never) => void; reject: (error: unknown) => void }>();

  function start(): Worker {
    const w = new Worker(new URL("./epoch-worker.ts", import.meta.url), {
      workerData: { dbPath },
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
    async close() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
