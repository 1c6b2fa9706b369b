import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  mulU64U32Shr,
  PVCLOCK_TSC_STABLE_BIT,
  pvclockReadCycles,
  pvclockScaleDelta,
  type Pvti,
} from '../../../model/arith/index.ts';
import { deltaArb, MAX_U64, mod64, mulArb, TWO_64, u64Arb } from './arbitraries.ts';

/** Reference for mul_u64_u32_shr, the way 32-bit kernels do it: two 32x32 partial products. */
function refMulU64U32Shr32(a: bigint, mul: number, shift: number): bigint {
  const x = mod64(a);
  const lo = x % 2n ** 32n;
  const hi = x / 2n ** 32n;
  const m = BigInt(mul);
  let ret = (lo * m) / 2n ** BigInt(shift);
  if (hi !== 0n) ret = ret + mod64(hi * m * 2n ** BigInt(32 - shift));
  return mod64(ret);
}

/** Reference for pvclock_scale_delta with plain unbounded arithmetic and explicit % 2^64. */
function refScale(delta: bigint, mul: number, shift: number): bigint {
  let d = mod64(delta);
  d = shift < 0 ? d / 2n ** BigInt(-shift) : (d * 2n ** BigInt(shift)) % TWO_64;
  return ((d * BigInt(mul)) / 2n ** 32n) % TWO_64;
}

const shiftArb = fc.oneof(
  fc.integer({ min: -8, max: 8 }),
  fc.integer({ min: -32, max: 31 }),
  fc.constantFrom(-63, -32, -1, 0, 1, 31, 32, 63),
);

const pvtiArb: fc.Arbitrary<Pvti> = fc.record({
  version: fc.integer({ min: 0, max: 0xffff_ffff }),
  tscTimestamp: u64Arb,
  systemTime: u64Arb,
  tscToSystemMul: mulArb,
  tscShift: fc.integer({ min: -8, max: 8 }),
  flags: fc.integer({ min: 0, max: 255 }),
});

describe('PVCLOCK_TSC_STABLE_BIT', () => {
  it('is bit 0, as in pvclock-abi.h', () => {
    expect(PVCLOCK_TSC_STABLE_BIT).toBe(1 << 0);
  });
});

describe('mulU64U32Shr (mul_u64_u32_shr)', () => {
  it('known answer: (2^40 + 12345) * 0x9999999A >> 32', () => {
    expect(mulU64U32Shr((1n << 40n) + 12345n, 0x9999999a, 32)).toBe(659706984175n);
  });

  it('keeps the full 96-bit product before shifting', () => {
    // (2^64 - 1) * (2^32 - 1) is a 96-bit product; shifted by 32 it is 2^64 - 2^32 - 1.
    expect(mulU64U32Shr(MAX_U64, 0xffff_ffff, 32)).toBe(MAX_U64 - (1n << 32n));
    expect(mulU64U32Shr(MAX_U64, 0xffff_ffff, 0)).toBe(mod64(MAX_U64 * 0xffff_ffffn));
    expect(mulU64U32Shr(123n, 0, 7)).toBe(0n);
  });

  it('matches the two-partial-product reference for shift 0..32', () => {
    fc.assert(
      fc.property(deltaArb, mulArb, fc.integer({ min: 0, max: 32 }), (a, mul, shift) => {
        expect(mulU64U32Shr(a, mul, shift)).toBe(refMulU64U32Shr32(a, mul, shift));
      }),
      { seed: 1, numRuns: 1000 },
    );
  });

  it('matches floor(a * mul / 2^shift) mod 2^64 for shift up to 127', () => {
    fc.assert(
      fc.property(u64Arb, mulArb, fc.integer({ min: 0, max: 127 }), (a, mul, shift) => {
        expect(mulU64U32Shr(a, mul, shift)).toBe(
          ((a * BigInt(mul)) / 2n ** BigInt(shift)) % TWO_64,
        );
      }),
      { seed: 2, numRuns: 500 },
    );
  });

  it('rejects a mul that is not a u32 and a bad shift', () => {
    expect(() => mulU64U32Shr(1n, 2 ** 32, 0)).toThrow(RangeError);
    expect(() => mulU64U32Shr(1n, -1, 0)).toThrow(RangeError);
    expect(() => mulU64U32Shr(1n, 1, -1)).toThrow(RangeError);
    expect(() => mulU64U32Shr(1n, 1, 128)).toThrow(RangeError);
  });
});

describe('pvclockScaleDelta (pvclock_scale_delta)', () => {
  it('known answers', () => {
    // 2.5 GHz TSC: one second of cycles is one ns short of 1e9 (mul rounds down).
    expect(pvclockScaleDelta(2_500_000_000n, 3435973836, -1)).toBe(999_999_999n);
    // The pre-shift drops the low bit: one cycle at shift -1 is 0 ns.
    expect(pvclockScaleDelta(1n, 3435973836, -1)).toBe(0n);
    // 2^63 << 1 overflows u64 and becomes 0 before the multiply.
    expect(pvclockScaleDelta(1n << 63n, 2 ** 31, 1)).toBe(0n);
  });

  it('a negative delta wraps to u64 first', () => {
    expect(pvclockScaleDelta(-1n, 2 ** 31, 0)).toBe(MAX_U64 >> 1n);
    // 2^64 - 2 << 1 loses its top bit (2^64 - 4), then halves: 2^63 - 2.
    expect(pvclockScaleDelta(-2n, 2 ** 31, 1)).toBe((1n << 63n) - 2n);
  });

  it('mul 0 gives 0 and mul 0xffffffff is just below the identity at shift 0', () => {
    expect(pvclockScaleDelta(MAX_U64, 0, 5)).toBe(0n);
    expect(pvclockScaleDelta(1n << 32n, 0xffff_ffff, 0)).toBe((1n << 32n) - 1n);
  });

  it('matches the unbounded-arithmetic reference', () => {
    fc.assert(
      fc.property(deltaArb, mulArb, shiftArb, (delta, mul, shift) => {
        expect(pvclockScaleDelta(delta, mul, shift)).toBe(refScale(delta, mul, shift));
      }),
      { seed: 3, numRuns: 2000 },
    );
  });

  it('is exact (floored) when the pre-shift loses no bits, and at most 1 ns below that otherwise', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 1n << 48n }),
        mulArb,
        fc.integer({ min: -8, max: 8 }),
        (delta, mul, shift) => {
          const got = pvclockScaleDelta(delta, mul, shift);
          // exact = delta * mul * 2^shift / 2^32, as a fraction num / den.
          const num = delta * BigInt(mul) * (shift >= 0 ? 2n ** BigInt(shift) : 1n);
          const den = 2n ** 32n * (shift < 0 ? 2n ** BigInt(-shift) : 1n);
          const floorExact = num / den;
          if (shift >= 0 || delta % 2n ** BigInt(-shift) === 0n) {
            expect(got).toBe(floorExact);
          } else {
            expect(got <= floorExact).toBe(true);
            expect(floorExact - got <= 1n).toBe(true);
          }
        },
      ),
      { seed: 4, numRuns: 1000 },
    );
  });

  it('rejects shifts whose magnitude is 64 or more (undefined in C)', () => {
    expect(() => pvclockScaleDelta(1n, 1, 64)).toThrow(RangeError);
    expect(() => pvclockScaleDelta(1n, 1, -64)).toThrow(RangeError);
    expect(pvclockScaleDelta(MAX_U64, 0xffff_ffff, 63)).toBe(refScale(MAX_U64, 0xffff_ffff, 63));
    expect(pvclockScaleDelta(MAX_U64, 0xffff_ffff, -63)).toBe(0n);
  });
});

describe('pvclockReadCycles (__pvclock_read_cycles)', () => {
  const page: Pvti = {
    version: 2,
    tscTimestamp: 1000n,
    systemTime: 5000n,
    tscToSystemMul: 3435973836,
    tscShift: -1,
    flags: PVCLOCK_TSC_STABLE_BIT,
  };

  it('adds the scaled delta to system_time', () => {
    expect(pvclockReadCycles(page, 1000n)).toBe(5000n);
    expect(pvclockReadCycles(page, 1000n + 2_500_000_000n)).toBe(5000n + 999_999_999n);
  });

  it('a TSC below tsc_timestamp wraps the delta to ~2^64 and reads far in the future', () => {
    // delta = 2^64 - 1; >> 1 gives 2^63 - 1; * 0.8 (mul/2^32) ~ 7.38e18 ns, about 234 years.
    const got = pvclockReadCycles(page, 999n);
    expect(got).toBe(7378697627765838727n);
    expect(got).toBe(5000n + (((MAX_U64 >> 1n) * 3435973836n) >> 32n));
  });

  it('the final sum wraps mod 2^64', () => {
    const p: Pvti = { ...page, systemTime: MAX_U64, tscShift: 1, tscToSystemMul: 2 ** 31 };
    // 1 GHz-style scale (identity): MAX + 3 wraps to 2.
    expect(pvclockReadCycles(p, page.tscTimestamp + 3n)).toBe(2n);
  });

  it('matches the unbounded-arithmetic reference', () => {
    fc.assert(
      fc.property(pvtiArb, u64Arb, (p, tsc) => {
        const ref = mod64(
          p.systemTime + refScale(tsc - p.tscTimestamp, p.tscToSystemMul, p.tscShift),
        );
        expect(pvclockReadCycles(p, tsc)).toBe(ref);
      }),
      { seed: 5, numRuns: 1000 },
    );
  });

  it('is non-decreasing in tsc after tsc_timestamp while nothing overflows', () => {
    fc.assert(
      fc.property(
        pvtiArb,
        fc.bigInt({ min: 0n, max: 1n << 50n }),
        fc.bigInt({ min: 0n, max: 1n << 50n }),
        (p, d1, d2) => {
          const page2 = { ...p, systemTime: p.systemTime % (1n << 62n) };
          const [lo, hi] = d1 <= d2 ? [d1, d2] : [d2, d1];
          const a = pvclockReadCycles(page2, p.tscTimestamp + lo);
          const b = pvclockReadCycles(page2, p.tscTimestamp + hi);
          expect(a <= b).toBe(true);
        },
      ),
      { seed: 6, numRuns: 500 },
    );
  });
});
