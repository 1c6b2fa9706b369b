import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../check/scenarioFile.ts';
import { loadVariantFile } from '../../check/variantFile.ts';
import { cliAsync } from '../helpers.ts';
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
  it('ships two fixes, an invariant of the user’s own and a scenario of the user’s own, each with a test below', () => {
    expect(readdirSync(DIR).sort()).toEqual([
      'counterexamples',
      'read-not-behind-raw.ts',
      'rearm-remaining.ts',
      'rearm-stale-target.no-lost-timer.itf.json',
      'rearm-stale-target.ts',
      'scaled-tsc.ts',
    ]);
    expect(readdirSync(join(DIR, 'counterexamples/scaled-tsc'))).toEqual([
      'no-clamp.guest-monotonic.itf.json',
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
        'task 0 read 1000999999 on vCPU1 at t=1000000ns while MONOTONIC_RAW was 1001000100: 101 ns behind',
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

  describe('scaled-tsc.ts: three vCPUs with a scaled guest TSC on unsynchronized pCPUs, end to end', () => {
    const FILE = join(DIR, 'scaled-tsc.ts');
    const SAVED = join(DIR, 'counterexamples/scaled-tsc/no-clamp.guest-monotonic.itf.json');

    // Pinned: a model change that alters these shows up in review.
    it.each([
      ['no-clamp', 832, 7, ['guest-monotonic@4']],
      ['global-clamp', 832, 7, []],
    ] as const)(
      '%s: %i states, depth %i, violated %j',
      async (variant, states, depth, violated) => {
        const [scenario] = await loadScenarioFile(FILE);
        const { result } = runCheck(resolveTarget({ scenario: scenario!, variant }));
        expect(result.complete).toBe(true);
        expect(result.stats.distinctStates).toBe(states);
        expect(result.stats.maxDepth).toBe(depth);
        expect(result.violations.map((v) => `${v.invariant}@${v.depth}`)).toEqual(violated);
        expect(result.sometimes.every((p) => p.reached)).toBe(true);
      },
    );

    it('check, replay, show and verify-fix take it, and its saved counterexample', async () => {
      const checked = await cliAsync('check', '--scenario-file', FILE, '--variant', 'no-clamp');
      expect(checked.code).toBe(1);
      expect(checked.out).toContain(
        'task 0 read 1000999900 on vCPU2 at t=1000000ns after reading 1000999999 on vCPU0 at t=1000000ns: time went backwards by 99 ns',
      );
      const replayed = await cliAsync('replay', SAVED, '--scenario-file', FILE);
      expect(replayed.code).toBe(0);
      expect(replayed.out).toContain('reproduced: guest-monotonic violated at step 4');
      const shown = await cliAsync('show', SAVED, '--scenario-file', FILE);
      expect(shown.code).toBe(0);
      expect(shown.out).toContain('scaled-tsc / no-clamp: guest-monotonic violated in 4 steps');
      const verified = await cliAsync(
        'verify-fix',
        '--scenario-file',
        FILE,
        '--variant',
        'global-clamp',
        '--quiet',
      );
      expect(verified.code).toBe(0);
      expect(verified.out).toContain(
        '- saved counterexamples: 1 for these invariants, neutralized',
      );
    });

    it('with the cause switched off (skewPpm=0), the baseline holds', async () => {
      const [scenario] = await loadScenarioFile(FILE);
      const { result } = runCheck(
        resolveTarget({ scenario: scenario!, variant: 'no-clamp', params: { skewPpm: 0 } }),
      );
      expect([result.complete, result.violations]).toEqual([true, []]);
    });
  });
});
