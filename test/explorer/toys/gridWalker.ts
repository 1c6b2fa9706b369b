/**
 * Toy model: a walker on a k-by-k grid starting at (0, 0), stepping one cell north, south, east or
 * west without leaving the grid. Reachable: all k*k cells. Optionally one cell is forbidden, so the
 * shortest violation is the Manhattan distance to it.
 */
import { produce } from 'immer';
import { match } from 'ts-pattern';
import type { Model } from '../../../explorer/index.ts';

export interface Cell {
  readonly x: number;
  readonly y: number;
}
export type Step = { readonly kind: 'step'; readonly dir: 'N' | 'S' | 'E' | 'W' };

const DIRS = ['N', 'S', 'E', 'W'] as const;

export function gridWalker(k: number, forbidden?: Cell): Model<Cell, Step> {
  const moved = (c: Cell, a: Step): Cell =>
    produce(c, (d) => {
      match(a.dir)
        .with('N', () => void d.y++)
        .with('S', () => void d.y--)
        .with('E', () => void d.x++)
        .with('W', () => void d.x--)
        .exhaustive();
    });
  const inside = (c: Cell) => c.x >= 0 && c.y >= 0 && c.x < k && c.y < k;
  return {
    init: () => [{ x: 0, y: 0 }],
    actions: (c) =>
      DIRS.map((dir) => ({ kind: 'step' as const, dir })).filter((a) => inside(moved(c, a))),
    next: moved,
    invariants:
      forbidden === undefined
        ? []
        : [
            {
              name: 'avoids-forbidden-cell',
              when: 'always',
              check: (c) =>
                c.x === forbidden.x && c.y === forbidden.y
                  ? `walker at (${c.x}, ${c.y})`
                  : undefined,
            },
          ],
    sometimes: [{ name: 'reaches-far-corner', check: (c) => c.x === k - 1 && c.y === k - 1 }],
    encode: (c, out) => {
      out.u32(c.x);
      out.u32(c.y);
    },
  };
}
