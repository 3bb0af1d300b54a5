/**
 * The RPC reads the follower needs, each retried on transient errors.
 * The viem client does no retries of its own, so backoff happens in one place.
 */
import {
  type Address,
  type Block,
  createPublicClient,
  formatLog,
  type Hex,
  http,
  type Log,
  numberToHex,
  type PublicClient,
  toEventSelector,
} from "viem";
import { followedEvents } from "./abi.ts";
import { ChainMovedError } from "./errors.ts";
import { type RetryOptions, withRetry } from "./retry.ts";

export interface ChainReader {
  chainId(): Promise<number>;
  headNumber(): Promise<number>;
  /** Header of block `n`, or null when the chain has no such block (yet, or after a reorg). */
  header(n: number): Promise<BlockHeader | null>;
  /** Headers of `numbers`, in order (null where the chain has no such block). */
  headers(numbers: number[]): Promise<(BlockHeader | null)[]>;
  logs(addresses: Address[], fromBlock: number, toBlock: number): Promise<Log[]>;
}

export interface BlockHeader {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
}

export interface RpcOptions {
  url: string;
  timeoutMs: number;
  retry: RetryOptions;
}

/**
 * A client without retries of its own. With `batchSize` > 0, requests made together go out as
 * JSON-RPC batches of up to that many (one HTTP round trip instead of one each).
 */
export function createRpcClient(url: string, timeoutMs: number, batchSize = 0): PublicClient {
  return createPublicClient({
    transport: http(url, {
      retryCount: 0,
      timeout: timeoutMs,
      batch: batchSize > 0 ? { batchSize, wait: 0 } : false,
    }),
  });
}

/** Headers in flight at once without batching. */
const HEADER_CONCURRENCY = 10;

const toHeader = (b: Block): BlockHeader => ({
  number: Number(b.number),
  hash: (b.hash as string).toLowerCase(),
  parentHash: b.parentHash.toLowerCase(),
  timestamp: Number(b.timestamp),
});

/** Selectors of the followed events: the topic-0 filter of every eth_getLogs. */
const followedTopics: Hex[] = [...new Set(followedEvents.map((e) => toEventSelector(e)))];

/**
 * The reader over `client`; headers are read through `batch` (a client made with a batch size,
 * `batchSize` headers per request) when given, else through `client`, HEADER_CONCURRENCY at once.
 * eth_getLogs never goes in a batch: one response stays one range, under the body size limit.
 */
export function createChainReader(
  client: PublicClient,
  retry: RetryOptions,
  batch?: { client: PublicClient; batchSize: number },
): ChainReader {
  const headerOf = (via: PublicClient, n: number) =>
    withRetry(
      "eth_getBlockByNumber",
      async () => {
        try {
          return toHeader(await via.getBlock({ blockNumber: BigInt(n) }));
        } catch (error) {
          if ((error as Error).name === "BlockNotFoundError") return null;
          throw error;
        }
      },
      retry,
    );
  const via = batch?.client ?? client;
  const chunk = batch ? batch.batchSize : HEADER_CONCURRENCY;
  return {
    chainId: () => withRetry("eth_chainId", () => client.getChainId(), retry),
    headNumber: async () =>
      Number(await withRetry("eth_blockNumber", () => client.getBlockNumber({ cacheTime: 0 }), retry)),
    header: (n) => headerOf(client, n),
    async headers(numbers) {
      const out: (BlockHeader | null)[] = [];
      for (let i = 0; i < numbers.length; i += chunk) {
        out.push(...(await Promise.all(numbers.slice(i, i + chunk).map((n) => headerOf(via, n)))));
      }
      return out;
    },
    logs: (addresses, fromBlock, toBlock) =>
      withRetry(
        "eth_getLogs",
        async () => {
          // A plain eth_getLogs: viem's getLogs with `events` would also decode every log, and the
          // follower decodes them itself (once, against the emitting contract's events).
          const raw = await client.request({
            method: "eth_getLogs",
            params: [
              {
                address: addresses,
                topics: [followedTopics],
                fromBlock: numberToHex(fromBlock),
                toBlock: numberToHex(toBlock),
              },
            ],
          });
          const logs = raw.map((log) => formatLog(log));
          for (const log of logs) {
            if (log.blockNumber === null) throw new ChainMovedError("getLogs returned a pending log");
          }
          return logs as Log[];
        },
        retry,
      ),
  };
}
