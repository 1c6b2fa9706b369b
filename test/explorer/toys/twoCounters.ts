/**
 * Toy model: two counters x, y in [0, n], starting at (0, 0). Actions: increment x, increment y
 * (each while below n), and swap them. Every pair is reachable: (n + 1)^2 states. The planted
 * violation is x + 2y = v: since increments add 1 to x + y and swap keeps it, the shortest path to
 * (x, y) has x + y steps, so the shortest violation maximises y.
 */
import { produce } from 'immer';
import { match } from 'ts-pattern';
import type { Model } from '../../../explorer/index.ts';

export interface Counters {
  readonly x: number;
  readonly y: number;
}
export type CounterAction =
  { readonly kind: 'incX' } | { readonly kind: 'incY' } | { readonly kind: 'swap' };

export function twoCounters(n: number, plantedSum?: number): Model<Counters, CounterAction> {
  return {
    init: () => [{ x: 0, y: 0 }],
    actions: (s) => {
      const enabled: CounterAction[] = [];
      if (s.x < n) enabled.push({ kind: 'incX' });
      if (s.y < n) enabled.push({ kind: 'incY' });
      enabled.push({ kind: 'swap' });
      return enabled;
    },
    next: (s, a) =>
      produce(s, (d) => {
        match(a)
          .with({ kind: 'incX' }, () => void d.x++)
          .with({ kind: 'incY' }, () => void d.y++)
          .with({ kind: 'swap' }, () => {
            [d.x, d.y] = [s.y, s.x];
          })
          .exhaustive();
      }),
    invariants:
      plantedSum === undefined
        ? []
        : [
            {
              name: 'x-plus-2y-avoids-planted-value',
              when: 'always',
              check: (s) =>
                s.x + 2 * s.y === plantedSum
                  ? `x + 2y = ${s.x} + 2*${s.y} = ${plantedSum}`
                  : undefined,
            },
          ],
    encode: (s, out) => {
      out.u32(s.x);
      out.u32(s.y);
    },
    decode: (words) => ({ x: words[0]!, y: words[1]! }),
  };
}
