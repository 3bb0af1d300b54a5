/**
 * Errors of the chain follower. Each says whether retrying can help
 * (`retryable`): transient RPC failures are retried with backoff, fatal ones
 * (wrong chain, a reorg deeper than finality, bad config) stop the follower.
 */
import { AmpError, type AmpErrorOptions } from "#protocol";

export type ChainErrorOptions = AmpErrorOptions;

/** Any chain follower failure; `code` is CHAIN_* or RPC_*. */
export class ChainError extends AmpError {
  override name = "ChainError";
  constructor(shortMessage: string, options: ChainErrorOptions = {}, code = "CHAIN_ERROR") {
    super(code, shortMessage, options);
  }
}

/** An RPC request failed in a way that may succeed later (network, timeout, 5xx, rate limit). */
export class RpcTransientError extends ChainError {
  override name = "RpcTransientError";
  constructor(method: string, cause: unknown) {
    super(
      `RPC ${method} failed transiently`,
      { details: messageOf(cause), cause, retryable: true },
      "RPC_TRANSIENT",
    );
  }
}

/** An RPC request was refused for good (invalid params, unsupported method). */
export class RpcFatalError extends ChainError {
  override name = "RpcFatalError";
  constructor(method: string, cause: unknown) {
    super(`RPC ${method} failed`, { details: messageOf(cause), cause, retryable: false }, "RPC_FATAL");
  }
}

/** The chain changed under a batch being read (hash mismatch); re-reading resolves it. */
export class ChainMovedError extends ChainError {
  override name = "ChainMovedError";
  constructor(details: string) {
    super("chain changed while reading a batch", { details, retryable: true }, "CHAIN_MOVED");
  }
}

export class ReorgTooDeepError extends ChainError {
  override name = "ReorgTooDeepError";
  constructor(fromBlock: number, finalityDepth: number) {
    super(
      "reorg deeper than the finality depth",
      {
        details: `no stored block at or below ${fromBlock} matches the chain (finality depth ${finalityDepth}); rebuild the database`,
      },
      "CHAIN_REORG_TOO_DEEP",
    );
  }
}

export class WrongChainError extends ChainError {
  override name = "WrongChainError";
  constructor(expected: number, actual: number) {
    super(
      "RPC serves a different chain",
      { details: `expected chainId ${expected}, got ${actual}` },
      "CHAIN_WRONG_ID",
    );
  }
}

export function messageOf(error: unknown): string {
  if (error && typeof error === "object") {
    const e = error as { shortMessage?: string; message?: string; details?: string };
    if (e.shortMessage) return e.details ? `${e.shortMessage} (${e.details})` : e.shortMessage;
    return e.message ?? String(error);
  }
  return String(error);
}
