import { describe, expect, it } from 'vitest';
import { explore, type Progress } from '../../explorer/index.ts';
import { gridWalker } from './toys/gridWalker.ts';
import { fastGrid } from './toys/fastGrid.ts';

describe('limits', () => {
  it('a memory limit stops the run cleanly and names the limit', () => {
    let heap = 0;
    const r = explore(gridWalker(60), {
      maxMemoryBytes: 2 ** 20,
      // A heap that grows by 64 KiB each time it is measured.
      memoryUsage: () => (heap += 2 ** 16),
    });
    expect(r.complete).toBe(false);
    expect(r.truncatedBy).toBe('memory');
    expect(r.status).toBe('ok');
    expect(r.stats.distinctStates).toBeGreaterThan(0);
    expect(r.stats.distinctStates).toBeLessThan(3600);
  });

  it('a memory limit that is never reached leaves the run complete', () => {
    const r = explore(gridWalker(20), { maxMemoryBytes: 2 ** 30, memoryUsage: () => 2 ** 20 });
    expect(r.complete).toBe(true);
    expect(r.stats.distinctStates).toBe(400);
  });

  it('a state limit equal to the number of reachable states still lets the run complete', () => {
    const exact = explore(fastGrid(10), { maxStates: 100 });
    expect(exact.complete).toBe(true);
    expect(exact.stats.distinctStates).toBe(100);
    const short = explore(fastGrid(10), { maxStates: 99 });
    expect(short.truncatedBy).toBe('states');
    expect(short.stats.distinctStates).toBe(99);
  });

  it('reports progress at every level and every progressEvery expansions: depth and frontier', () => {
    const seen: Progress[] = [];
    explore(fastGrid(30), { onProgress: (p) => seen.push(p), progressEvery: 100 });
    // One report at the start of each of the 59 levels, and one per 100 of the 900 expansions.
    expect(seen).toHaveLength(59 + 9);
    const atLevels = seen.filter((p, i) => i === 0 || p.depth !== seen[i - 1]!.depth);
    expect(atLevels.map((p) => p.depth)).toEqual(Array.from({ length: 59 }, (_, d) => d));
    // The frontier of level d on a 30x30 grid is the anti-diagonal x + y = d.
    expect(atLevels.map((p) => p.frontier).slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(seen.at(-1)!.distinctStates).toBe(900);
    expect(seen.every((p) => p.storedBytes > 0)).toBe(true);
  });
});

describe('the fast grid toy', () => {
  it.each([1, 2, 7, 30])('k=%i: k^2 states, 4k(k-1) transitions, depth 2(k-1)', (k) => {
    const r = explore(fastGrid(k));
    expect(r.complete).toBe(true);
    expect(r.stats.distinctStates).toBe(k * k);
    expect(r.stats.transitions).toBe(4 * k * (k - 1));
    expect(r.stats.maxDepth).toBe(2 * (k - 1));
  });

  it('agrees with the grid walker on the shortest path to a forbidden cell', () => {
    const fast = explore(fastGrid(9, { x: 5, y: 7 }));
    const slow = explore(gridWalker(9, { x: 5, y: 7 }));
    expect(fast.violations[0]!.depth).toBe(12);
    expect(slow.violations[0]!.depth).toBe(12);
    expect(fast.violations[0]!.message).toBe(slow.violations[0]!.message);
  });
});
