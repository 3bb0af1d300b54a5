/**
 * A fixed ring of float64 slots that keeps recent stream rankings for their
 * later pages. Rankings are copied in and read back as views, so keeping one
 * allocates nothing for the garbage collector to trace or promote; the oldest
 * are overwritten as new ones arrive.
 */
import type { StreamRanking } from "./model.ts";

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

  /** Copies a ranking in (its scores, organic scores and choices); null when it is larger than the ring. */
  keep(r: StreamRanking): KeptRanking | null {
    const n = r.total;
    const cap = this.#slots.length;
    if (3 * n > cap) return null;
    let at = this.#written % cap;
    if (at + 3 * n > cap) {
      this.#written += cap - at;
      at = 0;
    }
    const start = this.#written;
    const slots = this.#slots;
    slots.set(r.scores.subarray(0, n), at);
    slots.set(r.organic.subarray(0, n), at + n);
    slots.set(r.choice.subarray(0, n), at + 2 * n);
    this.#written += 3 * n;
    return {
      start,
      ranking: {
        set: r.set,
        total: n,
        scores: slots.subarray(at, at + n),
        organic: slots.subarray(at + n, at + 2 * n),
        choice: slots.subarray(at + 2 * n, at + 3 * n),
      },
    };
  }

  /** Whether a kept ranking is intact: no later one has been written over it. */
  holds(kept: KeptRanking): boolean {
    return this.#written - kept.start <= this.#slots.length;
  }
}
