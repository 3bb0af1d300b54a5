/**
 * A fixed ring of float64 slots that keeps recent stream rankings for their
 * later pages. Rankings are written into reserved slots (or copied in) and
 * read back as views, so keeping one allocates nothing for the garbage
 * collector to trace or promote; the oldest are overwritten as new ones arrive.
 */
import type { StreamRanking } from "./stream-ranker.ts";

export interface KeptRanking {
  /** The ranking, its arrays viewing the ring: read it only while `RankingRing.holds` it. */
  ranking: StreamRanking;
  /** Absolute position of its first slot. */
  start: number;
}

export class RankingRing {
  readonly #slots: Float64Array;
  /** Slots written since creation, counting a tail skipped when a ranking did not fit before the end. */
  #written = 0;

  constructor(slots: number) {
    this.#slots = new Float64Array(slots);
  }

  /**
   * Takes `n` slots for each of a ranking's three arrays (the ranker writes straight into them);
   * null when they do not fit in the ring.
   */
  reserve(
    n: number,
  ): { start: number; scores: Float64Array; organic: Float64Array; choice: Float64Array } | null {
    const cap = this.#slots.length;
    if (3 * n > cap) return null;
    let at = this.#written % cap;
    if (at + 3 * n > cap) {
      this.#written += cap - at;
      at = 0;
    }
    const start = this.#written;
    this.#written += 3 * n;
    const slots = this.#slots;
    return {
      start,
      scores: slots.subarray(at, at + n),
      organic: slots.subarray(at + n, at + 2 * n),
      choice: slots.subarray(at + 2 * n, at + 3 * n),
    };
  }

  /** Copies a ranking in (its scores, organic scores and choices); null when it is larger than the ring. */
  keep(r: StreamRanking): KeptRanking | null {
    const n = r.total;
    const slots = this.reserve(n);
    if (!slots) return null;
    slots.scores.set(r.scores.subarray(0, n));
    slots.organic.set(r.organic.subarray(0, n));
    slots.choice.set(r.choice.subarray(0, n));
    return {
      start: slots.start,
      ranking: { set: r.set, total: n, scores: slots.scores, organic: slots.organic, choice: slots.choice },
    };
  }

  /** Whether a kept ranking is intact: no later one has been written over it. */
  holds(kept: KeptRanking): boolean {
    return this.#written - kept.start <= this.#slots.length;
  }
}
