import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertIntIn,
  assertU32,
  isU64,
  s64,
  u32,
  u64,
  U32_MASK,
  U64_MASK,
} from '../../../model/arith/index.ts';
import { deltaArb, mod64, TWO_64 } from './arbitraries.ts';

describe('u64 helpers', () => {
  it('masks are 2^64 - 1 and 2^32 - 1', () => {
    expect(U64_MASK).toBe(0xffff_ffff_ffff_ffffn);
    expect(U32_MASK).toBe(0xffff_ffffn);
  });

  it('u64 wraps negatives and values past 2^64', () => {
    expect(u64(-1n)).toBe(U64_MASK);
    expect(u64(TWO_64)).toBe(0n);
    expect(u64(TWO_64 + 5n)).toBe(5n);
    expect(u64(-TWO_64 - 1n)).toBe(U64_MASK);
  });

  it('s64 reinterprets the top bit as a sign', () => {
    expect(s64(U64_MASK)).toBe(-1n);
    expect(s64(1n << 63n)).toBe(-(1n << 63n));
    expect(s64((1n << 63n) - 1n)).toBe((1n << 63n) - 1n);
  });

  it('u32 wraps to 32 bits', () => {
    expect(u32(-1n)).toBe(U32_MASK);
    expect(u32(1n << 32n)).toBe(0n);
  });

  it('u64 agrees with a % reference, and s64/u64 round-trip', () => {
    fc.assert(
      fc.property(deltaArb, (x) => {
        expect(u64(x)).toBe(mod64(x));
        expect(isU64(u64(x))).toBe(true);
        expect(u64(s64(x))).toBe(u64(x));
        expect(s64(x) >= -(1n << 63n) && s64(x) < 1n << 63n).toBe(true);
        expect(u32(x)).toBe(((x % (1n << 32n)) + (1n << 32n)) % (1n << 32n));
      }),
      { seed: 0x64, numRuns: 500 },
    );
  });

  it('assertU32 and assertIntIn reject out-of-range or fractional values', () => {
    expect(() => assertU32(0, 'm')).not.toThrow();
    expect(() => assertU32(0xffff_ffff, 'm')).not.toThrow();
    expect(() => assertU32(-1, 'm')).toThrow(RangeError);
    expect(() => assertU32(2 ** 32, 'm')).toThrow(RangeError);
    expect(() => assertU32(1.5, 'm')).toThrow(RangeError);
    expect(() => assertIntIn(3, 0, 3, 's')).not.toThrow();
    expect(() => assertIntIn(4, 0, 3, 's')).toThrow(RangeError);
  });
});
