/**
 * Exponential backoff with jitter for RPC calls. viem errors are classified:
 * network failures, timeouts, HTTP 408/5xx and JSON-RPC "limit"/"internal"
 * codes are transient and retried here; other HTTP statuses (401, 403, 404,
 * 429, ...) are `RpcRefusedError`, returned at once so the follower backs off
 * for long instead of hammering the provider; the rest is `RpcFatalError`.
 */
import { ChainError, RpcFatalError, RpcRefusedError, RpcTransientError } from "./errors.ts";

export interface RetryOptions {
  retries: number;
  baseMs: number;
  maxMs?: number;
  onRetry?: (error: ChainError, attempt: number, delayMs: number) => void;
  signal?: AbortSignal;
}

const TRANSIENT_RPC_CODES = new Set([-32000, -32002, -32005, -32603, 429]);

export function classifyRpcError(method: string, error: unknown): ChainError {
  if (error instanceof ChainError) return error;
  let e = error as { name?: string; status?: number; code?: number; cause?: unknown } | undefined;
  // viem wraps the transport error; look through the chain for the informative one.
  for (let depth = 0; e && depth < 5; depth++) {
    const name = e.name ?? "";
    if (name === "TimeoutError" || name === "AbortError" || name === "SocketClosedError") {
      return new RpcTransientError(method, error);
    }
    if (name === "HttpRequestError") {
      const status = e.status;
      if (status === undefined || status === 408 || status >= 500) {
        return new RpcTransientError(method, error);
      }
      return new RpcRefusedError(method, status, error);
    }
    if (typeof e.code === "number" && TRANSIENT_RPC_CODES.has(e.code))
      return new RpcTransientError(method, error);
    if (name === "TypeError" || name === "FetchError") return new RpcTransientError(method, error);
    e = e.cause as typeof e;
  }
  const text = String((error as Error)?.message ?? error);
  if (
    /fetch failed|ECONNRESET|ECONNREFUSED|socket hang up|network|timed? ?out|Unexpected end of JSON/i.test(
      text,
    )
  ) {
    return new RpcTransientError(method, error);
  }
  return new RpcFatalError(method, error);
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

export async function withRetry<T>(method: string, fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (raw) {
      const error = classifyRpcError(method, raw);
      const refused = error instanceof RpcRefusedError;
      if (!error.retryable || refused || attempt >= options.retries || options.signal?.aborted) throw error;
      const delay =
        Math.min(options.maxMs ?? 10_000, options.baseMs * 2 ** attempt) * (0.5 + Math.random() / 2);
      options.onRetry?.(error, attempt + 1, delay);
      await sleep(delay, options.signal);
    }
  }
}
