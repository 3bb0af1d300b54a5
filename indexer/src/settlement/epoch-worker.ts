/**
 * The settlement worker thread: its own read-only connection to the
 * indexer's database (WAL lets it read while the API and intake write), an
 * incremental `EpochComputer`, and requests from `epoch-thread.ts` answered
 * one at a time. Nothing here runs on the API's event loop.
 */
import { parentPort, workerData } from "node:worker_threads";
import { isAmpError } from "#protocol";
import { openDb } from "../store/db.ts";
import { createEpochComputer } from "./epoch-computer.ts";
import type { WorkerReply, WorkerRequest } from "./epoch-thread.ts";

const port = parentPort;
if (port) {
  const db = openDb((workerData as { dbPath: string }).dbPath, { readonly: true });
  const computer = createEpochComputer(db);
  let queue = Promise.resolve();
  port.on("message", (request: WorkerRequest) => {
    queue = queue.then(async () => {
      let reply: WorkerReply;
      try {
        const value =
          request.op === "load"
            ? await computer.load(request.fromSeq, request.toSeq)
            : await computer.compute(request.request);
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
