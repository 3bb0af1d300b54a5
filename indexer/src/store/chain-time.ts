/** Chain time as the next transaction will see it, projected from the latest indexed block. */
import type { Queries } from "./queries.ts";

/** The latest indexed block's timestamp as last read from the store (null before any block). */
export interface LatestBlock {
  latestBlockTime(): number | null;
}

/**
 * The latest block's timestamp, read from the store (asynchronously: on PostgreSQL a read is a
 * round trip) and kept for the clocks to read synchronously. `refresh()` reads it again unless the
 * last read is younger than `maxAgeMs`; the API awaits it before a request's resolvers run, so a
 * replica that does not follow the chain itself sees the writer's new blocks within `maxAgeMs`.
 * Concurrent refreshes share one read. A read outside a request (`latestBlockTime()` on a stale
 * value) starts a refresh in the background and answers the value it has.
 */
export interface ChainTimeSource extends LatestBlock {
  refresh(): Promise<number | null>;
}

export interface ChainTimeSourceOptions {
  /**
   * How old the value may be before a refresh reads the store again (default: 0 on SQLite, where
   * the read is a cached in-process statement, so every request sees the latest block as before;
   * 200 on PostgreSQL).
   */
  maxAgeMs?: number;
  wallMs?: () => number;
}

type StoreLatestBlock = Pick<Queries, "latestBlockTime"> & { engineKind?: Queries["engineKind"] };

export function createChainTimeSource(
  queries: StoreLatestBlock,
  options: ChainTimeSourceOptions = {},
): ChainTimeSource {
  const maxAgeMs = options.maxAgeMs ?? (queries.engineKind === "postgres" ? 200 : 0);
  const wallMs = options.wallMs ?? (() => Date.now());
  let latest: number | null = null;
  let readAtMs: number | null = null;
  let reading: Promise<number | null> | null = null;
  const fresh = () => readAtMs !== null && wallMs() - readAtMs < maxAgeMs;
  const refresh = (): Promise<number | null> => {
    if (fresh()) return Promise.resolve(latest);
    if (!reading) {
      const startedMs = wallMs();
      reading = queries.latestBlockTime().then(
        (t) => {
          latest = t;
          readAtMs = startedMs;
          reading = null;
          return t;
        },
        (error: unknown) => {
          reading = null;
          throw error;
        },
      );
    }
    return reading;
  };
  return {
    refresh,
    latestBlockTime() {
      // Outside a request nobody awaited a refresh: start one for the next reader. Its failure is
      // the next awaited refresh's to report.
      if (!fresh() && !reading) refresh().catch(() => undefined);
      return latest;
    },
  };
}

const sources = new WeakMap<object, ChainTimeSource>();

/** The latest-block source of `queries`' store, one per store: every clock of the API reads the same value. */
export function chainTimeSource(queries: StoreLatestBlock): ChainTimeSource {
  let source = sources.get(queries);
  if (!source) {
    source = createChainTimeSource(queries);
    sources.set(queries, source);
  }
  return source;
}

/**
 * Chain time as the next transaction will see it, in unix seconds: the latest indexed block's
 * timestamp plus the wall time since this clock first saw that block (0 before any block).
 *
 * On a chain whose clock runs with the wall clock (Hardhat: max(previous, wall clock + offset),
 * and previous + 1 without `allowBlocksWithSameTimestamp`; Ethereum and rollups: the slot time),
 * the next block is stamped at least this: the block was stamped before it was seen, so the time
 * since it was seen never exceeds the time since it was stamped. So the projection is never behind
 * the chain (it starts at the latest block and only grows until the next one replaces it), and
 * never ahead of the earliest timestamp the next block can carry: whatever it calls active (an
 * epoch's `activeAt` reached) the contract treats as active in the next block, on an idle chain
 * too, where no block is mined until someone sends a transaction. It adds no second for the next
 * block (chains that allow blocks with the same timestamp, as the local network does, may not).
 * Seeing a block later (a source refreshed every `maxAgeMs`) only makes the projection smaller.
 */
export function createProjectedChainTime(
  source: LatestBlock,
  wallMs: () => number = () => Date.now(),
): () => number {
  let seen: { timestamp: number; atMs: number } | null = null;
  return () => {
    const latest = source.latestBlockTime();
    if (latest === null) {
      seen = null;
      return 0;
    }
    const now = wallMs();
    // A new block (or a reorg to another timestamp) starts the projection again from its stamp.
    if (seen === null || seen.timestamp !== latest) seen = { timestamp: latest, atMs: now };
    return latest + Math.max(0, Math.floor((now - seen.atMs) / 1000));
  };
}

const shared = new WeakMap<object, () => number>();

/**
 * The projected chain time of `queries`' store, one clock per store: the API's status fields and
 * the claim proof read the same projection, so they never disagree. It reads the store's
 * `chainTimeSource`, which the API refreshes before each request.
 */
export function projectedChainTime(queries: StoreLatestBlock): () => number {
  let clock = shared.get(queries);
  if (!clock) {
    clock = createProjectedChainTime(chainTimeSource(queries));
    shared.set(queries, clock);
  }
  return clock;
}
