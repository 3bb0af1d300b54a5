/**
 * Token buckets for message intake: each key (an account, a client address)
 * refills at `ratePerSec` up to `burst` tokens and spends one per message.
 * Keys idle long enough to be full again are forgotten, and at most `maxKeys`
 * buckets are kept (the least recently used go first), so a flood of fresh
 * keys costs bounded memory.
 */
export interface BucketOptions {
  ratePerSec: number;
  burst: number;
}

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface TokenBuckets {
  take(key: string): Take;
  size(): number;
}

export function createTokenBuckets(
  options: BucketOptions & { maxKeys?: number },
  now: () => number = () => performance.now() / 1000,
): TokenBuckets {
  const { ratePerSec, burst } = options;
  const maxKeys = options.maxKeys ?? 100_000;
  const buckets = new Map<string, { tokens: number; at: number }>();

  return {
    take(key) {
      const t = now();
      const b = buckets.get(key);
      let tokens = burst;
      if (b) {
        tokens = Math.min(burst, b.tokens + (t - b.at) * ratePerSec);
        buckets.delete(key); // re-inserted below: Map order is recency order
      }
      if (tokens < 1) {
        buckets.set(key, { tokens, at: t });
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / ratePerSec)) };
      }
      buckets.set(key, { tokens: tokens - 1, at: t });
      if (buckets.size > maxKeys) {
        const oldest = buckets.keys().next().value as string;
        buckets.delete(oldest);
      }
      return { ok: true };
    },
    size: () => buckets.size,
  };
}
