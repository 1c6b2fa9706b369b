/**
 * Toy model: processes sharing one lock. The correct protocol takes the lock with an atomic
 * test-and-set; the buggy one tests ("the lock is free") and sets it in two separate steps, so two
 * processes can both see it free and both enter the critical section.
 */
import { produce } from 'immer';
import { match } from 'ts-pattern';
import type { Model } from '../../../explorer/index.ts';

/** idle: may try to take the lock; sawFree: (buggy protocol) saw it free, will set it; critical: holds it. */
export type Pc = 'idle' | 'sawFree' | 'critical';
export interface MutexState {
  readonly pcs: readonly Pc[];
  readonly locked: boolean;
}
export type MutexAction =
  | { readonly kind: 'testAndSet'; readonly proc: number }
  | { readonly kind: 'test'; readonly proc: number }
  | { readonly kind: 'set'; readonly proc: number }
  | { readonly kind: 'release'; readonly proc: number };

const PC_CODE: Record<Pc, number> = { idle: 0, sawFree: 1, critical: 2 };

export function mutex(
  processes: number,
  protocol: 'atomic' | 'split',
): Model<MutexState, MutexAction> {
  return {
    init: () => [{ pcs: Array.from({ length: processes }, () => 'idle' as const), locked: false }],
    actions: (s) =>
      s.pcs.flatMap((pc, proc): MutexAction[] =>
        match(pc)
          .with('idle', () =>
            s.locked
              ? []
              : [
                  {
                    kind: protocol === 'atomic' ? ('testAndSet' as const) : ('test' as const),
                    proc,
                  },
                ],
          )
          .with('sawFree', () => [{ kind: 'set' as const, proc }])
          .with('critical', () => [{ kind: 'release' as const, proc }])
          .exhaustive(),
      ),
    next: (s, a) =>
      produce(s, (d) => {
        match(a)
          .with({ kind: 'testAndSet' }, ({ proc }) => {
            d.locked = true;
            d.pcs[proc] = 'critical';
          })
          .with({ kind: 'test' }, ({ proc }) => void (d.pcs[proc] = 'sawFree'))
          .with({ kind: 'set' }, ({ proc }) => {
            d.locked = true;
            d.pcs[proc] = 'critical';
          })
          .with({ kind: 'release' }, ({ proc }) => {
            d.locked = false;
            d.pcs[proc] = 'idle';
          })
          .exhaustive();
      }),
    invariants: [
      {
        name: 'mutual-exclusion',
        when: 'always',
        check: (s) => {
          const inside = s.pcs.flatMap((pc, i) => (pc === 'critical' ? [i] : []));
          return inside.length > 1
            ? `processes ${inside.join(' and ')} are both in the critical section`
            : undefined;
        },
      },
    ],
    encode: (s, out) => {
      for (const pc of s.pcs) out.u32(PC_CODE[pc]);
      out.bool(s.locked);
    },
  };
}
