import { describe, expect, it } from 'vitest';
import { judge, surprises } from '../../check/catalogue.ts';
import { runCheck } from '../../check/runCheck.ts';
import { target } from '../helpers.ts';

describe('judging a run against the catalogue', () => {
  it('a verdict that differs from the expected one is a surprise, with the numbers', () => {
    // no-clamp with the skew switched off holds, but the catalogue expects a violation.
    const entry = judge(runCheck(target('unsynced-tsc', 'no-clamp', { tscSkewPpm: 0 })));
    expect(entry.asExpected).toBe(false);
    expect(surprises(entry)).toEqual([
      'unsynced-tsc / no-clamp: guest-monotonic was expected to be violated but holds',
    ]);
  });

  it('a truncated run is a surprise even when every verdict matches', () => {
    const entry = judge(runCheck(target('unsynced-tsc', 'global-clamp'), { maxDepth: 2 }));
    expect(entry.verdicts.every((v) => v.asExpected)).toBe(true);
    expect(entry.asExpected).toBe(false);
    expect(surprises(entry)[0]).toBe(
      'unsynced-tsc / global-clamp: not complete (depth), so nothing it holds is proved',
    );
  });

  it('a sometimes-property never reached makes the run vacuous', () => {
    const entry = judge(runCheck(target('unsynced-tsc', 'global-clamp', { migrations: 0 })));
    expect(entry.vacuous).toEqual(['task-migrated', 'read-on-each-vcpu']);
    expect(entry.asExpected).toBe(false);
  });
});
