import { describe, expect, it } from 'vitest';
import { replayAll, summarize } from '../../counterexamples/replayAll.ts';
import { readTraceFolder } from '../../counterexamples/traceFiles.ts';
import { join } from 'node:path';
import { COUNTEREXAMPLES, loadCommitted } from './committed.ts';
import { findScenario, type CustomVariant } from '../../check/resolve.ts';
import type { VariantSpec } from '../../model/scenarios/index.ts';

describe('replayAll', () => {
  it('without a variant: every committed trace of a scenario reproduces', () => {
    const all = replayAll(readTraceFolder(join(COUNTEREXAMPLES, 'masterclock-update')));
    expect(all.files.map((f) => f.verdict)).toEqual(Array(7).fill('reproduced'));
    expect(all.ok).toBe(true);
    expect(summarize(all, false)).toBe('7 files: 7 reproduced, 0 not reproduced, 0 diverged');
  });

  it('on the fix: neutralized traces, each with its line', () => {
    // Graf's capped reads take steps global-clamp's reader has not (that trace diverges).
    const traces = readTraceFolder(join(COUNTEREXAMPLES, 'unsynced-tsc')).filter(
      (t) => !t.name.includes('graf-swing-cap'),
    );
    const all = replayAll(traces, 'global-clamp');
    expect(all.files.map((f) => [f.verdict, f.line])).toEqual([
      ['neutralized', 'neutralized: guest-monotonic holds on this trace under global-clamp'],
      ['neutralized', 'neutralized: guest-monotonic holds on this trace under global-clamp'],
    ]);
    expect(all.ok).toBe(true);
    expect(summarize(all, true)).toBe('2 files: 2 neutralized, 0 still violated, 0 diverged');
  });

  it('on a variant that does not fix it: still violated, and diverged with the reason', () => {
    const traces = readTraceFolder(join(COUNTEREXAMPLES, 'tsc-deadline-ntp'));
    const all = replayAll(traces, 'rearm-remaining');
    const byName = Object.fromEntries(all.files.map((f) => [f.name.split('/').at(-1), f]));
    expect(byName['inject-always.timer-not-early.itf.json']!.verdict).toBe('neutralized');
    // rearm-remaining need not keep timer-lateness: that trace is shown but not counted.
    const late = byName['raw-correlated.timer-lateness.itf.json']!;
    expect(late.line).toMatch(
      /^still violated at step 15 under rearm-remaining: .*504 ns after its deadline.*\(timer-lateness is not required of rearm-remaining: not counted\)$/,
    );
    expect(late.required).toBe(false);
    const diverged = byName['pending-latch.timer-not-early.itf.json']!;
    expect(diverged.verdict).toBe('diverged');
    expect(diverged.line).toMatch(
      /^diverged at step 7: timerInject vcpu=0 is not enabled under rearm-remaining; the state before it differs from the recording at vcpus\[0\]\.timer\.hrtimer\.armed \(true, recorded false\)/,
    );
    expect(all.ok).toBe(false);
    expect(all.counts).toMatchObject({ neutralized: 1, 'still-violated': 0, diverged: 2 });
    expect(all.notCounted).toBe(1);
    expect(summarize(all, true)).toBe(
      '4 files: 1 neutralized, 0 still violated, 2 diverged, 1 not counted',
    );
  });

  it('a diverged trace counts as neither neutralized nor still violated, and fails the replay', () => {
    const traces = readTraceFolder(join(COUNTEREXAMPLES, 'tsc-deadline-ntp')).filter((t) =>
      t.name.endsWith('pending-latch.timer-not-early.itf.json'),
    );
    const all = replayAll(traces, 'rearm-remaining');
    expect(all.files.map((f) => [f.verdict, f.required])).toEqual([['diverged', true]]);
    expect(all.counts).toMatchObject({ neutralized: 0, 'still-violated': 0, diverged: 1 });
    expect(all.ok).toBe(false);
  });

  it('takes a variant given as a spec, not only a name (a user’s own fix)', () => {
    const scenario = findScenario('unsynced-tsc');
    const clamp = scenario.variants.find((v) => v.name === 'global-clamp')!;
    const custom = (spec: VariantSpec): CustomVariant => ({
      scenario,
      spec,
      base: spec,
      origin: 'my-fix.ts',
    });
    const mine = custom({ ...clamp, name: 'my-clamp' });
    const trace = {
      name: 'x',
      trace: loadCommitted('unsynced-tsc/no-clamp.guest-monotonic.itf.json'),
    };
    const all = replayAll([trace], mine);
    expect(all.files[0]!.line).toBe(
      'neutralized: guest-monotonic holds on this trace under my-clamp',
    );
    const noClamp = custom({ ...scenario.variants[0]!, name: 'my-no-clamp' });
    expect(replayAll([trace], noClamp).files[0]!.verdict).toBe('still-violated');
  });
});
