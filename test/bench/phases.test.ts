import { describe, expect, it } from 'vitest';
import { measurePhases } from '../../bench/phases.ts';
import { gridWalker, type Cell } from '../explorer/toys/gridWalker.ts';

const moveEast = (d: Cell): void => {
  (d as { x: number }).x += 1;
};

describe('measurePhases', () => {
  it('samples the whole space when it is smaller than the sample: a 3x3 grid has 9 states and 24 transitions', () => {
    const f = measurePhases(gridWalker(3), moveEast, {
      sampleSize: 1000,
      rounds: 1,
      updateCalls: 500,
    });
    expect(f.sampleStates).toBe(9);
    expect(f.transitionsPerState).toBe(Number((24 / 9).toFixed(3)));
    expect(f.wordsPerState).toBe(2); // x and y, one word each
  });

  it('stops the sample at its size, counting the transitions of the sampled states only', () => {
    // Breadth-first from (0, 0) on a 10x10 grid, the first 6 states are the diagonals 0..2:
    // (0,0) 2 moves, (0,1) and (1,0) 3 each, (0,2), (1,1), (2,0) 3, 4 and 3.
    const f = measurePhases(gridWalker(10), moveEast, {
      sampleSize: 6,
      rounds: 1,
      updateCalls: 500,
    });
    expect(f.sampleStates).toBe(6);
    expect(f.transitionsPerState).toBe(Number((18 / 6).toFixed(3)));
  });

  it('reports every phase, in the explorer order, and the cost of the cheapest update', () => {
    const f = measurePhases(gridWalker(20), moveEast, {
      sampleSize: 400,
      rounds: 3,
      updateCalls: 500,
    });
    const { total, ...phases } = f.microsPerState;
    expect(Object.keys(phases)).toEqual([
      'actions',
      'next',
      'encode',
      'fingerprint',
      'visited',
      'invariants',
    ]);
    for (const us of [...Object.values(phases), total]) expect(Number.isFinite(us)).toBe(true);
    expect(f.cheapestProduceMicros).toBeGreaterThan(0);
  });
});
