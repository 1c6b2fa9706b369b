/**
 * Guest-side kvmclock (pvclock) arithmetic.
 *
 * Abstracts:
 *   - struct pvclock_vcpu_time_info and PVCLOCK_TSC_STABLE_BIT
 *     (arch/x86/include/asm/pvclock-abi.h)
 *   - pvclock_scale_delta and __pvclock_read_cycles (arch/x86/include/asm/pvclock.h)
 *   - mul_u64_u32_shr (include/linux/math64.h, x86-64 __int128 variant)
 *
 * Arithmetic rules (all BigInt, made explicit):
 *   - every u64 input is wrapped mod 2^64 first (so a negative delta wraps);
 *   - the pre-scaling left shift is a u64 shift: bits shifted out are lost;
 *   - the multiply by the u32 fraction is done on the full 96-bit product and
 *     only the shifted result is truncated to u64;
 *   - the final addition to system_time wraps mod 2^64.
 */

import { assertIntIn, assertU32, u64 } from './u64.ts';

/**
 * struct pvclock_vcpu_time_info, field by field. Widths: version u32,
 * tscTimestamp u64, systemTime u64, tscToSystemMul u32, tscShift s8, flags u8.
 */
export interface Pvti {
  readonly version: number;
  readonly tscTimestamp: bigint;
  readonly systemTime: bigint;
  readonly tscToSystemMul: number;
  readonly tscShift: number;
  readonly flags: number;
}

/**
 * A page, field by field in struct order. Pages built here all have one shape, so copying a page
 * with one field changed costs an object literal, not a spread (`{ ...page, version }` takes V8's
 * slow path, about 0.45 µs a copy on the bench machine).
 */
export function pvtiPage(
  version: number,
  tscTimestamp: bigint,
  systemTime: bigint,
  tscToSystemMul: number,
  tscShift: number,
  flags: number,
): Pvti {
  return { version, tscTimestamp, systemTime, tscToSystemMul, tscShift, flags };
}

/** PVCLOCK_TSC_STABLE_BIT is (1 << 0) in pvclock-abi.h. */
export const PVCLOCK_TSC_STABLE_BIT = 1;
/** PVCLOCK_GUEST_STOPPED is (1 << 1) in pvclock-abi.h. */
export const PVCLOCK_GUEST_STOPPED = 2;

/**
 * mul_u64_u32_shr(a, mul, shift): (a * mul) >> shift on the exact 96-bit
 * product, result truncated to u64. `a` is wrapped to u64 on entry. Shift may
 * be 0..127 (the x86-64 implementation shifts an unsigned __int128).
 */
export function mulU64U32Shr(a: bigint, mul: number, shift: number): bigint {
  assertU32(mul, 'mul');
  assertIntIn(shift, 0, 127, 'shift');
  return u64((u64(a) * BigInt(mul)) >> BigInt(shift));
}

/**
 * pvclock_scale_delta(delta, mul_frac, shift): pre-shift the u64 delta
 * (right for negative shift, left for positive, losing bits shifted out of 64),
 * then multiply by the 0.32 fixed-point fraction mul_frac and keep bits 32..95.
 *
 * A shift of magnitude >= 64 is undefined behaviour in C, so it is rejected.
 */
export function pvclockScaleDelta(delta: bigint, mul: number, shift: number): bigint {
  assertIntIn(shift, -63, 63, 'shift');
  const d = u64(delta);
  const shifted = shift < 0 ? d >> BigInt(-shift) : u64(d << BigInt(shift));
  return mulU64U32Shr(shifted, mul, 32);
}

/**
 * __pvclock_read_cycles(src, tsc): system_time + scale(tsc - tsc_timestamp).
 * The subtraction is u64, so a TSC read below tsc_timestamp gives a delta near
 * 2^64 rather than a negative one; the kernel does not guard against that here.
 */
export function pvclockReadCycles(pvti: Pvti, tsc: bigint): bigint {
  const delta = u64(tsc - pvti.tscTimestamp);
  const offset = pvclockScaleDelta(delta, pvti.tscToSystemMul, pvti.tscShift);
  return u64(pvti.systemTime + offset);
}
