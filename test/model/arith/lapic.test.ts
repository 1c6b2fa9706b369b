import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lapicDeadlineNs } from '../../../model/arith/index.ts';
import { MAX_U64, TWO_64, u64Arb } from './arbitraries.ts';

const KHZ_2_5GHZ = 2_500_000n;

/** Reference with explicit % 2^64 after each C operation. */
function refDeadlineNs(deadline: bigint, guestTsc: bigint, khz: bigint): bigint {
  const cycles = (((deadline - guestTsc) % TWO_64) + TWO_64) % TWO_64;
  return ((cycles * 1_000_000n) % TWO_64) / khz;
}

const khzArb = fc.oneof(
  fc.bigInt({ min: 1n, max: 0xffff_ffffn }),
  fc.bigInt({ min: 500_000n, max: 5_000_000n }),
  fc.constantFrom(1n, 1_000_000n, KHZ_2_5GHZ, 0xffff_ffffn),
);

describe('lapicDeadlineNs (start_sw_tscdeadline)', () => {
  it('converts TSC cycles to ns at the vCPU TSC rate', () => {
    expect(lapicDeadlineNs(1000n + 2_500_000n, 1000n, KHZ_2_5GHZ)).toBe(1_000_000n);
    expect(lapicDeadlineNs(2_500_000_000n, 0n, KHZ_2_5GHZ)).toBe(1_000_000_000n);
  });

  it('floors: 1 cycle at 2.5 GHz is 0 ns, 3 cycles are 1 ns', () => {
    expect(lapicDeadlineNs(1n, 0n, KHZ_2_5GHZ)).toBe(0n);
    expect(lapicDeadlineNs(3n, 0n, KHZ_2_5GHZ)).toBe(1n);
  });

  it('a deadline in the past wraps (the caller must treat it as already expired)', () => {
    // (0 - 1) is 2^64 - 1; times 1e6 wraps to 2^64 - 1e6.
    expect(lapicDeadlineNs(0n, 1n, KHZ_2_5GHZ)).toBe((TWO_64 - 1_000_000n) / KHZ_2_5GHZ);
  });

  it('the * 1000000 product wraps for deadlines more than 2^64/1e6 cycles away', () => {
    const far = TWO_64 / 1_000_000n + 1n; // about 18.4e12 cycles, ~2 hours at 2.5 GHz
    const wrapped = (far * 1_000_000n) % TWO_64;
    expect(lapicDeadlineNs(far, 0n, KHZ_2_5GHZ)).toBe(wrapped / KHZ_2_5GHZ);
    expect(lapicDeadlineNs(far, 0n, KHZ_2_5GHZ) < lapicDeadlineNs(far - 2n, 0n, KHZ_2_5GHZ)).toBe(
      true,
    );
  });

  it('matches the %-reference on random u64 inputs', () => {
    fc.assert(
      fc.property(u64Arb, u64Arb, khzArb, (deadline, tsc, khz) => {
        expect(lapicDeadlineNs(deadline, tsc, khz)).toBe(refDeadlineNs(deadline, tsc, khz));
      }),
      { seed: 30, numRuns: 1000 },
    );
  });

  it('for future deadlines without wrap, ns is the floor of cycles * 1e6 / khz', () => {
    fc.assert(
      fc.property(
        u64Arb,
        fc.bigInt({ min: 1n, max: MAX_U64 / 1_000_000n }),
        khzArb,
        (tsc, cycles, khz) => {
          fc.pre(tsc + cycles <= MAX_U64);
          const ns = lapicDeadlineNs(tsc + cycles, tsc, khz);
          expect(ns * khz <= cycles * 1_000_000n).toBe(true);
          expect(cycles * 1_000_000n < (ns + 1n) * khz).toBe(true);
        },
      ),
      { seed: 31, numRuns: 1000 },
    );
  });

  it('rejects a zero or non-u32 TSC rate and non-u64 TSC values', () => {
    expect(() => lapicDeadlineNs(1n, 0n, 0n)).toThrow(RangeError);
    expect(() => lapicDeadlineNs(1n, 0n, 1n << 32n)).toThrow(RangeError);
    expect(() => lapicDeadlineNs(-1n, 0n, 1n)).toThrow(RangeError);
    expect(() => lapicDeadlineNs(TWO_64, 0n, 1n)).toThrow(RangeError);
  });
});
