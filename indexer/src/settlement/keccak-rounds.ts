/** The Keccak-f[1600] round description shared by the JavaScript and WebAssembly permutations. */

/** The 24 round constants (iota), from the LFSR x^8 + x^6 + x^5 + x^4 + 1. */
export function roundConstants(): bigint[] {
  const bit = (t: number): number => {
    if (t % 255 === 0) return 1;
    let r = 1;
    for (let i = 1; i <= t % 255; i++) {
      r <<= 1;
      if (r & 0x100) r ^= 0x171;
    }
    return r & 1;
  };
  const out: bigint[] = [];
  for (let round = 0; round < 24; round++) {
    let rc = 0n;
    for (let j = 0; j <= 6; j++) if (bit(j + 7 * round)) rc |= 1n << BigInt(2 ** j - 1);
    out.push(rc);
  }
  return out;
}

/** Rotation offsets (rho) per lane x + 5y. */
export function rotationOffsets(): number[] {
  const r = new Array<number>(25).fill(0);
  let x = 1;
  let y = 0;
  for (let t = 0; t < 24; t++) {
    r[x + 5 * y] = (((t + 1) * (t + 2)) / 2) % 64;
    [x, y] = [y, (2 * x + 3 * y) % 5];
  }
  return r;
}
