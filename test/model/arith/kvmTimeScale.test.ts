import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  kvmGetTimeScale,
  kvmScaleTsc,
  mulU64U64Shr,
  pvclockScaleDelta,
} from '../../../model/arith/index.ts';
import { MAX_U32, MAX_U64, mod64, TWO_64, u64Arb } from './arbitraries.ts';

const NSEC_PER_SEC = 1_000_000_000n;

/** Rates the kernel actually passes: Hz values from ~1 MHz to ~10 THz. */
const hzArb = fc.oneof(
  fc.bigInt({ min: 1_000_000n, max: 10_000_000_000_000n }),
  fc.constantFrom(NSEC_PER_SEC, 2_500_000_000n, 1_500_000_000n, 3_000_000_000n, 1n << 32n),
);

/**
 * The documented precision: the scale mul * 2^shift / 2^32 equals scaled/base
 * up to three truncations (of base, of scaled, and of the 0.32 quotient), each
 * a relative error below 1 / min(scaled, base, 2^30).
 */
function relativeErrorBound(scaled: bigint, base: bigint): number {
  const m = [scaled, base, 1n << 30n].reduce((a, b) => (a < b ? a : b));
  return 3 / Number(m);
}

/** |mul * 2^shift / 2^32 - scaled / base| / (scaled / base), as a float. */
function relativeError(scaled: bigint, base: bigint, shift: number, mul: number): number {
  // approx / exact = mul * 2^shift * base / (2^32 * scaled), compared exactly in BigInt first.
  const num = BigInt(mul) * base * (shift >= 0 ? 2n ** BigInt(shift) : 1n);
  const den = 2n ** 32n * scaled * (shift < 0 ? 2n ** BigInt(-shift) : 1n);
  const diff = num > den ? num - den : den - num;
  // diff / den scaled up to keep float precision.
  return Number((diff * 10n ** 18n) / den) / 1e18;
}

describe('kvmGetTimeScale (kvm_get_time_scale)', () => {
  it.each([
    [NSEC_PER_SEC, 2_500_000_000n, -1, 3435973836],
    [NSEC_PER_SEC, 1_500_000_000n, 0, 2863311530],
    [NSEC_PER_SEC, 1_000_000_000n, 1, 2147483648],
  ])('known answer: scaled %s, base %s -> shift %i, mul %i', (scaled, base, shift, mul) => {
    expect(kvmGetTimeScale(scaled, base)).toEqual({ shift, mul });
  });

  it('a 1 GHz TSC converts to exactly 1 ns per cycle', () => {
    const { shift, mul } = kvmGetTimeScale(NSEC_PER_SEC, NSEC_PER_SEC);
    // delta << 1 times 2^31 >> 32 is the identity while delta << 1 fits in 64 bits.
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }), (delta) => {
        expect(pvclockScaleDelta(delta, mul, shift)).toBe(delta);
      }),
      { seed: 10, numRuns: 300 },
    );
  });

  it('the inverse direction (ns -> 2.5 GHz cycles) has a positive shift', () => {
    // tsc catchup: kvm_get_time_scale(tsc_hz, NSEC_PER_SEC) => ~2.5 cycles per ns.
    const { shift, mul } = kvmGetTimeScale(2_500_000_000n, NSEC_PER_SEC);
    expect(shift).toBe(2);
    expect(mul).toBe(2684354560); // 0.625 * 2^32, exactly representable
    expect(pvclockScaleDelta(NSEC_PER_SEC, mul, shift)).toBe(2_500_000_000n);
  });

  it('mul fits in a u32, shift in an s8, and the scale approximates scaled/base', () => {
    fc.assert(
      fc.property(hzArb, hzArb, (scaled, base) => {
        const { shift, mul } = kvmGetTimeScale(scaled, base);
        expect(Number.isInteger(mul) && mul >= 0 && mul <= MAX_U32).toBe(true);
        expect(Number.isInteger(shift) && shift >= -128 && shift <= 127).toBe(true);
        // The 0.32 fraction is normalised into [1/2, 1): it keeps ~31 significant bits.
        expect(mul >= 2 ** 31 - 1).toBe(true);
        expect(relativeError(scaled, base, shift, mul)).toBeLessThanOrEqual(
          relativeErrorBound(scaled, base),
        );
      }),
      { seed: 11, numRuns: 2000 },
    );
  });

  it('terminates and gives a u32 mul for any u64 rates the kernel can handle, even near 2^64', () => {
    // scaled = 2^63 makes the kernel's `scaled64 * 2` wrap to 0 and hang: excluded (tested below).
    const posU64 = u64Arb.filter((x) => x > 0n && x !== 1n << 63n);
    fc.assert(
      fc.property(posU64, posU64, (scaled, base) => {
        const { shift, mul } = kvmGetTimeScale(scaled, base);
        expect(mul >= 0 && mul <= MAX_U32).toBe(true);
        expect(shift >= -64 && shift <= 64).toBe(true);
      }),
      { seed: 12, numRuns: 1000 },
    );
  });

  it('scaling a real delta with the result lands within the precision of delta * scaled / base', () => {
    fc.assert(
      fc.property(hzArb, hzArb, fc.bigInt({ min: 0n, max: 1n << 40n }), (scaled, base, delta) => {
        const { shift, mul } = kvmGetTimeScale(scaled, base);
        // Keep the pre-shift from overflowing: that is the caller's job.
        fc.pre(shift <= 0 || delta << BigInt(shift) < TWO_64);
        const got = Number(pvclockScaleDelta(delta, mul, shift));
        const exact = Number(delta * scaled) / Number(base);
        const tol = exact * relativeErrorBound(scaled, base) + 2 + exact * 1e-15;
        expect(Math.abs(got - exact)).toBeLessThanOrEqual(tol);
      }),
      { seed: 13, numRuns: 1000 },
    );
  });

  it('scaled64 * 2 in the first loop is a u64 product and wraps for scaled >= 2^63', () => {
    // 2 * (2^63 + 5) wraps to 10, so a base of 1000 is halved down to 7 (shift -7) before
    // the second loop; without the wrap the base would not be touched at all.
    expect(kvmGetTimeScale((1n << 63n) + 5n, 1000n)).toEqual({ shift: 54, mul: 2454267026 });
  });

  it('rejects inputs on which the kernel would loop forever, and non-u64 rates', () => {
    expect(() => kvmGetTimeScale(0n, NSEC_PER_SEC)).toThrow(RangeError);
    expect(() => kvmGetTimeScale(NSEC_PER_SEC, 0n)).toThrow(RangeError);
    expect(() => kvmGetTimeScale(1n << 63n, NSEC_PER_SEC)).toThrow(/not terminate/);
    expect(() => kvmGetTimeScale(-1n, NSEC_PER_SEC)).toThrow(RangeError);
    expect(() => kvmGetTimeScale(TWO_64, NSEC_PER_SEC)).toThrow(RangeError);
  });
});

describe('kvmScaleTsc (kvm_scale_tsc / mul_u64_u64_shr)', () => {
  const VMX_FRAC = 48;
  const SVM_FRAC = 32;

  it('the default ratio 1 << frac_bits leaves the TSC unchanged', () => {
    for (const t of [0n, 1n, 123456789n, 1n << 63n, MAX_U64]) {
      expect(kvmScaleTsc(t, 1n << 48n, VMX_FRAC)).toBe(t);
      expect(kvmScaleTsc(t, 1n << 32n, SVM_FRAC)).toBe(t);
    }
  });

  it('ratio 2.0 doubles (wrapping past 2^64), ratio 0.5 halves (flooring)', () => {
    expect(kvmScaleTsc(1000n, 2n << 48n, VMX_FRAC)).toBe(2000n);
    expect(kvmScaleTsc(1n << 63n, 2n << 48n, VMX_FRAC)).toBe(0n);
    expect(kvmScaleTsc(1001n, 1n << 47n, VMX_FRAC)).toBe(500n);
  });

  it('a 3 GHz host running a 2.5 GHz guest (ratio 5/6 in 48-bit fixed point)', () => {
    const ratio = (5n << 48n) / 6n;
    // 3e9 host cycles is one second; the guest sees one cycle short of 2.5e9 (ratio rounds down).
    expect(kvmScaleTsc(3_000_000_000n, ratio, VMX_FRAC)).toBe(2_499_999_999n);
  });

  it('matches floor(tsc * ratio / 2^frac) mod 2^64 on the full 128-bit product', () => {
    fc.assert(
      fc.property(
        u64Arb,
        u64Arb,
        fc.oneof(fc.constantFrom(32, 48), fc.integer({ min: 0, max: 127 })),
        (tsc, ratio, frac) => {
          expect(kvmScaleTsc(tsc, ratio, frac)).toBe(((tsc * ratio) / 2n ** BigInt(frac)) % TWO_64);
          expect(mulU64U64Shr(tsc, ratio, frac)).toBe(kvmScaleTsc(tsc, ratio, frac));
        },
      ),
      { seed: 14, numRuns: 1000 },
    );
  });

  it('wraps negative inputs to u64 like the C parameters', () => {
    expect(mulU64U64Shr(-1n, 1n, 0)).toBe(mod64(-1n));
  });
});
