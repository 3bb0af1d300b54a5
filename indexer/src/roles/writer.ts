/**
 * The writer role on PostgreSQL: wait for the writer lease (a standby polls
 * for it), then follow the chain into the Kysely chain store from the stored
 * checkpoint. Only the lease holder writes chain data, so a new writer
 * resumes where the dead one's last committed batch ended: no event is
 * applied twice, none is skipped. A writer whose lease connection fails may
 * have been replaced, so `done` rejects at once and the process stops
 * writing (it exits; a supervisor restarts it as a standby).
 */
import type { Logger } from "#protocol/logger.ts";
import type { Follower, FollowerEvent } from "../chain/follower.ts";
import { createIndexerFollower } from "../chain/indexer-follower.ts";
import type { IndexerConfig } from "../config.ts";
import { createKyselyChainStore } from "../store/engine/chain-store.ts";
import type { StoreEngine } from "../store/engine/engine.ts";
import { advertiseWriter } from "../store/engine/writer-endpoint.ts";
import { acquireWriterLease, type WriterLease, WriterLeaseError } from "../store/engine/writer-lease.ts";

export interface WriterOptions {
  config: IndexerConfig & { databaseUrl: string };
  engine: StoreEngine;
  logger: Logger;
  /** Aborts the wait for the lease (the process is stopping). */
  signal?: AbortSignal;
  onFollowerEvent?: (event: FollowerEvent) => void;
}

export interface Writer {
  lease: WriterLease;
  follower: Follower;
  /** Records `url` as where this writer takes signed messages, for the API replicas. */
  advertise(url: string): Promise<void>;
  /** Settles when the follower stops; rejects on a fatal chain error or a lost lease. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

export async function startWriter(options: WriterOptions): Promise<Writer> {
  const { config, engine } = options;
  const log = options.logger.child({ service: "writer" });
  if (engine.kind !== "postgres" || !engine.pool)
    throw new WriterLeaseError("WRITER_ENGINE", "the writer role runs on PostgreSQL (AMP_DATABASE_URL)");
  const pool = engine.pool;
  const waitingSince = Date.now();
  let standby = false;
  const lease = await acquireWriterLease(config.databaseUrl, {
    pollMs: config.leasePollMs,
    signal: options.signal,
    onWaiting: () => {
      if (standby) return;
      standby = true;
      log.info({ pollMs: config.leasePollMs }, "writer: standby, another writer holds the lease");
    },
  });
  const leaseAt = Date.now();
  log.info(
    { backendPid: lease.backendPid, waitedMs: leaseAt - waitingSince, standby },
    "writer: lease taken, following the chain from the checkpoint",
  );
  let applied = false;
  const follower = createIndexerFollower({
    config,
    store: createKyselyChainStore(engine),
    logger: options.logger,
    onEvent: (e) => {
      if (e.type === "batch" && !applied) {
        applied = true;
        log.info(
          {
            firstBlock: e.fromBlock,
            toBlock: e.toBlock,
            events: e.events,
            sinceLeaseMs: Date.now() - leaseAt,
          },
          "writer: first block applied",
        );
      }
      options.onFollowerEvent?.(e);
    },
  });
  let stopping = false;
  const done = new Promise<void>((resolve, reject) => {
    follower.run().then(resolve, reject);
    void lease.lost.then((error) => {
      if (stopping) return;
      log.fatal({ code: error.code }, "writer: lease lost; stopping writes at once");
      void follower.stop();
      reject(error);
    });
  });
  done.catch(() => undefined);
  return {
    lease,
    follower,
    advertise: (url) => advertiseWriter(pool, url, lease.backendPid),
    done,
    async stop() {
      if (stopping) return;
      stopping = true;
      await follower.stop();
      await lease.release().catch(() => undefined);
    },
  };
}
