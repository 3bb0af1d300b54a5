/**
 * The writer lease on PostgreSQL: one session-level advisory lock
 * (`pg_try_advisory_lock`) held on a connection of its own for as long as the
 * writer runs. A second writer polls for it and gets it as soon as the first
 * releases it or dies (the server drops a dead client's session, and its
 * locks with it), then resumes from the stored checkpoint. A writer whose
 * lease connection fails has lost the lease (another writer may hold it
 * now) and must stop writing: `lost` settles then.
 */
import pg from "pg";
import { AmpError } from "#protocol";

export class WriterLeaseError extends AmpError {
  override name = "WriterLeaseError";
}

/** The lock key every AMP writer on a database contends for ("AMPW"). */
export const WRITER_LOCK_KEY = 0x414d5057;

export interface WriterLease {
  /** The server process holding the lock (pg_backend_pid of the lease connection). */
  backendPid: number;
  /** Settles when the lease connection fails: the lease may belong to another writer now. */
  lost: Promise<WriterLeaseError>;
  release(): Promise<void>;
}

export interface AcquireOptions {
  key?: number;
  /** Between attempts while another writer holds the lease (default 500 ms). */
  pollMs?: number;
  signal?: AbortSignal;
  /** Called once per attempt that found the lease taken. */
  onWaiting?: () => void;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/** Waits until this process holds the writer lease (rejects when `signal` aborts first). */
export async function acquireWriterLease(url: string, options: AcquireOptions = {}): Promise<WriterLease> {
  const key = options.key ?? WRITER_LOCK_KEY;
  const client = new pg.Client({ connectionString: url, keepAlive: true });
  let failed: (error: WriterLeaseError) => void = () => undefined;
  const lost = new Promise<WriterLeaseError>((resolve) => {
    failed = resolve;
  });
  let released = false;
  client.on("error", (cause) => {
    if (!released)
      failed(new WriterLeaseError("WRITER_LEASE_LOST", "the writer lease connection failed", { cause }));
  });
  client.on("end", () => {
    if (!released) failed(new WriterLeaseError("WRITER_LEASE_LOST", "the writer lease connection closed"));
  });
  await client.connect();
  try {
    const pid = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]
      ?.pid as number;
    for (;;) {
      if (options.signal?.aborted)
        throw new WriterLeaseError("WRITER_LEASE_ABORTED", "stopped while waiting for the writer lease");
      const { rows } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [key]);
      if (rows[0]?.ok) break;
      options.onWaiting?.();
      await sleep(options.pollMs ?? 500, options.signal);
    }
    return {
      backendPid: pid,
      lost,
      async release() {
        if (released) return;
        released = true;
        try {
          await client.query("SELECT pg_advisory_unlock($1)", [key]);
        } finally {
          await client.end();
        }
      },
    };
  } catch (error) {
    released = true;
    await client.end().catch(() => undefined);
    throw error;
  }
}
