/**
 * Open-addressing hash map from non-negative safe integers to int32 values,
 * on typed arrays: several times faster than a Map for the millions of
 * (source, target) pair keys of an attention graph, and invisible to the GC.
 */
export class NumberMap {
  #keys: Float64Array;
  #values: Int32Array;
  #mask: number;
  #size = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.#keys = new Float64Array(cap).fill(-1);
    this.#values = new Int32Array(cap);
    this.#mask = cap - 1;
  }

  get size(): number {
    return this.#size;
  }

  #slot(key: number): number {
    // Multiplicative hashing of the low and high halves; keys are < 2^53.
    const lo = key >>> 0;
    const hi = Math.floor(key / 4294967296) >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    let i = h & this.#mask;
    const keys = this.#keys;
    for (;;) {
      const k = keys[i] as number;
      if (k === key || k === -1) return i;
      i = (i + 1) & this.#mask;
    }
  }

  /** The value of `key`, or -1 when absent (values stored are >= 0). */
  get(key: number): number {
    const i = this.#slot(key);
    return this.#keys[i] === key ? (this.#values[i] as number) : -1;
  }

  set(key: number, value: number): void {
    let i = this.#slot(key);
    if (this.#keys[i] !== key) {
      if ((this.#size + 1) * 2 > this.#keys.length) {
        this.#grow();
        i = this.#slot(key);
      }
      this.#keys[i] = key;
      this.#size++;
    }
    this.#values[i] = value;
  }

  /** Calls `fn` for every entry (in table order). */
  forEach(fn: (value: number, key: number) => void): void {
    const keys = this.#keys;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as number;
      if (k !== -1) fn(this.#values[i] as number, k);
    }
  }

  #grow(): void {
    const oldKeys = this.#keys;
    const oldValues = this.#values;
    this.#keys = new Float64Array(oldKeys.length * 2).fill(-1);
    this.#values = new Int32Array(oldKeys.length * 2);
    this.#mask = this.#keys.length - 1;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i] as number;
      if (k === -1) continue;
      const j = this.#slot(k);
      this.#keys[j] = k;
      this.#values[j] = oldValues[i] as number;
    }
  }
}
