import { describe, expect, it } from 'vitest';
import { runCheck } from '../../check/runCheck.ts';
import { diffItf, diffStates, toItf } from '../../counterexamples/itf.ts';
import { target } from '../helpers.ts';

describe('diffStates', () => {
  it('is diffItf of the ITF forms, for every step of real counterexamples', () => {
    const runs = [
      target('unsynced-tsc', 'no-clamp'),
      target('tsc-deadline-ntp', 'recheck-and-block'),
      target('pvclock-read', 'host-bulk-copy'),
      target('arm64-counter-offset', 'per-vcpu-absolute-restore'),
    ].map((t) => runCheck(t));
    let steps = 0;
    for (const { result } of runs) {
      for (const { trace } of result.violations) {
        for (let i = 1; i < trace.states.length; i++) {
          const [before, after] = [trace.states[i - 1], trace.states[i]];
          expect(diffStates(before, after)).toEqual(diffItf(toItf(before), toItf(after)));
          steps++;
        }
      }
    }
    expect(steps).toBeGreaterThan(40);
  });

  it('values of another shape, or none, take the long way: the same answer, the same error', () => {
    const pairs: [unknown, unknown][] = [
      [
        { a: 1, b: [1, 2] },
        { a: 2, b: [1] },
      ],
      [{ a: 1 }, { b: 1 }],
      [{ a: { x: 1n } }, { a: true }],
      [
        { a: 'x', b: false },
        { b: true, a: 'y' },
      ],
    ];
    for (const [a, b] of pairs) expect(diffStates(a, b)).toEqual(diffItf(toItf(a), toItf(b)));
    expect(() => diffStates({ a: 1 }, { a: 1.5 })).toThrow('state.a: 1.5 is not an integer');
  });
});
