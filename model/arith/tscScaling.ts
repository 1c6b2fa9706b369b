/**
 * Hardware TSC scaling: the ratio KVM programs for a vCPU whose guest TSC rate was set with
 * KVM_SET_TSC_KHZ.
 *
 * Abstracts (arch/x86/kvm/x86.c, unchanged in substance from the VMX scaling of 4.6 to today):
 *   - kvm_set_tsc_khz: no scaling when the requested rate is within tsc_tolerance_ppm (default
 *     250) of the host's tsc_khz, bounds from adjust_tsc_khz;
 *   - set_tsc_khz: ratio = mul_u64_u32_div(1 << frac_bits, user_tsc_khz, tsc_khz), refused when 0
 *     or not below the vendor's maximum (VMX: 48 fraction bits, any u64 below ~0; SVM: 32
 *     fraction bits, an 8.32 ratio below 2^40);
 *   - mul_u64_u32_div (include/linux/math64.h): (a * mul) / divisor on the exact 96-bit product,
 *     the quotient truncated to u64.
 *
 * Arithmetic rules: adjust_tsc_khz multiplies a u32 kHz by (1e6 + ppm) in u64, divides by 1e6 and
 * returns a u32; the ratio is a u64.
 */
import { assertIntIn, isU64, u32, u64, U64_MAX } from './u64.ts';

/** The fraction bits of the TSC multiplier: VMX (kvm_caps.tsc_scaling_ratio_frac_bits = 48) or SVM (32). */
export type TscFracBits = 48 | 32;

/** kvm_caps.max_tsc_scaling_ratio: VMX's TSC multiplier is any u64, SVM's TSC ratio MSR is 8.32. */
export function maxTscScalingRatio(fracBits: TscFracBits): bigint {
  return fracBits === 32 ? (1n << 40n) - 1n : U64_MAX;
}

/** kvm_caps.default_tsc_scaling_ratio: 1.0 in the multiplier's fixed point. */
export function defaultTscScalingRatio(fracBits: TscFracBits): bigint {
  return 1n << BigInt(fracBits);
}

/** mul_u64_u32_div(a, mul, divisor): floor(a * mul / divisor), truncated to u64. */
export function mulU64U32Div(a: bigint, mul: bigint, divisor: bigint): bigint {
  if (!isU64(a)) throw new RangeError(`mulU64U32Div needs a u64, got ${a}`);
  if (mul < 0n || mul > 0xffff_ffffn || divisor <= 0n || divisor > 0xffff_ffffn)
    throw new RangeError(
      `mulU64U32Div needs u32 factors and a non-zero divisor, got ${mul}, ${divisor}`,
    );
  return u64((a * mul) / divisor);
}

/** adjust_tsc_khz(khz, ppm): khz scaled by (1e6 + ppm) / 1e6, floored, as the u32 it returns. */
export function adjustTscKhz(khz: bigint, ppm: number): bigint {
  assertIntIn(ppm, -1_000_000, 0x7fff_ffff, 'ppm');
  return u32(u64(khz * (1_000_000n + BigInt(ppm))) / 1_000_000n);
}

export interface TscScalingCaps {
  readonly fracBits: TscFracBits;
  /** The module parameter tsc_tolerance_ppm (250 by default). */
  readonly tolerancePpm: number;
}

/**
 * The l1_tsc_scaling_ratio kvm_set_tsc_khz gives a vCPU that asks for `userKhz` on a host whose
 * tsc_khz is `hostKhz`: the default ratio (no scaling) within the tolerance, else the computed
 * one. Where the kernel refuses the rate (KVM_SET_TSC_KHZ fails), this throws: a configuration
 * the kernel would not run.
 */
export function kvmTscScalingRatio(userKhz: bigint, hostKhz: bigint, caps: TscScalingCaps): bigint {
  if (userKhz <= 0n || userKhz > 0xffff_ffffn)
    throw new RangeError(`a guest TSC rate must be a non-zero u32 of kHz, got ${userKhz}`);
  if (hostKhz <= 0n || hostKhz > 0xffff_ffffn)
    throw new RangeError(`the host tsc_khz must be a non-zero u32, got ${hostKhz}`);
  const lo = adjustTscKhz(hostKhz, -caps.tolerancePpm);
  const hi = adjustTscKhz(hostKhz, caps.tolerancePpm);
  if (userKhz >= lo && userKhz <= hi) return defaultTscScalingRatio(caps.fracBits);
  const ratio = mulU64U32Div(defaultTscScalingRatio(caps.fracBits), userKhz, hostKhz);
  if (ratio === 0n || ratio >= maxTscScalingRatio(caps.fracBits))
    throw new RangeError(
      `KVM_SET_TSC_KHZ ${userKhz} on a ${hostKhz} kHz host: invalid TSC scaling ratio ${ratio}`,
    );
  return ratio;
}
