import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/index.ts';
import { fastGrid } from './toys/fastGrid.ts';
import { gridWalker } from './toys/gridWalker.ts';
import { graphModel, naiveDistances, type Graph } from './toys/randomGraph.ts';
import { mutex } from './toys/mutex.ts';
import { twoCounters } from './toys/twoCounters.ts';

describe('grid walker (k by k)', () => {
  it.each([1, 2, 5, 12])('k=%i: k^2 states, 4k(k-1) transitions, depth 2(k-1), complete', (k) => {
    const r = explore(gridWalker(k));
    expect(r.status).toBe('ok');
    expect(r.complete).toBe(true);
    expect(r.stats.distinctStates).toBe(k * k);
    // Each of the k(k-1) horizontal and k(k-1) vertical grid edges is walked both ways.
    expect(r.stats.transitions).toBe(4 * k * (k - 1));
    expect(r.stats.maxDepth).toBe(2 * (k - 1));
  });

  it('finds the forbidden cell at its Manhattan distance, with a trace that leads there', () => {
    const r = explore(gridWalker(6, { x: 3, y: 4 }));
    expect(r.status).toBe('violation');
    const v = r.violations[0]!;
    expect(v.invariant).toBe('avoids-forbidden-cell');
    expect(v.depth).toBe(7);
    expect(v.trace.actions).toHaveLength(7);
    expect(v.trace.states.at(-1)).toEqual({ x: 3, y: 4 });
    expect(v.message).toBe('walker at (3, 4)');
    // Exploration went on for the other invariants: the whole grid was still visited.
    expect(r.stats.distinctStates).toBe(36);
    expect(r.complete).toBe(true);
  });

  it('a depth bound reports truncation and visits exactly the cells within that distance', () => {
    const k = 6;
    const d = 4;
    let within = 0;
    for (let x = 0; x < k; x++) for (let y = 0; y < k; y++) if (x + y <= d) within++;
    const r = explore(gridWalker(k), { maxDepth: d });
    expect(r.complete).toBe(false);
    expect(r.truncatedBy).toBe('depth');
    expect(r.stats.distinctStates).toBe(within);
    expect(r.stats.maxDepth).toBe(d);
  });

  it('a depth bound that cuts nothing off is still complete', () => {
    const r = explore(gridWalker(4), { maxDepth: 6 });
    expect(r.complete).toBe(true);
    expect(r.stats.distinctStates).toBe(16);
  });

  it('a state limit stops the run and names the limit', () => {
    const r = explore(gridWalker(10), { maxStates: 30 });
    expect(r.complete).toBe(false);
    expect(r.truncatedBy).toBe('states');
    expect(r.stats.distinctStates).toBe(30);
  });

  it('a time limit stops the run and names the limit', () => {
    let t = 0;
    const r = explore(gridWalker(200), { maxTimeMs: 5, clock: () => t++ });
    expect(r.complete).toBe(false);
    expect(r.truncatedBy).toBe('time');
  });

  it('reports a sometimes property as reached, at its depth', () => {
    expect(explore(gridWalker(5)).sometimes).toEqual([
      { name: 'reaches-far-corner', reached: true, depth: 8 },
    ]);
    expect(explore(gridWalker(5), { maxDepth: 3 }).sometimes).toEqual([
      { name: 'reaches-far-corner', reached: false },
    ]);
  });
});

describe('two bounded counters', () => {
  it.each([0, 1, 4, 9])('n=%i: (n+1)^2 states; incX, incY below n and swap everywhere', (n) => {
    const r = explore(twoCounters(n));
    expect(r.stats.distinctStates).toBe((n + 1) ** 2);
    expect(r.stats.transitions).toBe(2 * n * (n + 1) + (n + 1) ** 2);
    expect(r.complete).toBe(true);
  });

  it.each([
    [5, 7],
    [5, 12],
    [3, 1],
    [4, 0],
  ])('n=%i, planted x+2y=%i: shortest violation maximises y', (n, v) => {
    const y = Math.min(n, Math.floor(v / 2));
    const expectedDepth = v - 2 * y + y; // x + y steps with x = v - 2y
    const r = explore(twoCounters(n, v));
    expect(r.status).toBe('violation');
    expect(r.violations[0]!.depth).toBe(expectedDepth);
    const last = r.violations[0]!.trace.states.at(-1)!;
    expect(last.x + 2 * last.y).toBe(v);
  });

  it('a planted value out of reach (x + 2y <= 3n) holds', () => {
    const r = explore(twoCounters(3, 10));
    expect(r.status).toBe('ok');
    expect(r.violations).toEqual([]);
  });
});

describe('mutual exclusion', () => {
  it.each([1, 2, 3, 5])(
    'atomic test-and-set with %i processes: all idle, or one inside (n + 1 states), holds',
    (n) => {
      const r = explore(mutex(n, 'atomic'));
      expect(r.status).toBe('ok');
      expect(r.complete).toBe(true);
      expect(r.stats.distinctStates).toBe(n + 1);
    },
  );

  it('split test-then-set with 2 processes: 13 states, both inside after 4 steps', () => {
    // Reachable (pc0, pc1, locked), worked out by hand: (i,i,F) (s,i,F) (i,s,F) (s,s,F) (c,i,T) (i,c,T)
    // (c,s,T) (s,c,T) (c,c,T) (i,c,F) (c,i,F) (s,c,F) (c,s,F).
    const r = explore(mutex(2, 'split'));
    expect(r.stats.distinctStates).toBe(13);
    expect(r.status).toBe('violation');
    const v = r.violations[0]!;
    expect(v.depth).toBe(4);
    expect(v.trace.actions.map((a) => a.kind)).toEqual(['test', 'test', 'set', 'set']);
    expect(v.message).toBe('processes 0 and 1 are both in the critical section');
  });

  it('stopOnViolation stops at the first violation and says so', () => {
    const r = explore(mutex(3, 'split'), { stopOnViolation: true });
    expect(r.status).toBe('violation');
    expect(r.complete).toBe(false);
    expect(r.truncatedBy).toBe('first-violation');
    expect(r.violations[0]!.depth).toBe(4);
  });
});

describe('fingerprint and exact modes', () => {
  it.each([
    ['grid', () => gridWalker(9, { x: 8, y: 1 })],
    ['counters', () => twoCounters(7, 9)],
    ['mutex', () => mutex(4, 'split')],
  ] as const)('agree on %s', (_name, make) => {
    const fp = explore(make() as never);
    const exact = explore(make() as never, { exact: true });
    expect(exact.mode).toBe('exact');
    expect(exact.stats.distinctStates).toBe(fp.stats.distinctStates);
    expect(exact.stats.transitions).toBe(fp.stats.transitions);
    expect(exact.violations.map((v) => [v.invariant, v.depth])).toEqual(
      fp.violations.map((v) => [v.invariant, v.depth]),
    );
  });
});

describe('stats', () => {
  it('estimates the collision probability as n(m - n)/2^64 and counts stored bytes', () => {
    const r = explore(gridWalker(10));
    const n = 100;
    const m = 1 + 4 * 10 * 9; // the initial state plus every transition
    expect(r.stats.collisionProbability).toBeCloseTo((n * (m - n)) / 2 ** 64, 30);
    expect(r.stats.bytesPerState).toBeGreaterThan(8);
  });

  it('stores at most 16 bytes per state (visited set and state log) from 32K states on', () => {
    // Through the growths of the fingerprint table and the start of its recent-fingerprint cache.
    let worst = 0;
    let seen = 0;
    const r = explore(fastGrid(560), {
      progressEvery: 64,
      onProgress: (p) => {
        if (p.distinctStates < 32_768) return;
        seen++;
        worst = Math.max(worst, p.storedBytes / p.distinctStates);
      },
    });
    expect(r.stats.distinctStates).toBe(560 * 560);
    expect(seen).toBeGreaterThan(1000);
    expect(worst).toBeLessThanOrEqual(16);
  });

  it('reports an error thrown by the model, with the path to the state it failed in', () => {
    const base = twoCounters(5);
    const r = explore({
      ...base,
      next: (s, a) => {
        if (s.x === 2 && a.kind === 'incX') throw new Error('boom at x=2');
        return base.next(s, a);
      },
    });
    expect(r.status).toBe('error');
    expect(r.error?.message).toBe('boom at x=2');
    expect(r.error?.trace.states.at(-1)?.x).toBe(2);
    expect(r.error?.action).toEqual({ kind: 'incX' });
  });
});

const graphs: fc.Arbitrary<Graph> = fc.integer({ min: 1, max: 25 }).chain((n) =>
  fc.record({
    edges: fc.array(fc.uniqueArray(fc.nat(n - 1), { maxLength: 4 }), {
      minLength: n,
      maxLength: n,
    }),
    initial: fc.uniqueArray(fc.nat(n - 1), { minLength: 1, maxLength: 3 }),
    bad: fc.uniqueArray(fc.nat(n - 1), { maxLength: 2 }),
  }),
);

describe('against a naive enumeration of random graphs', () => {
  it('visits exactly the reachable nodes, and finds each bad node at its shortest distance', () => {
    fc.assert(
      fc.property(graphs, (g) => {
        const dist = naiveDistances(g);
        const r = explore(graphModel(g));
        expect(r.stats.distinctStates).toBe(dist.size);
        expect(r.stats.maxDepth).toBe(Math.max(...dist.values()));
        const badDistances = g.bad.flatMap((b) => (dist.has(b) ? [dist.get(b)!] : []));
        if (badDistances.length === 0) {
          expect(r.status).toBe('ok');
        } else {
          const v = r.violations[0]!;
          expect(v.depth).toBe(Math.min(...badDistances));
          expect(g.bad).toContain(v.trace.states.at(-1));
        }
        const exact = explore(graphModel(g), { exact: true });
        expect(exact.stats.distinctStates).toBe(dist.size);
      }),
      { numRuns: 300, seed: 20261122 },
    );
  });
});
