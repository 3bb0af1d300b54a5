/**
 * Deterministic exp and log for the epoch computation. IEEE-754 double
 * addition, subtraction, multiplication and division are correctly rounded,
 * so any conforming language gives the same bits for them; Math.exp and
 * Math.log are not specified to the last bit (engines and C libraries differ).
 * These functions use only +, -, *, / in a fixed order (no fused
 * multiply-add), exact power-of-two scaling and the constants below, so a
 * second implementation following docs/protocol.md ("Deterministic
 * arithmetic") reproduces every result bit for bit. Accuracy is within a few
 * units in the last place of the true value.
 */

/** ln 2 split in two (fdlibm): LN2_HI has 32 trailing zero bits, so k * LN2_HI is exact for |k| < 2^20. */
export const LN2_HI = 0.6931471803691238; // 0x3FE62E42FEE00000
export const LN2_LO = 1.9082149292705877e-10; // 0x3DEA39EF35793C76
/** 1 / ln 2 = log2(e) rounded to double. */
export const INV_LN2 = Math.LOG2E; // 0x3FF71547652B82FE
/** sqrt(2) rounded to double. */
export const SQRT2 = Math.SQRT2; // 0x3FF6A09E667F3BCD
/** Below this argument detExp returns 0, above EXP_MAX +Infinity. */
export const EXP_MIN = -708;
export const EXP_MAX = 709;
/** Terms of the Taylor series of exp(r), |r| <= ln2 / 2. */
const EXP_TERMS = 13;
/** Terms of the atanh series of log(m), m in (sqrt(2)/2, sqrt(2)]. */
const LOG_TERMS = 11;

const scratch = new DataView(new ArrayBuffer(8));

/** 2^k as a double, exactly, for -1022 <= k <= 1023 (the exponent field set directly). */
function pow2(k: number): number {
  scratch.setUint32(0, (k + 1023) << 20);
  scratch.setUint32(4, 0);
  return scratch.getFloat64(0);
}

/**
 * e^x. Range reduction x = k ln2 + r with k = floor(x * INV_LN2 + 0.5) and
 * r = (x - k * LN2_HI) - k * LN2_LO; then e^r by Horner's rule over the Taylor
 * series, p = 1, for n = 13 down to 1: p = 1 + (r * p) / n; the result is p * 2^k.
 */
export function detExp(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < EXP_MIN) return 0;
  if (x > EXP_MAX) return Number.POSITIVE_INFINITY;
  const k = Math.floor(x * INV_LN2 + 0.5);
  const r = x - k * LN2_HI - k * LN2_LO;
  let p = 1;
  for (let n = EXP_TERMS; n >= 1; n--) p = 1 + (r * p) / n;
  return p * pow2(k);
}

/**
 * Natural logarithm of x > 0 (NaN below 0, -Infinity at 0). x = m * 2^e with
 * m in (sqrt(2)/2, sqrt(2)] read off the bits (subnormals first scaled by 2^54);
 * s = (m - 1) / (m + 1), z = s * s; q = 0, for j = 11 down to 1:
 * q = (q + 1 / (2j + 1)) * z; log m = 2 * (s + s * q);
 * the result is e * LN2_HI + (log m + e * LN2_LO).
 */
export function detLog(x: number): number {
  if (Number.isNaN(x) || x < 0) return Number.NaN;
  if (x === 0) return Number.NEGATIVE_INFINITY;
  if (x === Number.POSITIVE_INFINITY) return x;
  let e = 0;
  let v = x;
  scratch.setFloat64(0, v);
  if (((scratch.getUint32(0) >>> 20) & 0x7ff) === 0) {
    v *= pow2(54);
    e = -54;
    scratch.setFloat64(0, v);
  }
  const hi = scratch.getUint32(0);
  e += ((hi >>> 20) & 0x7ff) - 1023;
  // Exponent field set to 1023: m in [1, 2), exactly x / 2^e.
  scratch.setUint32(0, (hi & 0x800fffff) | 0x3ff00000);
  let m = scratch.getFloat64(0);
  if (m > SQRT2) {
    m /= 2;
    e += 1;
  }
  const s = (m - 1) / (m + 1);
  const z = s * s;
  let q = 0;
  for (let j = LOG_TERMS; j >= 1; j--) q = (q + 1 / (2 * j + 1)) * z;
  const logM = 2 * (s + s * q);
  return e * LN2_HI + (logM + e * LN2_LO);
}

/** ln(1 + y) for y > -1, accurate for small y: u = 1 + y; y when u = 1, else detLog(u) * (y / (u - 1)). */
export function detLog1p(y: number): number {
  if (Number.isNaN(y) || y < -1) return Number.NaN;
  const u = 1 + y;
  if (u === 1) return y;
  if (u === Number.POSITIVE_INFINITY) return u;
  return detLog(u) * (y / (u - 1));
}
