/**
 * The chain follower: backfills the contracts' logs in block ranges from the
 * deployment's start block, then follows the head by polling. Ranges are sized
 * by the log density seen so far, a few are read at once, and each is applied
 * in block order with its checkpoint in one transaction. Near the head every
 * header is fetched and linked by parent hash; a mismatch with a stored hash
 * is a reorg, rolled back to the common ancestor in one transaction.
 *
 * The follower reports what happened as a small union of events (batch,
 * reorg, finalized) to an optional listener.
 */
import type { Address, Log } from "viem";
import type { AsyncChainStore } from "../store/engine/chain-store.ts";
import type { BlockRecord, ChainEvent, Checkpoint } from "../store/events.ts";
import { compareEvents } from "../store/events.ts";
import { type ContractAddresses, createLogDecoder } from "./decode.ts";
import {
  ChainError,
  ChainMovedError,
  isFatalChainError,
  messageOf,
  ReorgTooDeepError,
  RpcFatalError,
  RpcRefusedError,
  WrongChainError,
} from "./errors.ts";
import { sleep } from "./retry.ts";
import type { BlockHeader, ChainReader } from "./rpc.ts";

export type FollowerEvent =
  | { type: "batch"; fromBlock: number; toBlock: number; events: number; headBlock: number }
  | { type: "reorg"; ancestor: number; removedEvents: number; previousBlock: number }
  | { type: "finalized"; blockNumber: number }
  /** `retryInMs` is absent when the error is fatal and the follower stops. */
  | { type: "error"; error: ChainError; failures: number; retryInMs?: number };

export interface FollowerOptions {
  reader: ChainReader;
  /** The chain store, on either engine. */
  store: AsyncChainStore;
  chainId: number;
  contracts: ContractAddresses;
  startBlock: number;
  confirmations: number;
  finalityDepth: number;
  batchBlocks: number;
  pollIntervalMs: number;
  /** Longest wait between attempts after repeated failures (default 60 s). */
  maxBackoffMs?: number;
  onEvent?: (event: FollowerEvent) => void;
}

export interface Follower {
  /** Runs until `stop()`; rejects on a fatal error. */
  run(): Promise<void>;
  /** Indexes as far as the chain allows right now; returns true when it made progress. */
  syncOnce(): Promise<boolean>;
  stop(): Promise<void>;
}

const TOO_MANY_LOGS = /range|limit|too many|exceed|more than|10000|response size/i;

/** Near the head, ranges stay small because every header is fetched. */
const HEAD_RANGE = 50;
/**
 * Ranges read at once (logs, then headers), applied in block order as they arrive: the node
 * answers the next ranges while the store commits one.
 */
const PARALLEL_RANGES = 4;
/** Most ranges one `syncOnce` reads, so `stop()` is heard between them. */
const RANGES_PER_SYNC = 32;
/**
 * Logs a range aims at, from the density the last range showed: far below the usual provider
 * caps (10,000 logs) and viem's 10 MB response limit, so dense stretches are not refused first.
 */
const TARGET_LOGS = 3000;
/** Blocks of the first range, before any density is known. */
const FIRST_RANGE = 100;

export function createFollower(options: FollowerOptions): Follower {
  const maxBackoffMs = options.maxBackoffMs ?? 60_000;
  const { reader, store, confirmations, finalityDepth } = options;
  const decode = createLogDecoder(options.contracts);
  const addresses = [
    options.contracts.token,
    options.contracts.social,
    options.contracts.escrow,
  ] as Address[];
  const emit = (e: FollowerEvent) => options.onEvent?.(e);
  const abort = new AbortController();
  let running: Promise<void> | null = null;
  let chainChecked = false;
  // Providers cap eth_getLogs (block span or result count); the span shrinks on such a refusal and regrows.
  let span = options.batchBlocks;
  let spanSuccesses = 0;
  let prunedBelow = 0;
  /** Logs per block of the last range read (null until one was). */
  let density: number | null = null;

  /** Blocks the next range may cover: the span providers allow, narrowed to TARGET_LOGS logs. */
  const rangeBlocks = (nearHead: boolean): number => {
    const limit = nearHead ? Math.min(HEAD_RANGE, span) : span;
    const wanted = density === null ? FIRST_RANGE : Math.floor(TARGET_LOGS / Math.max(density, 1e-6));
    return Math.max(1, Math.min(limit, wanted));
  };

  const initial = (): Checkpoint => ({
    blockNumber: options.startBlock - 1,
    blockHash: null,
    finalizedBlock: options.startBlock - 1,
    headBlock: options.startBlock - 1,
  });

  async function findAncestor(from: number): Promise<BlockRecord> {
    let cursor = from;
    for (;;) {
      const stored = await store.blocksDescending(cursor, 32);
      if (stored.length === 0) break;
      for (const block of stored) {
        const remote = await reader.header(block.number);
        if (remote && remote.hash === block.hash) return block;
      }
      cursor = (stored.at(-1) as BlockRecord).number - 1;
      if (from - cursor > finalityDepth + HEAD_RANGE) break;
    }
    // Nothing stored matches: everything since the start block is gone (only possible on dev chains).
    if (from - (options.startBlock - 1) <= finalityDepth + HEAD_RANGE) {
      const parent = options.startBlock > 0 ? await reader.header(options.startBlock - 1) : null;
      return {
        number: options.startBlock - 1,
        hash: parent?.hash ?? "",
        parentHash: parent?.parentHash ?? "",
        timestamp: parent?.timestamp ?? 0,
      };
    }
    throw new ReorgTooDeepError(from, finalityDepth);
  }

  /** True when the stored checkpoint block is no longer on the chain (then rolled back). */
  async function handleReorg(cp: Checkpoint, head: number): Promise<boolean> {
    if (cp.blockHash === null) return false;
    const remote = cp.blockNumber <= head ? await reader.header(cp.blockNumber) : null;
    if (remote && remote.hash === cp.blockHash) return false;
    const ancestor = await findAncestor(Math.min(cp.blockNumber, head));
    if (ancestor.number < cp.finalizedBlock) throw new ReorgTooDeepError(cp.blockNumber, finalityDepth);
    const removed = await store.rollbackTo(ancestor, head);
    emit({ type: "reorg", ancestor: ancestor.number, removedEvents: removed, previousBlock: cp.blockNumber });
    return true;
  }

  /** Headers of `numbers` in order; a missing one means the chain moved. */
  async function headers(numbers: number[]): Promise<BlockHeader[]> {
    const list = await reader.headers(numbers);
    return list.map((h, i) => {
      if (!h) throw new ChainMovedError(`block ${numbers[i]} is missing`);
      return h;
    });
  }

  /**
   * Logs and headers of [from, to]. Near the head every header is read (at the same time as the
   * logs); further back only the headers of blocks with logs, and of `to`. Headers are linked by
   * parent hash when the range is applied, in order.
   */
  async function readRange(from: number, to: number, nearHead: boolean): Promise<ChainBatchParts> {
    const byNumber = new Map<number, BlockHeader>();
    let logs: Log[];
    let linked: BlockHeader[] | null = null;
    if (nearHead) {
      const all = Array.from({ length: to - from + 1 }, (_, i) => from + i);
      [logs, linked] = await Promise.all([reader.logs(addresses, from, to), headers(all)]);
      for (const h of linked) byNumber.set(h.number, h);
    } else {
      logs = await reader.logs(addresses, from, to);
      const needed = new Set<number>(logs.map((l) => Number(l.blockNumber)));
      needed.add(to);
      for (const h of await headers([...needed])) byNumber.set(h.number, h);
    }
    const events: ChainEvent[] = [];
    for (const log of logs) {
      const header = byNumber.get(Number(log.blockNumber)) as BlockHeader;
      if (header.hash !== (log.blockHash as string).toLowerCase()) {
        throw new ChainMovedError(
          `log of block ${log.blockNumber} has hash ${log.blockHash}, header ${header.hash}`,
        );
      }
      const event = decode(log, header.timestamp);
      if (event) events.push(event);
    }
    events.sort(compareEvents);
    const blocks = [...byNumber.values()].map((h) => ({ ...h }));
    return { events, blocks, last: byNumber.get(to) as BlockHeader, linked, logs: logs.length };
  }

  /** Whether `error` is a provider refusing a range as too wide (then the span halves). */
  const refusedAsTooWide = (error: unknown): boolean =>
    (error instanceof RpcFatalError || (error instanceof RpcRefusedError && error.status === 413)) &&
    TOO_MANY_LOGS.test((error as ChainError).details ?? "");

  async function syncOnce(): Promise<boolean> {
    if (!chainChecked) {
      const id = await reader.chainId();
      if (id !== options.chainId) throw new WrongChainError(options.chainId, id);
      chainChecked = true;
    }
    const head = await reader.headNumber();
    const cp = (await store.getCheckpoint()) ?? initial();
    if (await handleReorg(cp, head)) return true;

    const target = head - confirmations;
    if (cp.blockNumber >= target) return false;
    const finalBoundary = head - finalityDepth;

    let next = cp.blockNumber + 1;
    let launched = 0;
    const inFlight: { from: number; to: number; nearHead: boolean; part: Promise<ChainBatchParts> }[] = [];
    const launch = () => {
      while (inFlight.length < PARALLEL_RANGES && next <= target && launched < RANGES_PER_SYNC) {
        const from = next;
        const nearHead = from > finalBoundary;
        // A range ends at the final boundary, so each is either all final or all near the head.
        const to = Math.min(target, nearHead ? target : finalBoundary, from + rangeBlocks(nearHead) - 1);
        const part = readRange(from, to, nearHead);
        // Failures are handled when the range's turn comes (or dropped with the ranges after one).
        part.catch(() => undefined);
        inFlight.push({ from, to, nearHead, part });
        next = to + 1;
        launched++;
      }
    };

    let parentHash = cp.blockHash;
    let finalized = cp.finalizedBlock;
    launch();
    for (let range = inFlight.shift(); range; range = inFlight.shift()) {
      const { from, to } = range;
      let part: ChainBatchParts;
      try {
        part = await range.part;
      } catch (error) {
        if (to > from && refusedAsTooWide(error)) {
          span = Math.max(1, Math.floor((to - from + 1) / 2));
          density = null;
          spanSuccesses = 0;
          return true;
        }
        throw error;
      }
      if (part.linked) {
        for (const h of part.linked) {
          if (parentHash !== null && h.parentHash !== parentHash) {
            throw new ChainMovedError(`block ${h.number} does not extend ${parentHash}`);
          }
          parentHash = h.hash;
        }
      }
      parentHash = part.last.hash;
      density = part.logs / (to - from + 1);
      if (span < options.batchBlocks && ++spanSuccesses >= 8) {
        span = Math.min(options.batchBlocks, span * 2);
        spanSuccesses = 0;
      }
      const before = finalized;
      finalized = Math.max(finalized, Math.min(to, finalBoundary));
      await store.applyBatch({
        blocks: part.blocks,
        events: part.events,
        checkpoint: {
          blockNumber: to,
          blockHash: part.last.hash,
          finalizedBlock: finalized,
          headBlock: head,
        },
      });
      emit({ type: "batch", fromBlock: from, toBlock: to, events: part.events.length, headBlock: head });
      if (finalized > before) {
        emit({ type: "finalized", blockNumber: finalized });
        const below = finalized - finalityDepth;
        if (below > prunedBelow) {
          await store.pruneBlocks(prunedBelow, below);
          prunedBelow = below;
        }
      }
      if (abort.signal.aborted) break;
      launch();
    }
    return true;
  }

  async function loop(): Promise<void> {
    let failures = 0;
    while (!abort.signal.aborted) {
      try {
        const progressed = await syncOnce();
        failures = 0;
        if (!progressed) await sleep(options.pollIntervalMs, abort.signal);
      } catch (raw) {
        const error =
          raw instanceof ChainError
            ? raw
            : new ChainError("follower failed", { details: messageOf(raw), cause: raw });
        failures++;
        if (isFatalChainError(error)) {
          emit({ type: "error", error, failures });
          throw error;
        }
        // Transient failures retry soon; refusals (HTTP 401/403/404/429...) and anything
        // unexpected wait longer, since someone has to fix a key, a plan or a URL.
        const slow = error instanceof RpcRefusedError || !error.retryable;
        const base = slow ? Math.max(1000, options.pollIntervalMs * 4) : options.pollIntervalMs;
        const retryInMs = Math.min(maxBackoffMs, base * 2 ** Math.min(failures - (slow ? 1 : 0), 6));
        emit({ type: "error", error, failures, retryInMs });
        await sleep(retryInMs, abort.signal);
      }
    }
  }

  return {
    syncOnce,
    run() {
      running ??= loop();
      return running;
    },
    async stop() {
      abort.abort();
      await running?.catch(() => undefined);
    },
  };
}

interface ChainBatchParts {
  events: ChainEvent[];
  blocks: BlockRecord[];
  last: BlockHeader;
  /** Every header of the range in order, to link by parent hash (near the head only). */
  linked: BlockHeader[] | null;
  /** Logs the node returned (decoded or not): the density of the range. */
  logs: number;
}
