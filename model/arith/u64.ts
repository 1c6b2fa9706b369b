/**
 * Fixed-width integer helpers for modelling the kernel's C arithmetic in BigInt.
 *
 * C unsigned arithmetic is arithmetic modulo 2^N: a negative result wraps, and a
 * product or left shift silently loses the bits above bit N-1. These helpers
 * apply that truncation explicitly so every model function can compute on
 * unbounded BigInts and then say exactly where the kernel truncates.
 */

export const U64_MASK = (1n << 64n) - 1n;
export const U32_MASK = (1n << 32n) - 1n;
export const U64_MAX = U64_MASK;
export const U32_MAX = 0xffff_ffff;

/** Wrap to u64 (two's complement, so -1n becomes 2^64 - 1). */
export function u64(x: bigint): bigint {
  return BigInt.asUintN(64, x);
}

/** Wrap to u32, as a BigInt. */
export function u32(x: bigint): bigint {
  return BigInt.asUintN(32, x);
}

/** Reinterpret the low 64 bits as a signed s64 (the kernel's `(s64)x` cast). */
export function s64(x: bigint): bigint {
  return BigInt.asIntN(64, x);
}

/** True if x is a BigInt in [0, 2^64). */
export function isU64(x: bigint): boolean {
  return x >= 0n && x <= U64_MASK;
}

/**
 * Check that a JS number is an integer in [0, 2^32). The kernel's multipliers
 * are u32 fields; a value outside that range means a bug in the model, not a
 * wrap the kernel could ever perform, so we throw instead of truncating.
 */
export function assertU32(x: number, what: string): void {
  if (!Number.isInteger(x) || x < 0 || x > U32_MAX) {
    throw new RangeError(`${what} must be a u32 integer, got ${x}`);
  }
}

/** Check that a JS number is an integer in [lo, hi]. */
export function assertIntIn(x: number, lo: number, hi: number, what: string): void {
  if (!Number.isInteger(x) || x < lo || x > hi) {
    throw new RangeError(`${what} must be an integer in [${lo}, ${hi}], got ${x}`);
  }
}
