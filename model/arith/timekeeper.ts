/**
 * Host timekeeper arithmetic (the clocksource -> nanoseconds conversion).
 *
 * Abstracts:
 *   - clocks_calc_mult_shift and the TSC registration path of
 *     __clocksource_update_freq_scale (kernel/time/clocksource.c);
 *   - timekeeping_get_ns / timekeeping_cycles_to_ns, the accumulation done by
 *     timekeeping_advance, and timekeeping_apply_adjustment
 *     (kernel/time/timekeeping.c).
 *
 * Model of struct tk_read_base: ns(cycles) = base + ((delta * mult + xtimeNsec) >> shift)
 * where delta = (cycles - cycleLast) mod 2^64 (a TSC clocksource, mask 2^64 - 1).
 * xtimeNsec holds nanoseconds shifted left by `shift`, so it keeps the
 * fractional nanosecond; whole nanoseconds are moved into `base` on
 * accumulation. Products are exact (the kernel uses a 128-bit multiply when
 * delta * mult would overflow), and `>>` on BigInt is floor division.
 */

import { assertIntIn, assertU32, isU64, u32, u64, U32_MAX } from './u64.ts';

/** A snapshot of one timekeeper read base (struct tk_read_base + base ns). */
export interface TkClock {
  /** u64 clocksource value at the last accumulation. */
  readonly cycleLast: bigint;
  /** u32 cycles -> (ns << shift) multiplier, NTP-adjusted. */
  readonly mult: number;
  /** Fixed-point shift, 0..32 in practice. */
  readonly shift: number;
  /** Shifted nanoseconds not yet moved into base; signed in the model. */
  readonly xtimeNsec: bigint;
  /** Whole nanoseconds at cycleLast (minus what xtimeNsec still holds). */
  readonly base: bigint;
}

export interface MultShift {
  readonly mult: number;
  readonly shift: number;
}

function checkU32Big(x: bigint, what: string): void {
  if (x < 0n || x > BigInt(U32_MAX)) {
    throw new RangeError(`${what} must be a u32, got ${x}`);
  }
}

/**
 * clocks_calc_mult_shift(from, to, maxsec): the largest shift <= 32 whose
 * rounded multiplier round(to << shift / from) still lets maxsec seconds of
 * `from`-rate cycles be multiplied without overflowing 64 bits. All three
 * inputs are u32 in the kernel; from must be non-zero (it is a divisor).
 * If no shift in 32..1 fits, the kernel leaves shift = 0 and the mult computed
 * for shift 1, truncated to u32; that is reproduced here.
 */
export function clocksCalcMultShift(from: bigint, to: bigint, maxsec: bigint): MultShift {
  checkU32Big(from, 'from');
  checkU32Big(to, 'to');
  checkU32Big(maxsec, 'maxsec');
  if (from === 0n) throw new RangeError('from must be non-zero');

  // sftacc: how many bits of the multiplier remain once maxsec*from cycles
  // are accounted for (64 - bits(maxsec*from), capped at 32).
  let sftacc = 32n;
  let tmp = (maxsec * from) >> 32n;
  while (tmp !== 0n) {
    tmp >>= 1n;
    sftacc--;
  }

  let sft = 32n;
  for (; sft > 0n; sft--) {
    // Rounded to nearest: (to << sft + from / 2) / from, all in u64.
    tmp = ((to << sft) + from / 2n) / from;
    if (tmp >> sftacc === 0n) break;
  }
  return { mult: Number(u32(tmp)), shift: Number(sft) };
}

/**
 * The (mult, shift) a TSC clocksource gets from clocksource_register_khz:
 * __clocksource_update_freq_scale(cs, 1000, khz) with a 64-bit mask. For any
 * u32 khz the conversion range mask / khz / 1000 exceeds 600 s, so it is
 * capped at 600 s and maxsec = 600 * 1000. Then, as the kernel does, mult is
 * halved (and shift decremented) while mult +/- the 11% NTP headroom (maxadj)
 * would overflow a u32; this only fires for very slow clocks.
 */
export function clocksourceMultShiftKhz(khz: bigint): MultShift {
  let { mult, shift } = clocksCalcMultShift(khz, 1_000_000n, 600_000n);
  const maxadj = (m: number): number => Math.floor((m * 11) / 100);
  while (mult + maxadj(mult) > U32_MAX) {
    mult = Math.floor(mult / 2);
    shift--;
  }
  return { mult, shift };
}

/**
 * Convenience: a timekeeper for a TSC of `khz` kHz that reads `base` ns at
 * TSC value `cycleLast`.
 */
export function timekeeperInitial(khz: bigint, cycleLast = 0n, base = 0n): TkClock {
  const { mult, shift } = clocksourceMultShiftKhz(khz);
  return tkClock(u64(cycleLast), mult, shift, 0n, base);
}

/**
 * A clock, field by field: clocks built here all have one shape, and copying one with a field
 * changed costs an object literal, not a spread (V8's slow path for `{ ...tk, base }`).
 */
function tkClock(
  cycleLast: bigint,
  mult: number,
  shift: number,
  xtimeNsec: bigint,
  base: bigint,
): TkClock {
  return { cycleLast, mult, shift, xtimeNsec, base };
}

/** (cycles - cycleLast) masked to the 64-bit clocksource width. */
function tkDelta(tk: TkClock, cycles: bigint): bigint {
  return u64(cycles - tk.cycleLast);
}

/**
 * timekeeping_get_ns: ns at clocksource value `cycles`. The delta wraps mod
 * 2^64, so a value a little below cycleLast reads as ~2^64 cycles ahead; see
 * timekeeperReadValidated for the clamp recent kernels apply.
 */
export function timekeeperRead(tk: TkClock, cycles: bigint): bigint {
  const delta = tkDelta(tk, cycles);
  return tk.base + ((delta * BigInt(tk.mult) + tk.xtimeNsec) >> BigInt(tk.shift));
}

/**
 * timekeeperRead plus the negative-motion check of recent kernels'
 * timekeeping_cycles_to_ns: a delta with the top bit of the mask set is taken
 * to be a clocksource that went backwards, and the read returns the value at
 * cycleLast (delta = 0) instead of a time ~2^64 cycles in the future.
 */
export function timekeeperReadValidated(tk: TkClock, cycles: bigint): bigint {
  const delta = tkDelta(tk, cycles);
  if (delta >> 63n !== 0n) return timekeeperRead(tk, tk.cycleLast);
  return timekeeperRead(tk, cycles);
}

/** Move whole nanoseconds from xtimeNsec into base; read-preserving. */
function normalize(tk: TkClock): TkClock {
  const shift = BigInt(tk.shift);
  // Floor split, correct for negative xtimeNsec too: x = (x >> s) << s + (x & mask).
  const whole = tk.xtimeNsec >> shift;
  const frac = tk.xtimeNsec & ((1n << shift) - 1n);
  return tkClock(tk.cycleLast, tk.mult, tk.shift, frac, tk.base + whole);
}

/**
 * Accumulate whole multiples of `interval` cycles (timekeeping_advance with
 * cycle_interval): cycleLast moves forward by n * interval where n =
 * floor(delta / interval), and the corresponding shifted nanoseconds are added
 * to xtimeNsec and then normalised into base. Reads at every cycles value at
 * or after the new cycleLast (within the same 2^64 window) are unchanged.
 * The delta is the same u64-wrapped delta timekeeperRead uses.
 */
export function timekeeperAccumulate(tk: TkClock, cycles: bigint, interval: bigint): TkClock {
  if (interval <= 0n) throw new RangeError(`interval must be positive, got ${interval}`);
  const delta = tkDelta(tk, cycles);
  const consumed = (delta / interval) * interval;
  const xtimeNsec = tk.xtimeNsec + consumed * BigInt(tk.mult);
  return normalize(tkClock(u64(tk.cycleLast + consumed), tk.mult, tk.shift, xtimeNsec, tk.base));
}

/** Accumulate everything up to `cycles` (cycleLast becomes cycles mod 2^64). */
export function timekeeperAccumulateAll(tk: TkClock, cycles: bigint): TkClock {
  return timekeeperAccumulate(tk, cycles, 1n);
}

/**
 * timekeeping_apply_adjustment: change mult by `adj` at a point `offset`
 * cycles past cycleLast (the not-yet-accumulated cycles). xtimeNsec is reduced
 * by adj * offset so that ns(cycleLast + offset) is unchanged; only the slope
 * after cycleLast changes. If xtimeNsec goes negative, whole nanoseconds are
 * borrowed from base to bring it back into [0, 2^shift) (the kernel borrows a
 * whole second from xtime_sec; the read value is the same either way).
 * A non-negative xtimeNsec is left as is.
 */
export function timekeeperApplyAdjustment(tk: TkClock, adj: number, offset: bigint): TkClock {
  assertIntIn(adj, -U32_MAX, U32_MAX, 'adj');
  if (!isU64(offset)) throw new RangeError(`offset must be a u64, got ${offset}`);
  const mult = tk.mult + adj;
  assertU32(mult, 'mult + adj');
  const xtimeNsec = tk.xtimeNsec - BigInt(adj) * offset;
  const adjusted = tkClock(tk.cycleLast, mult, tk.shift, xtimeNsec, tk.base);
  return adjusted.xtimeNsec < 0n ? normalize(adjusted) : adjusted;
}
