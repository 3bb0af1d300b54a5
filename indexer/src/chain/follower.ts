/**
 * The chain follower: backfills the contracts' logs in block ranges from the
 * deployment's start block, then follows the head by polling. Each range is
 * applied with its checkpoint in one transaction. Near the head every header
 * is fetched and linked by parent hash; a mismatch with a stored hash is a
 * reorg, rolled back to the common ancestor in one transaction.
 *
 * The follower reports what happened as a small union of events (batch,
 * reorg, finalized) to an optional listener.
 */
import type { Address } from "viem";
import type { ChainStore, Checkpoint } from "../store/chain-store.ts";
import type { AsyncChainStore } from "../store/engine/chain-store.ts";
import type { BlockRecord, ChainEvent } from "../store/events.ts";
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
  /** The synchronous SQLite store, or the Kysely one on either engine. */
  store: ChainStore | AsyncChainStore;
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
const HEADER_CONCURRENCY = 10;

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

  /** Headers of `numbers` in order, at most HEADER_CONCURRENCY requests in flight. */
  async function headers(numbers: number[]): Promise<BlockHeader[]> {
    const out: BlockHeader[] = [];
    for (let i = 0; i < numbers.length; i += HEADER_CONCURRENCY) {
      const chunk = await Promise.all(numbers.slice(i, i + HEADER_CONCURRENCY).map((n) => reader.header(n)));
      for (const [j, h] of chunk.entries()) {
        if (!h) throw new ChainMovedError(`block ${numbers[i + j]} is missing`);
        out.push(h);
      }
    }
    return out;
  }

  async function readRange(
    cp: Checkpoint,
    from: number,
    to: number,
    nearHead: boolean,
  ): Promise<ChainBatchParts> {
    const logs = await reader.logs(addresses, from, to);
    const byNumber = new Map<number, BlockHeader>();
    if (nearHead) {
      const list = await headers(Array.from({ length: to - from + 1 }, (_, i) => from + i));
      let parent = cp.blockHash;
      for (const h of list) {
        if (parent !== null && h.parentHash !== parent) {
          throw new ChainMovedError(`block ${h.number} does not extend ${parent}`);
        }
        parent = h.hash;
        byNumber.set(h.number, h);
      }
    } else {
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
    return { events, blocks, last: byNumber.get(to) as BlockHeader };
  }

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
    const from = cp.blockNumber + 1;
    const finalBoundary = head - finalityDepth;
    const nearHead = from > finalBoundary;
    const to = nearHead
      ? Math.min(target, from + Math.min(HEAD_RANGE, span) - 1)
      : Math.min(target, finalBoundary, from + span - 1);

    let part: ChainBatchParts;
    try {
      part = await readRange(cp, from, to, nearHead);
    } catch (error) {
      const tooMany =
        error instanceof RpcFatalError || (error instanceof RpcRefusedError && error.status === 413);
      if (to > from && tooMany && TOO_MANY_LOGS.test((error as ChainError).details ?? "")) {
        span = Math.max(1, Math.floor((to - from + 1) / 2));
        spanSuccesses = 0;
        return true;
      }
      throw error;
    }
    if (span < options.batchBlocks && ++spanSuccesses >= 8) {
      span = Math.min(options.batchBlocks, span * 2);
      spanSuccesses = 0;
    }
    const finalizedBlock = Math.max(cp.finalizedBlock, Math.min(to, finalBoundary));
    await store.applyBatch({
      blocks: part.blocks,
      events: part.events,
      checkpoint: { blockNumber: to, blockHash: part.last.hash, finalizedBlock, headBlock: head },
    });
    emit({ type: "batch", fromBlock: from, toBlock: to, events: part.events.length, headBlock: head });
    if (finalizedBlock > cp.finalizedBlock) {
      emit({ type: "finalized", blockNumber: finalizedBlock });
      const below = finalizedBlock - finalityDepth;
      if (below > prunedBelow) {
        await store.pruneBlocks(prunedBelow, below);
        prunedBelow = below;
      }
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
}
