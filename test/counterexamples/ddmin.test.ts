import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ddmin } from '../../counterexamples/ddmin.ts';

/** Fails when every item of `needed` is present (in any order). */
const containsAll = (needed: readonly number[]) => (c: readonly number[]) =>
  needed.every((n) => c.includes(n)) ? c : undefined;

describe('ddmin', () => {
  it('finds the two items that together make the test fail', () => {
    const calls: number[][] = [];
    const result = ddmin([1, 2, 3, 4, 5, 6, 7, 8], (c) => {
      calls.push([...c]);
      return containsAll([3, 6])(c);
    });
    expect(result).toEqual([3, 6]);
    expect(calls.length).toBeLessThan(40);
  });

  it('returns exactly the needed items, in their order, for any needed subset', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 30 }),
        fc.nat(),
        (items, pick) => {
          const needed = items.filter((_, i) => (pick >> (i % 30)) & 1 || i === 0);
          expect(ddmin(items, containsAll(needed))).toEqual(
            items.filter((x) => needed.includes(x)),
          );
        },
      ),
      { seed: 5, numRuns: 200 },
    );
  });

  it('continues from the truncated sequence the test returns', () => {
    // Fails as soon as a 7 follows a 2; the failing run stops at the 7.
    const failsAt = (c: readonly number[]) => {
      const two = c.indexOf(2);
      const seven = c.indexOf(7, two + 1);
      return two >= 0 && seven > two ? c.slice(0, seven + 1) : undefined;
    };
    expect(ddmin([9, 2, 5, 7, 1, 7, 3], failsAt)).toEqual([2, 7]);
  });

  it('keeps a single failing item and leaves an already 1-minimal sequence alone', () => {
    expect(ddmin([4], () => [4])).toEqual([4]);
    const pair = (c: readonly number[]) => (c.length === 2 ? c : undefined);
    expect(ddmin([1, 2], pair)).toEqual([1, 2]);
  });
});
