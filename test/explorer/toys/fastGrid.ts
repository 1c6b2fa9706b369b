/**
 * Toy model written for speed, to measure the explorer's own ceiling: the grid walker of
 * gridWalker.ts (a k-by-k grid from (0, 0), one step north, south, east or west), with a state that
 * is the number x * k + y and actions that are direction numbers. Nothing is allocated per state:
 * the enabled actions are one of nine fixed lists (interior, edge or corner). Reachable: k^2
 * states, 4k(k - 1) transitions, depth 2(k - 1).
 */
import { isMainThread } from 'node:worker_threads';
import type { Model } from '../../../explorer/index.ts';

/** 0: north (y + 1), 1: south (y - 1), 2: east (x + 1), 3: west (x - 1). */
export type Direction = 0 | 1 | 2 | 3;

export function fastGrid(
  k: number,
  forbidden?: { x: number; y: number },
): Model<number, Direction> {
  if (!Number.isInteger(k) || k < 1 || k > 46340) throw new RangeError(`fastGrid: bad size ${k}`);
  const delta = [1, -1, k, -k] as const;
  // lists[3 * xClass + yClass], class 0: at the low edge, 1: inside, 2: at the high edge.
  const lists: Direction[][] = [];
  for (let xc = 0; xc < 3; xc++) {
    for (let yc = 0; yc < 3; yc++) {
      const dirs: Direction[] = [];
      if (yc !== 2 && k > 1) dirs.push(0);
      if (yc !== 0 && k > 1) dirs.push(1);
      if (xc !== 2 && k > 1) dirs.push(2);
      if (xc !== 0 && k > 1) dirs.push(3);
      lists.push(dirs);
    }
  }
  const edgeClass = (c: number): number => (c === 0 ? 0 : c === k - 1 ? 2 : 1);
  const bad = forbidden === undefined ? -1 : forbidden.x * k + forbidden.y;
  return {
    init: () => [0],
    actions: (s) => lists[3 * edgeClass((s / k) | 0) + edgeClass(s % k)]!,
    next: (s, d) => s + delta[d],
    invariants:
      forbidden === undefined
        ? []
        : [
            {
              name: 'avoids-forbidden-cell',
              when: 'always',
              check: (s) => (s === bad ? `walker at (${(s / k) | 0}, ${s % k})` : undefined),
            },
          ],
    sometimes: [{ name: 'reaches-far-corner', check: (s) => s === k * k - 1 }],
    encode: (s, out) => out.u32(s),
    decode: (words) => words[0]!,
  };
}

/** The fast grid whose step function throws on leaving cell (x, y): for error reporting. */
export function brokenGrid(k: number, at: { x: number; y: number }): Model<number, Direction> {
  const grid = fastGrid(k);
  const bad = at.x * k + at.y;
  return {
    ...grid,
    next: (s, d) => {
      if (s === bad) throw new Error(`stepping out of (${at.x}, ${at.y})`);
      return grid.next(s, d);
    },
  };
}

/** The fast grid whose worker threads die (silently, as one killed for lack of memory would) on leaving (0, 0). */
export function dyingGrid(k: number): Model<number, Direction> {
  const grid = fastGrid(k);
  return {
    ...grid,
    next: (s, d) => {
      if (!isMainThread) process.exit(1);
      return grid.next(s, d);
    },
  };
}
