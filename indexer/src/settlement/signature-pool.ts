/**
 * Signature recovery for a large log export on worker threads: the stateless,
 * expensive part of checking an entry (decode, EIP-712 digest, secp256k1
 * recovery: `recoverEntry`) runs in `threads` workers
 * (`signature-worker.ts`), slices of lines round-robin, while the caller's
 * thread goes on reading and computing; the caller applies the ordered,
 * stateful rules (`LogAuthority.admit`) to the answers in log order. The
 * workers start on the first slice and stop on `close`.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { TypedDataDomain } from "viem";
import { type ExportedEntry, type RecoveredEntry, recoverEntry } from "../engagement/authority.ts";
import { workerExecArgv } from "./epoch-thread.ts";
import { SettlementError } from "./errors.ts";

export interface SignatureRequest {
  id: number;
  /** Whole NDJSON lines of a log export. */
  text: string;
}

/** Per non-empty line of a slice, in order: its seq, its recorded signer and its recovery. */
export interface RecoveredLines {
  seqs: number[];
  signers: string[];
  /** What the authority rules need, or why the entry is invalid. */
  results: (RecoveredEntry | string)[];
}

export interface SignatureReply extends RecoveredLines {
  id: number;
  /** A line that is not JSON (the export itself is malformed). */
  error?: string;
}

export interface SignaturePool {
  /** Recovers every line of `text` (whole lines); slices may resolve in any order. */
  recover(text: string): Promise<RecoveredLines>;
  close(): Promise<void>;
}

/** Recovers every line of a slice in this thread (what each worker runs). */
export async function recoverLines(domain: TypedDataDomain, text: string): Promise<RecoveredLines> {
  const out: RecoveredLines = { seqs: [], signers: [], results: [] };
  for (const line of text.split("\n")) {
    if (line.length === 0) continue;
    const entry = JSON.parse(line) as ExportedEntry;
    out.seqs.push(entry.seq);
    out.signers.push(entry.signer);
    out.results.push(await recoverEntry(domain, entry));
  }
  return out;
}

/** Default number of workers: the machine's cores (the caller's thread also works meanwhile). */
export const defaultSignatureThreads = () => Math.max(1, availableParallelism());

export function createSignaturePool(
  domain: TypedDataDomain,
  threads = defaultSignatureThreads(),
): SignaturePool {
  const workers: Worker[] = [];
  const pending = new Map<number, { resolve: (r: RecoveredLines) => void; reject: (e: unknown) => void }>();
  let nextId = 1;
  let failure: SettlementError | null = null;

  const fail = (error: SettlementError) => {
    failure ??= error;
    const waiting = [...pending.values()];
    pending.clear();
    for (const p of waiting) p.reject(error);
  };
  const start = () => {
    for (let i = 0; i < threads; i++) {
      const w = new Worker(new URL("./signature-worker.ts", import.meta.url), {
        workerData: { domain: { ...domain } },
        execArgv: workerExecArgv(),
      });
      w.on("message", (reply: SignatureReply) => {
        const p = pending.get(reply.id);
        if (!p) return;
        pending.delete(reply.id);
        if (reply.error !== undefined)
          p.reject(new SettlementError("SETTLEMENT_BAD_INPUT", `not a log export line: ${reply.error}`));
        else p.resolve(reply);
      });
      w.on("error", (error) =>
        fail(new SettlementError("SETTLEMENT_WORKER_FAILED", `signature worker failed: ${error.message}`)),
      );
      w.on("exit", (code) => {
        if (code !== 0)
          fail(new SettlementError("SETTLEMENT_WORKER_FAILED", `signature worker exited with ${code}`));
      });
      workers.push(w);
    }
  };

  return {
    recover(text) {
      if (failure) return Promise.reject(failure);
      if (workers.length === 0) start();
      const id = nextId++;
      const w = workers[id % workers.length] as Worker;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage({ id, text } satisfies SignatureRequest);
      });
    },
    async close() {
      const all = workers.splice(0);
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}
