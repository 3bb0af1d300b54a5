/** The share of a post that must be on screen for its dwell time to count. */
export const VISIBLE_RATIO = 0.5;

export interface DwellTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const defaultTimers: DwellTimers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Decides when a view receipt is due: a key fires once, after it stayed at
 * least half visible for `dwellMs` without interruption. Scrolling away
 * before that resets its clock.
 */
export class DwellTracker {
  private readonly timers = new Map<string, unknown>();
  private readonly fired = new Set<string>();
  private closed = false;

  constructor(
    private readonly dwellMs: number,
    private readonly onDwell: (key: string, dwellMs: number) => void,
    private readonly clock: DwellTimers = defaultTimers,
  ) {}

  /** Reports the visible ratio (0..1) of the element behind `key`. */
  update(key: string, ratio: number): void {
    if (this.closed || this.fired.has(key)) return;
    const pending = this.timers.has(key);
    if (ratio >= VISIBLE_RATIO && !pending) {
      const handle = this.clock.setTimeout(() => {
        this.timers.delete(key);
        this.fired.add(key);
        this.onDwell(key, this.dwellMs);
      }, this.dwellMs);
      this.timers.set(key, handle);
    } else if (ratio < VISIBLE_RATIO && pending) {
      this.clock.clearTimeout(this.timers.get(key));
      this.timers.delete(key);
    }
  }

  hasFired(key: string): boolean {
    return this.fired.has(key);
  }

  /** Stops every running clock; later updates start new ones. */
  dispose(): void {
    for (const handle of this.timers.values()) this.clock.clearTimeout(handle);
    this.timers.clear();
  }

  /** Stops every running clock for good: later updates are ignored (the account it counted for is gone). */
  close(): void {
    this.closed = true;
    this.dispose();
  }

  get pending(): number {
    return this.timers.size;
  }
}
