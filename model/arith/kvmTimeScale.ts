/**
 * Host-side KVM conversion factors.
 *
 * Abstracts:
 *   - kvm_get_time_scale (arch/x86/kvm/x86.c): find (shift, mul) such that
 *     pvclock_scale_delta(x, mul, shift) ~= x * scaled_hz / base_hz;
 *   - kvm_scale_tsc / __scale_tsc (arch/x86/kvm/x86.c): hardware TSC scaling,
 *     mul_u64_u64_shr(tsc, ratio, frac_bits).
 *
 * Arithmetic rules: scaled64/tps64 are u64, tps32 is a u32 (truncated from
 * tps64 after the first loop has cleared its high half), and the final
 * div_frac computes (scaled64 << 32) / tps32 with a 32-bit quotient.
 * mul_u64_u64_shr uses the full 128-bit product and truncates the shifted
 * result to u64.
 */

import { assertIntIn, isU64, u32, u64, U32_MASK, U64_MASK } from './u64.ts';

const HIGH32 = U64_MASK ^ U32_MASK; // 0xffffffff00000000
const BIT31 = 1n << 31n;

export interface TimeScale {
  /** s8 pre-shift for pvclock_scale_delta. */
  readonly shift: number;
  /** u32 0.32 fixed-point multiplier. */
  readonly mul: number;
}

/**
 * kvm_get_time_scale(scaled_hz, base_hz): returns the (shift, mul) pair so that
 * a count of base_hz-rate ticks converts to scaled_hz-rate units via
 * pvclockScaleDelta. Both rates are u64. If the first loop leaves tps32 at 0
 * (base_hz = 0, scaled_hz = 0, or scaled_hz = 2^63, where scaled_hz * 2 wraps
 * to 0) the kernel's second loop never terminates; we throw instead.
 */
export function kvmGetTimeScale(scaledHz: bigint, baseHz: bigint): TimeScale {
  if (!isU64(scaledHz) || !isU64(baseHz)) {
    throw new RangeError(`kvmGetTimeScale needs u64 rates, got ${scaledHz}, ${baseHz}`);
  }
  let shift = 0;
  let tps64 = baseHz;
  let scaled64 = scaledHz;

  // Halve the base rate until it is at most twice the target and fits in 32
  // bits. `scaled64 * 2` is a u64 product in C, so it wraps for huge inputs.
  while (tps64 > u64(scaled64 * 2n) || (tps64 & HIGH32) !== 0n) {
    tps64 >>= 1n;
    shift--;
  }

  // Then make the base strictly greater than the target, with the target in
  // 32 bits: double the base unless that would overflow its u32, else halve
  // the target.
  let tps32 = u32(tps64);
  if (tps32 === 0n) {
    throw new RangeError(
      `kvm_get_time_scale(${scaledHz}, ${baseHz}) would not terminate (tps32 reached 0)`,
    );
  }
  while (tps32 <= scaled64 || (scaled64 & HIGH32) !== 0n) {
    if ((scaled64 & HIGH32) !== 0n || (tps32 & BIT31) !== 0n) {
      scaled64 >>= 1n;
    } else {
      tps32 = u32(tps32 << 1n);
    }
    shift++;
  }

  // div_frac: scaled64 < tps32 here, so the quotient fits in 32 bits.
  const mul = (scaled64 << 32n) / tps32;
  return { shift, mul: Number(mul) };
}

/**
 * mul_u64_u64_shr(a, b, shift): exact 128-bit product shifted right, truncated
 * to u64. Inputs are wrapped to u64 on entry.
 */
export function mulU64U64Shr(a: bigint, b: bigint, shift: number): bigint {
  assertIntIn(shift, 0, 127, 'shift');
  return u64((u64(a) * u64(b)) >> BigInt(shift));
}

/**
 * kvm_scale_tsc(tsc, ratio): the TSC the guest sees under hardware TSC scaling,
 * with `ratio` a fixed-point number with `fracBits` fractional bits (48 on VMX,
 * 32 on SVM). The kernel skips the multiply when ratio is the default
 * 1 << frac_bits; the formula gives the same answer (tsc) in that case.
 */
export function kvmScaleTsc(tsc: bigint, ratio: bigint, fracBits: number): bigint {
  return mulU64U64Shr(tsc, ratio, fracBits);
}
