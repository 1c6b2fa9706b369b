import { describe, expect, it } from 'vitest';
import { shrinkInteger } from '../../counterexamples/shrinkInteger.ts';

const failsFrom = (threshold: number) => (v: number) =>
  v >= threshold ? `fails at ${v}` : undefined;

describe('shrinkInteger', () => {
  it('finds the exact threshold of a monotone failure', () => {
    expect(shrinkInteger(0, 1_000_000, failsFrom(202_731))).toEqual({
      value: 202_731,
      result: 'fails at 202731',
    });
  });

  it('returns the minimum when it fails, and nothing when there is no room to shrink', () => {
    expect(shrinkInteger(3, 100, failsFrom(0))?.value).toBe(3);
    expect(shrinkInteger(5, 5, failsFrom(0))).toBeUndefined();
  });

  it('returns nothing when only the current value fails', () => {
    expect(shrinkInteger(0, 64, (v) => (v === 64 ? 'x' : undefined))).toBeUndefined();
  });

  it('with a non-monotone failure, returns a failing value below the current one', () => {
    const odd = (v: number) => (v % 2 === 1 && v > 10 ? v : undefined);
    const found = shrinkInteger(0, 1001, odd)!;
    expect(odd(found.value)).toBe(found.value);
    expect(found.value).toBeLessThan(1001);
  });
});
