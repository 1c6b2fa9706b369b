import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadVariantFile } from '../../check/variantFile.ts';
import { resolveTarget } from '../../check/resolve.ts';
import { runCheck } from '../../check/runCheck.ts';
import { replayTrace } from '../../counterexamples/replay.ts';
import { parseTraceFile } from '../../counterexamples/traceFile.ts';

const DIR = join(import.meta.dirname, '../../examples');

async function variantOf(file: string) {
  const [variant] = await loadVariantFile(join(DIR, file));
  return variant!;
}

describe('examples/', () => {
  it('ships a fix that holds and one that does not, each with a test below', () => {
    expect(readdirSync(DIR).sort()).toEqual([
      'read-not-behind-raw.ts',
      'rearm-remaining.ts',
      'rearm-stale-target.no-lost-timer.itf.json',
      'rearm-stale-target.ts',
    ]);
  });

  // test/cli/verifyFix.test.ts runs `clockcheck verify-fix` on both: the first is verified, the
  // second is not.
  it('the two fixes each define one variant of tsc-deadline-ntp, starting from its baseline', async () => {
    for (const file of ['rearm-remaining.ts', 'rearm-stale-target.ts']) {
      const v = await variantOf(file);
      expect([v.scenario.name, v.base.name]).toEqual(['tsc-deadline-ntp', 'recheck-and-block']);
    }
  });

  it('the counterexample found for rearm-stale-target.ts replays step for step on it', async () => {
    const file = 'rearm-stale-target.no-lost-timer.itf.json';
    const trace = parseTraceFile(readFileSync(join(DIR, file), 'utf8'), file);
    expect(trace.meta).toMatchObject({
      scenario: 'tsc-deadline-ntp',
      variant: 'rearm-stale-target',
      invariant: 'no-lost-timer',
    });
    const replay = replayTrace(trace, { variant: await variantOf('rearm-stale-target.ts') });
    expect(replay.sameVariant).toBe(true);
    expect(replay.outcome).toEqual({
      kind: 'violated',
      step: trace.steps.length - 1,
      message: trace.meta.message,
    });
  });

  it('read-not-behind-raw.ts: an invariant of the user’s own on a built-in scenario, violated with its numbers', async () => {
    const v = await variantOf('read-not-behind-raw.ts');
    expect([v.scenario.name, v.base.name]).toEqual(['unsynced-tsc', 'global-clamp']);
    expect(v.spec.invariants.map((i) => i.name)).toEqual(['read-not-behind-raw']);
    const { result } = runCheck(resolveTarget({ scenario: v.scenario, variant: v }));
    expect(result.complete).toBe(true);
    expect(result.violations.map((x) => [x.invariant, x.depth, x.message])).toEqual([
      [
        'read-not-behind-raw',
        3,
        'task 0 read 1000999999 on vCPU1 at t=1000000ns while MONOTONIC_RAW was 1001000099: 100 ns behind',
      ],
    ]);
  });

  it('and the fix that holds neutralizes it', async () => {
    const file = 'rearm-stale-target.no-lost-timer.itf.json';
    const trace = parseTraceFile(readFileSync(join(DIR, file), 'utf8'), file);
    const replay = replayTrace(trace, { variant: await variantOf('rearm-remaining.ts') });
    expect(replay.sameVariant).toBe(false);
    expect(replay.outcome.kind).not.toBe('violated');
  });
});
