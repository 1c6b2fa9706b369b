import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clocksCalcMultShift,
  clocksourceMultShiftKhz,
  timekeeperAccumulate,
  timekeeperAccumulateAll,
  timekeeperApplyAdjustment,
  timekeeperInitial,
  timekeeperRead,
  timekeeperReadValidated,
  type TkClock,
} from '../../../model/arith/index.ts';
import { floorDiv, MAX_U32, MAX_U64, mod64, TWO_64, u64Arb } from './arbitraries.ts';

const U32N = BigInt(MAX_U32);

/** Reference read: exact rational value, floored with an explicit floor division. */
function refRead(tk: TkClock, cycles: bigint): bigint {
  const delta = mod64(cycles - tk.cycleLast);
  return tk.base + floorDiv(delta * BigInt(tk.mult) + tk.xtimeNsec, 2n ** BigInt(tk.shift));
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/**
 * Reference clocks_calc_mult_shift written from its contract rather than its loop:
 * the accuracy budget is 64 - bits(maxsec * from) bits (at most 32), and the
 * answer is the largest shift in 1..32 whose rounded multiplier fits the budget
 * (searched upwards here); if none fits, shift 0 with the shift-1 multiplier.
 */
function refCalcMultShift(
  from: bigint,
  to: bigint,
  maxsec: bigint,
): { mult: number; shift: number } {
  const budget = BigInt(Math.min(32, 64 - bitLength(maxsec * from)));
  const rounded = (sft: bigint): bigint => (to * 2n ** sft + from / 2n) / from;
  let best: bigint | undefined;
  for (let sft = 1n; sft <= 32n; sft++) {
    if (rounded(sft) < 2n ** budget) best = sft;
  }
  if (best === undefined) return { mult: Number(rounded(1n) % 2n ** 32n), shift: 0 };
  return { mult: Number(rounded(best)), shift: Number(best) };
}

/** Timekeeper states like the kernel's: realistic mult/shift pairs, any cycleLast, fractional xtimeNsec. */
const tkArb: fc.Arbitrary<TkClock> = fc
  .record({
    cycleLast: u64Arb,
    mult: fc.oneof(fc.integer({ min: 1, max: MAX_U32 }), fc.constantFrom(1, 6710886, 2 ** 31)),
    shift: fc.integer({ min: 0, max: 32 }),
    xtimeFrac: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    base: fc.bigInt({ min: -(1n << 62n), max: 1n << 62n }),
  })
  .map(({ cycleLast, mult, shift, xtimeFrac, base }) => ({
    cycleLast,
    mult,
    shift,
    // Up to a few whole ns plus a fraction, like xtime_nsec between accumulations.
    xtimeNsec: xtimeFrac % (8n << BigInt(shift)),
    base,
  }));

/** An offset past cycleLast, biased towards small values, but reaching the top of the u64 window. */
const offsetArb = fc.oneof(
  fc.bigInt({ min: 0n, max: 1n << 32n }),
  fc.bigInt({ min: 0n, max: 1n << 45n }),
  fc.bigInt({ min: 0n, max: MAX_U64 }),
  fc.constantFrom(0n, 1n, MAX_U64),
);

describe('clocksCalcMultShift (clocks_calc_mult_shift)', () => {
  it('known answer: a 2.5 GHz TSC registered in kHz with a 600 s range', () => {
    expect(clocksCalcMultShift(2_500_000n, 1_000_000n, 600_000n)).toEqual({
      mult: 6710886,
      shift: 24,
    });
    expect(clocksourceMultShiftKhz(2_500_000n)).toEqual({ mult: 6710886, shift: 24 });
  });

  it('RAW ns of one second of 2.5 GHz cycles is 60 ns short (mult rounds down)', () => {
    const tk: TkClock = { cycleLast: 0n, mult: 6710886, shift: 24, xtimeNsec: 0n, base: 0n };
    expect(timekeeperRead(tk, 2_500_000_000n)).toBe(999_999_940n);
  });

  it('a 1 MHz clock: mult is halved to leave 11% NTP headroom in a u32', () => {
    expect(clocksCalcMultShift(1000n, 1_000_000n, 600_000n)).toEqual({
      mult: 4_194_304_000,
      shift: 22,
    });
    expect(clocksourceMultShiftKhz(1000n)).toEqual({ mult: 2_097_152_000, shift: 21 });
  });

  it('degenerate range: if no shift fits, shift 0 and the shift-1 mult truncated to u32', () => {
    // maxsec * from fills 64 bits, so the budget is 0 bits and nothing fits.
    expect(clocksCalcMultShift(U32N, U32N, U32N)).toEqual(refCalcMultShift(U32N, U32N, U32N));
    expect(clocksCalcMultShift(U32N, U32N, U32N).shift).toBe(0);
  });

  it('matches the contract-based reference for random u32 inputs', () => {
    const u32Big = fc.oneof(
      fc.bigInt({ min: 1n, max: BigInt(MAX_U32) }),
      fc.bigInt({ min: 1n, max: 10_000_000n }),
    );
    fc.assert(
      fc.property(u32Big, u32Big, u32Big, (from, to, maxsec) => {
        expect(clocksCalcMultShift(from, to, maxsec)).toEqual(refCalcMultShift(from, to, maxsec));
      }),
      { seed: 20, numRuns: 500 },
    );
  });

  it('when a shift fits: maxsec*from cycles never overflow the multiply, and mult/2^shift is within 1/2^shift of to/from', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1_000n, max: 5_000_000n }), // kHz: 1 MHz .. 5 GHz
        fc.bigInt({ min: 1n, max: 1_000_000n }),
        fc.bigInt({ min: 1n, max: 600_000n }),
        (from, to, maxsec) => {
          const { mult, shift } = clocksCalcMultShift(from, to, maxsec);
          fc.pre(shift > 0);
          const m = BigInt(mult);
          expect(m * maxsec * from < TWO_64).toBe(true);
          // |mult - to * 2^shift / from| <= 1/2, i.e. rounded to nearest.
          const err = m * from - (to << BigInt(shift));
          expect(2n * (err < 0n ? -err : err) <= from).toBe(true);
        },
      ),
      { seed: 21, numRuns: 500 },
    );
  });

  it('rejects a zero or non-u32 from', () => {
    expect(() => clocksCalcMultShift(0n, 1n, 1n)).toThrow(RangeError);
    expect(() => clocksCalcMultShift(1n << 32n, 1n, 1n)).toThrow(RangeError);
    expect(() => clocksCalcMultShift(1n, -1n, 1n)).toThrow(RangeError);
  });
});

describe('timekeeperRead (timekeeping_get_ns)', () => {
  it('matches the floor-division reference, including deltas that wrap past 2^64', () => {
    fc.assert(
      fc.property(tkArb, u64Arb, (tk, cycles) => {
        expect(timekeeperRead(tk, cycles)).toBe(refRead(tk, cycles));
      }),
      { seed: 22, numRuns: 1000 },
    );
  });

  it('a clocksource read one cycle behind cycleLast wraps to ~2^64 cycles ahead', () => {
    const tk = timekeeperInitial(2_500_000n, 1000n, 0n);
    expect(timekeeperRead(tk, 999n)).toBe((MAX_U64 * 6710886n) >> 24n);
    // Recent kernels treat that as negative motion and return the cycleLast value.
    expect(timekeeperReadValidated(tk, 999n)).toBe(0n);
  });

  it('is non-decreasing in cycles across the whole u64 window after cycleLast', () => {
    fc.assert(
      fc.property(tkArb, offsetArb, offsetArb, (tk, d1, d2) => {
        const [lo, hi] = d1 <= d2 ? [d1, d2] : [d2, d1];
        expect(timekeeperRead(tk, tk.cycleLast + lo) <= timekeeperRead(tk, tk.cycleLast + hi)).toBe(
          true,
        );
      }),
      { seed: 23, numRuns: 1000 },
    );
  });

  it('timekeeperReadValidated equals timekeeperRead for deltas below 2^63 and clamps above', () => {
    fc.assert(
      fc.property(tkArb, offsetArb, (tk, d) => {
        const cycles = mod64(tk.cycleLast + d);
        const want = d < 1n << 63n ? timekeeperRead(tk, cycles) : timekeeperRead(tk, tk.cycleLast);
        expect(timekeeperReadValidated(tk, cycles)).toBe(want);
      }),
      { seed: 24, numRuns: 500 },
    );
  });
});

describe('timekeeperApplyAdjustment (timekeeping_apply_adjustment)', () => {
  it('known answer: NTP mult+1 at offset 1e6 cycles keeps ns there and changes the slope', () => {
    const tk: TkClock = {
      cycleLast: 0n,
      mult: 6710886,
      shift: 24,
      xtimeNsec: 123456789n << 24n,
      base: 0n,
    };
    const adjusted = timekeeperApplyAdjustment(tk, 1, 1_000_000n);
    expect(adjusted.mult).toBe(6710887);
    expect(adjusted.xtimeNsec).toBe((123456789n << 24n) - 1_000_000n);
    expect(timekeeperRead(tk, 1_000_000n)).toBe(123_856_788n);
    expect(timekeeperRead(adjusted, 1_000_000n)).toBe(123_856_788n);
    expect(timekeeperRead(tk, 1_000_000n + 2_500_000_000n)).toBe(1_123_856_729n);
    expect(timekeeperRead(adjusted, 1_000_000n + 2_500_000_000n)).toBe(1_123_856_878n);
  });

  it('borrows whole ns from base when xtimeNsec would go negative', () => {
    const tk: TkClock = { cycleLast: 0n, mult: 100, shift: 4, xtimeNsec: 3n, base: 1000n };
    const adjusted = timekeeperApplyAdjustment(tk, 5, 10n); // xtimeNsec 3 - 50 = -47
    expect(adjusted.xtimeNsec).toBe(1n); // -47 + 3 * 16
    expect(adjusted.base).toBe(997n);
    expect(timekeeperRead(adjusted, 10n)).toBe(timekeeperRead(tk, 10n));
  });

  it('continuity: ns at the adjustment point is identical, and the sign of adj sets the slope change', () => {
    fc.assert(
      fc.property(
        tkArb,
        offsetArb,
        fc.integer({ min: -100_000, max: 100_000 }),
        fc.bigInt({ min: 0n, max: 1n << 40n }),
        (tk, offset, rawAdj, later) => {
          // Keep mult + adj inside the u32 range, as the kernel's maxadj check does.
          const adj = Math.max(-tk.mult, Math.min(MAX_U32 - tk.mult, rawAdj));
          const now = mod64(tk.cycleLast + offset);
          const after = timekeeperApplyAdjustment(tk, adj, offset);
          expect(after.mult).toBe(tk.mult + adj);
          expect(timekeeperRead(after, now)).toBe(timekeeperRead(tk, now));
          if (tk.xtimeNsec >= 0n) {
            expect(after.xtimeNsec >= 0n).toBe(true);
          }
          fc.pre(offset + later <= MAX_U64);
          const oldLater = timekeeperRead(tk, now + later);
          const newLater = timekeeperRead(after, now + later);
          if (adj > 0) expect(newLater >= oldLater).toBe(true);
          if (adj < 0) expect(newLater <= oldLater).toBe(true);
          if (adj === 0) expect(newLater).toBe(oldLater);
        },
      ),
      { seed: 25, numRuns: 1000 },
    );
  });

  it('rejects an adjustment that takes mult out of u32 range, or a non-u64 offset', () => {
    const tk = timekeeperInitial(2_500_000n);
    expect(() => timekeeperApplyAdjustment(tk, -tk.mult - 1, 0n)).toThrow(RangeError);
    expect(() => timekeeperApplyAdjustment(tk, MAX_U32, 0n)).toThrow(RangeError);
    expect(() => timekeeperApplyAdjustment(tk, 1, -1n)).toThrow(RangeError);
  });
});

describe('timekeeperAccumulate (timekeeping_advance)', () => {
  it('accumulates whole intervals only and moves whole ns into base', () => {
    const tk = timekeeperInitial(2_500_000n, 100n, 5n);
    const acc = timekeeperAccumulate(tk, 100n + 2_500_000_000n + 7n, 2_500_000n);
    expect(acc.cycleLast).toBe(100n + 2_500_000_000n);
    expect(acc.xtimeNsec >= 0n && acc.xtimeNsec < 1n << 24n).toBe(true);
    expect(acc.base).toBe(5n + 999_999_940n);
    expect(timekeeperRead(acc, 100n + 2_500_000_000n + 7n)).toBe(
      timekeeperRead(tk, 100n + 2_500_000_000n + 7n),
    );
  });

  it('does nothing but normalise when less than one interval has passed', () => {
    const tk: TkClock = { cycleLast: 10n, mult: 3, shift: 2, xtimeNsec: 9n, base: 0n };
    const acc = timekeeperAccumulate(tk, 12n, 5n);
    expect(acc).toEqual({ ...tk, xtimeNsec: 1n, base: 2n });
  });

  it('cycleLast wraps past 2^64 with the clocksource', () => {
    const tk = timekeeperInitial(1_000_000n, MAX_U64 - 9n);
    const acc = timekeeperAccumulateAll(tk, 20n);
    expect(acc.cycleLast).toBe(20n);
    expect(timekeeperRead(acc, 20n)).toBe(timekeeperRead(tk, 20n));
  });

  it('continuity: every read at or after the new cycleLast is unchanged', () => {
    fc.assert(
      fc.property(
        tkArb,
        offsetArb,
        fc.oneof(fc.bigInt({ min: 1n, max: 1n << 24n }), fc.bigInt({ min: 1n, max: MAX_U64 })),
        fc.bigInt({ min: 0n, max: MAX_U64 }),
        (tk, offset, interval, probe) => {
          const cycles = mod64(tk.cycleLast + offset);
          const acc = timekeeperAccumulate(tk, cycles, interval);
          const consumed = mod64(acc.cycleLast - tk.cycleLast);
          expect(consumed % interval).toBe(0n);
          expect(consumed <= offset && offset - consumed < interval).toBe(true);
          expect(acc.xtimeNsec >= 0n && acc.xtimeNsec < 1n << BigInt(acc.shift)).toBe(true);
          expect(acc.mult).toBe(tk.mult);
          expect(timekeeperRead(acc, cycles)).toBe(timekeeperRead(tk, cycles));
          // Any point between the new cycleLast and the end of the old window.
          const room = MAX_U64 - consumed;
          const at = mod64(acc.cycleLast + (room === 0n ? 0n : probe % (room + 1n)));
          expect(timekeeperRead(acc, at)).toBe(timekeeperRead(tk, at));
        },
      ),
      { seed: 26, numRuns: 1000 },
    );
  });

  it('timekeeperAccumulateAll sets cycleLast to cycles and preserves the read there', () => {
    fc.assert(
      fc.property(tkArb, offsetArb, (tk, offset) => {
        const cycles = mod64(tk.cycleLast + offset);
        const acc = timekeeperAccumulateAll(tk, cycles);
        expect(acc.cycleLast).toBe(cycles);
        expect(timekeeperRead(acc, cycles)).toBe(timekeeperRead(tk, cycles));
        expect(acc.base).toBe(timekeeperRead(tk, cycles));
      }),
      { seed: 27, numRuns: 500 },
    );
  });

  it('rejects a non-positive interval', () => {
    const tk = timekeeperInitial(2_500_000n);
    expect(() => timekeeperAccumulate(tk, 10n, 0n)).toThrow(RangeError);
    expect(() => timekeeperAccumulate(tk, 10n, -1n)).toThrow(RangeError);
  });
});

describe('timekeeper over time: random ticks and NTP adjustments', () => {
  type Op =
    | { kind: 'advance'; cycles: bigint }
    | { kind: 'tick'; interval: bigint }
    | { kind: 'all' }
    | { kind: 'adjust'; adj: number };

  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant('advance' as const),
      cycles: fc.bigInt({ min: 0n, max: 1n << 34n }),
    }),
    fc.record({
      kind: fc.constant('tick' as const),
      interval: fc.bigInt({ min: 1n, max: 1n << 30n }),
    }),
    fc.record({ kind: fc.constant('all' as const) }),
    fc.record({
      kind: fc.constant('adjust' as const),
      adj: fc.integer({ min: -700_000, max: 700_000 }),
    }),
  );

  it('ns never goes backwards while the clocksource moves forwards', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1_000n, max: 5_000_000n }),
        u64Arb,
        fc.array(opArb, { maxLength: 40 }),
        (khz, start, ops) => {
          let tk = timekeeperInitial(khz, start, 0n);
          let now = start; // unwrapped, stays within 2^64 of cycleLast
          let last = timekeeperRead(tk, now);
          for (const op of ops) {
            if (op.kind === 'advance') now += op.cycles;
            else if (op.kind === 'tick') tk = timekeeperAccumulate(tk, now, op.interval);
            else if (op.kind === 'all') tk = timekeeperAccumulateAll(tk, now);
            else {
              const adj = Math.max(-tk.mult, Math.min(MAX_U32 - tk.mult, op.adj));
              tk = timekeeperApplyAdjustment(tk, adj, mod64(now - tk.cycleLast));
            }
            const ns = timekeeperRead(tk, now);
            expect(ns >= last).toBe(true);
            last = ns;
          }
        },
      ),
      { seed: 28, numRuns: 300 },
    );
  });
});
