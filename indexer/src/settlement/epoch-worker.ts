/**
 * The settlement worker thread: its own read-only connection to the
 * indexer's SQLite database (WAL lets it read while the API and intake write)
 * or its own two-connection pool on the PostgreSQL database, an
 * incremental `EpochComputer`, and requests from `epoch-thread.ts` answered
 * one at a time. Nothing here runs on the API's event loop, and the thread
 * runs below normal scheduling priority (nice 10, not 19, which a busy
 * machine would starve), so the API's thread gets the CPU first.
 */
import { readlinkSync } from "node:fs";
import { constants, setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { WorkerReply, WorkerRequest, WorkerStore } from "./epoch-thread.ts";

/** Lowers this thread's priority (Linux: a thread has its own nice value, named by its thread id). */
function yieldCpuToApi(): void {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (Number.isSafeInteger(tid) && tid > 0) setPriority(tid, constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // Elsewhere the thread keeps the process's priority.
  }
}

const port = parentPort;
if (port) {
  yieldCpuToApi();
  // Loaded after the priority is lowered: compiling and loading them is work too.
  const [{ isAmpError }, { openDb }, { createEpochComputer }] = await Promise.all([
    import("#protocol"),
    import("../store/db.ts"),
    import("./epoch-computer.ts"),
  ]);
  const target = workerData as WorkerStore;
  // The writer migrated the database already: the worker only reads it.
  const store =
    "url" in target
      ? await (await import("../store/engine/engine.ts")).openPostgres(target.url, { max: 2, migrations: [] })
      : openDb(target.dbPath, { readonly: true });
  const computer = createEpochComputer(store);
  let queue = Promise.resolve();
  port.on("message", (request: WorkerRequest) => {
    queue = queue.then(async () => {
      let reply: WorkerReply;
      try {
        const value =
          request.op === "load"
            ? await computer.load(request.fromSeq, request.toSeq)
            : request.op === "compute"
              ? await computer.compute(request.request)
              : await computer.publish(request.request);
        reply = { id: request.id, value };
      } catch (error) {
        reply = {
          id: request.id,
          error: {
            code: isAmpError(error) ? error.code : "SETTLEMENT_WORKER_FAILED",
            message: error instanceof Error ? error.message : String(error),
          },
        };
      }
      port.postMessage(reply);
    });
  });
}
