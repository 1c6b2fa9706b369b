/**
 * LAPIC TSC-deadline timer emulated with an hrtimer.
 *
 * Abstracts the delta conversion in start_sw_tscdeadline (arch/x86/kvm/lapic.c):
 *   ns = (tscdeadline - guest_tsc) * 1000000; do_div(ns, this_tsc_khz);
 * Arithmetic rules: the subtraction and the multiplication are u64 and wrap
 * mod 2^64; do_div is an unsigned floor division by a u32 divisor.
 */

import { isU64, u64 } from './u64.ts';

/**
 * Nanoseconds until a TSC deadline, as KVM computes them before arming the
 * hrtimer. The conversion floors, so the timer can be armed up to one ns
 * (plus the kHz rounding of the TSC rate) early.
 *
 * The caller must check deadline > guestTsc: the kernel computes this value
 * unconditionally but only uses it when the deadline is still in the future
 * (and ns exceeds timer_advance_ns); otherwise it expires the timer at once.
 * For a past deadline this function returns the kernel's meaningless wrapped
 * value rather than a negative number.
 */
export function lapicDeadlineNs(deadline: bigint, guestTsc: bigint, tscKhz: bigint): bigint {
  if (tscKhz <= 0n || tscKhz > 0xffff_ffffn) {
    throw new RangeError(`tscKhz must be a non-zero u32, got ${tscKhz}`);
  }
  if (!isU64(deadline) || !isU64(guestTsc)) {
    throw new RangeError('deadline and guestTsc must be u64 values');
  }
  const cycles = u64(deadline - guestTsc);
  return u64(cycles * 1_000_000n) / tscKhz;
}
