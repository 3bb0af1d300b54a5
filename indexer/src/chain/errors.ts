/**
 * Errors of the chain follower. Each says whether retrying a call can help
 * (`retryable`). The follower itself stops only on `isFatalChainError` (a
 * wrong chain, a reorg deeper than finality); anything else it retries with
 * a backoff while the API keeps serving.
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

/**
 * The RPC answered with an HTTP error status (401/403/404, 429, another 4xx):
 * a key, plan, quota or URL problem that someone must fix, or a provider that
 * throttles. Retried with a long backoff and logged loudly, never fatal.
 */
export class RpcRefusedError extends ChainError {
  override name = "RpcRefusedError";
  constructor(
    method: string,
    readonly status: number,
    cause: unknown,
  ) {
    super(`RPC ${method} refused with HTTP ${status}`, { details: messageOf(cause), cause, retryable: true });
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

/** The only errors that stop the follower: retrying cannot make the chain right. */
export function isFatalChainError(error: unknown): boolean {
  return error instanceof WrongChainError || error instanceof ReorgTooDeepError;
}

export function messageOf(error: unknown): string {
  if (error && typeof error === "object") {
    const e = error as { shortMessage?: string; message?: string; details?: string };
    if (e.shortMessage) return e.details ? `${e.shortMessage} (${e.details})` : e.shortMessage;
    return e.message ?? String(error);
  }
  return String(error);
}
