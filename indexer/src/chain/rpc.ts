/**
 * The RPC reads the follower needs, each retried on transient errors.
 * The viem client does no retries of its own, so backoff happens in one place.
 */
import { type Address, type Block, createPublicClient, http, type Log, type PublicClient } from "viem";
import { followedEvents } from "./abi.ts";
import { ChainMovedError } from "./errors.ts";
import { type RetryOptions, withRetry } from "./retry.ts";

export interface ChainReader {
  chainId(): Promise<number>;
  headNumber(): Promise<number>;
  /** Header of block `n`, or null when the chain has no such block (yet, or after a reorg). */
  header(n: number): Promise<BlockHeader | null>;
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

export function createRpcClient(url: string, timeoutMs: number): PublicClient {
  return createPublicClient({ transport: http(url, { retryCount: 0, timeout: timeoutMs, batch: false }) });
}

const toHeader = (b: Block): BlockHeader => ({
  number: Number(b.number),
  hash: (b.hash as string).toLowerCase(),
  parentHash: b.parentHash.toLowerCase(),
  timestamp: Number(b.timestamp),
});

export function createChainReader(client: PublicClient, retry: RetryOptions): ChainReader {
  return {
    chainId: () => withRetry("eth_chainId", () => client.getChainId(), retry),
    headNumber: async () =>
      Number(await withRetry("eth_blockNumber", () => client.getBlockNumber({ cacheTime: 0 }), retry)),
    header: (n) =>
      withRetry(
        "eth_getBlockByNumber",
        async () => {
          try {
            return toHeader(await client.getBlock({ blockNumber: BigInt(n) }));
          } catch (error) {
            if ((error as Error).name === "BlockNotFoundError") return null;
            throw error;
          }
        },
        retry,
      ),
    logs: (addresses, fromBlock, toBlock) =>
      withRetry(
        "eth_getLogs",
        async () => {
          const logs = await client.getLogs({
            address: addresses,
            events: followedEvents,
            fromBlock: BigInt(fromBlock),
            toBlock: BigInt(toBlock),
          });
          for (const log of logs) {
            if (log.blockNumber === null) throw new ChainMovedError("getLogs returned a pending log");
          }
          return logs as Log[];
        },
        retry,
      ),
  };
}
