import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adjustTscKhz,
  defaultTscScalingRatio,
  kvmScaleTsc,
  kvmTscScalingRatio,
  maxTscScalingRatio,
  mulU64U32Div,
} from '../../../model/arith/index.ts';
import { mod64, u64Arb } from './arbitraries.ts';

const VMX = { fracBits: 48, tolerancePpm: 250 } as const;
const SVM = { fracBits: 32, tolerancePpm: 250 } as const;

describe('kvmTscScalingRatio (kvm_set_tsc_khz, set_tsc_khz)', () => {
  it('known answer: a 2.0 GHz guest on a 2.5 GHz host (VMX, 48 fraction bits)', () => {
    // 2^48 * 2000000 / 2500000 = 0.8 * 281474976710656 = 225179981368524.8, floored.
    const ratio = kvmTscScalingRatio(2_000_000n, 2_500_000n, VMX);
    expect(ratio).toBe(225_179_981_368_524n);
    // One second of host TSC: 2.5e9 * ratio / 2^48 = 1999999999.99999..., floored.
    expect(kvmScaleTsc(2_500_000_000n, ratio, 48)).toBe(1_999_999_999n);
  });

  it('known answer: the same on SVM (32 fraction bits): 0.8 * 2^32 floored', () => {
    expect(kvmTscScalingRatio(2_000_000n, 2_500_000n, SVM)).toBe(3_435_973_836n);
  });

  it('known answer: 2.5 GHz on a 3 GHz host loses a kHz when the host rate is scaled in kHz', () => {
    // Woodhouse's example for kvm_guest_time_update: 3000000 kHz scaled gives 2499999 kHz, while
    // 3e9 Hz scaled gives 2499999999 Hz.
    const ratio = kvmTscScalingRatio(2_500_000n, 3_000_000n, VMX);
    expect(ratio).toBe(234_562_480_592_213n);
    expect(kvmScaleTsc(3_000_000n, ratio, 48)).toBe(2_499_999n);
    expect(kvmScaleTsc(3_000_000_000n, ratio, 48)).toBe(2_499_999_999n);
  });

  it('does not scale a rate within tsc_tolerance_ppm of the host’s (adjust_tsc_khz bounds, inclusive)', () => {
    // 250 ppm of 2500000 kHz is 625 kHz: [2499375, 2500625].
    expect(adjustTscKhz(2_500_000n, -250)).toBe(2_499_375n);
    expect(adjustTscKhz(2_500_000n, 250)).toBe(2_500_625n);
    for (const khz of [2_499_375n, 2_500_000n, 2_500_625n])
      expect(kvmTscScalingRatio(khz, 2_500_000n, VMX)).toBe(defaultTscScalingRatio(48));
    expect(kvmTscScalingRatio(2_500_626n, 2_500_000n, VMX)).not.toBe(defaultTscScalingRatio(48));
    expect(kvmTscScalingRatio(2_499_374n, 2_500_000n, VMX)).not.toBe(defaultTscScalingRatio(48));
    // A tolerance of 0 scales any other rate.
    expect(kvmTscScalingRatio(2_500_001n, 2_500_000n, { fracBits: 48, tolerancePpm: 0 })).not.toBe(
      defaultTscScalingRatio(48),
    );
  });

  it('refuses what KVM refuses: a zero rate, and on SVM a ratio of 256 or more (8.32 fixed point)', () => {
    expect(() => kvmTscScalingRatio(0n, 2_500_000n, VMX)).toThrow(/non-zero u32/);
    expect(maxTscScalingRatio(32)).toBe((1n << 40n) - 1n);
    expect(() => kvmTscScalingRatio(256n * 1_000_000n, 1_000_000n, SVM)).toThrow(
      /invalid TSC scaling ratio/,
    );
    expect(kvmTscScalingRatio(255n * 1_000_000n, 1_000_000n, SVM)).toBe(255n << 32n);
  });

  it('equals floor(2^frac * user / host) outside the tolerance (fast-check, against a plain reference)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1_000n, max: 10_000_000n }),
        fc.bigInt({ min: 1n, max: 100_000n }),
        fc.constantFrom(48 as const, 32 as const),
        (host, per10k, fracBits) => {
          // Guest rates from a ten-thousandth to ten times the host's (SVM refuses 256 times).
          const user = (host * per10k) / 10_000n || 1n;
          const lo = (host * 999_750n) / 1_000_000n;
          const hi = (host * 1_000_250n) / 1_000_000n;
          const ratio = kvmTscScalingRatio(user, host, { fracBits, tolerancePpm: 250 });
          const expected =
            user >= lo && user <= hi ? 1n << BigInt(fracBits) : (user << BigInt(fracBits)) / host;
          expect(ratio).toBe(expected);
        },
      ),
      { seed: 12, numRuns: 2000 },
    );
  });
});

describe('kvmScaleTsc and mulU64U32Div (reference arithmetic)', () => {
  it('kvm_scale_tsc is floor(tsc * ratio / 2^frac) mod 2^64, and the identity at the default ratio', () => {
    fc.assert(
      fc.property(u64Arb, u64Arb, fc.constantFrom(48, 32), (tsc, ratio, frac) => {
        expect(kvmScaleTsc(tsc, ratio, frac)).toBe(mod64((tsc * ratio) / 2n ** BigInt(frac)));
        expect(kvmScaleTsc(tsc, 2n ** BigInt(frac), frac)).toBe(tsc);
      }),
      { seed: 13, numRuns: 2000 },
    );
  });

  it('mul_u64_u32_div is the floored exact quotient, truncated to u64', () => {
    fc.assert(
      fc.property(
        u64Arb,
        fc.bigInt({ min: 0n, max: 0xffff_ffffn }),
        fc.bigInt({ min: 1n, max: 0xffff_ffffn }),
        (a, mul, div) => {
          expect(mulU64U32Div(a, mul, div)).toBe(mod64((a * mul) / div));
        },
      ),
      { seed: 14, numRuns: 2000 },
    );
    expect(() => mulU64U32Div(1n, 1n, 0n)).toThrow(/non-zero divisor/);
  });
});
