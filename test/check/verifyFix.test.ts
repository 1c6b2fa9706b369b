import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioNamed } from '../../check/scenarios.ts';
import { defineVariant } from '../../check/defineVariant.ts';
import { resolveUserVariant } from '../../check/userVariant.ts';
import { savedCounterexamples, verificationJson, verifyFix } from '../../check/verifyFix.ts';
import { guestTsc } from '../../model/clocks.ts';
import { disarm, kick } from '../../model/timers.ts';
import { expectValidReport } from '../reports.ts';

const clamp = resolveUserVariant(
  defineVariant({
    scenario: 'unsynced-tsc',
    name: 'my-clamp',
    description: 'clamp to the largest value returned',
    policies: { readClamp: 'last-value' },
  }),
  'test',
);

describe('verifyFix', () => {
  it('finds the saved counterexamples of a scenario', () => {
    const root = join(import.meta.dirname, '../..');
    expect(
      savedCounterexamples(scenarioNamed('unsynced-tsc')!).map((f) => relative(root, f)),
    ).toEqual([
      'counterexamples/unsynced-tsc/graf-swing-cap.guest-monotonic.itf.json',
      'counterexamples/unsynced-tsc/no-clamp.guest-monotonic.itf.json',
      'counterexamples/unsynced-tsc/stable-bit-with-skew.guest-monotonic.itf.json',
    ]);
    const elsewhere = {
      ...scenarioNamed('unsynced-tsc')!,
      savedCounterexamples: join(root, 'no-such-folder'),
    };
    expect(savedCounterexamples(elsewhere)).toEqual([]);
  });

  it('a fix that holds: the bug, a complete run, every counterexample it follows neutralized', () => {
    const v = verifyFix(clamp);
    expect(v.problems).toEqual([]);
    expect(v.verified).toBe(true);
    expect(v.bug).toMatchObject({ invariant: 'guest-monotonic', depth: 4 });
    // Graf's capped reads are steps the fix's reader has not: that trace says nothing about it.
    expect(v.replays.map((r) => [r.variant, r.outcome, r.required])).toEqual([
      ['graf-swing-cap', 'diverged', true],
      ['no-clamp', 'neutralized', true],
      ['stable-bit-with-skew', 'neutralized', true],
    ]);
    expect(v.verdict.at(-2)).toBe(
      '- saved counterexamples: 3 for these invariants, 2 neutralized, 1 diverged (the fix no longer follows its path, so it says nothing about it)',
    );
  });

  it('the same inputs give the same JSON, byte for byte, valid against its schema', () => {
    const json = verificationJson(verifyFix(clamp));
    expect(json).toBe(verificationJson(verifyFix(clamp)));
    expect(expectValidReport('verify-fix', json)).toMatchObject({
      schemaVersion: 1,
      report: 'verify-fix',
      tool: 'clockcheck',
      verified: true,
    });
  });

  it('a violation the fix declares acceptable does not fail it, nor do its counterexamples', () => {
    const injectEarly = resolveUserVariant(
      defineVariant({
        scenario: 'tsc-deadline-ntp',
        name: 'inject-now',
        description: 'tglx option 3: deliver at once, early interrupts accepted',
        policies: {
          wakeCheck: 'pending',
          hrtimerExpiry: (d, cfg, vcpu) => {
            disarm(d, vcpu);
            const timer = d.vcpus[vcpu]!.timer;
            timer.delivered = true;
            timer.deliveredTsc = guestTsc(d, cfg, vcpu);
            timer.deliveredAt = d.now;
            kick(d, vcpu);
          },
        },
        expected: { 'no-lost-timer': 'holds', 'timer-not-early': 'violated' },
      }),
      'test',
    );
    const v = verifyFix(injectEarly);
    expect(v.problems).toEqual([]);
    expect(v.verified).toBe(true);
    const early = v.replays.filter((r) => r.invariant === 'timer-not-early');
    expect(early.map((r) => [r.variant, r.outcome, r.required])).toEqual([
      ['inject-always', 'still-violated', false],
      ['pending-latch', 'still-violated', false],
    ]);
    expect(v.verdict[2]).toContain(
      'timer-not-early is violated, as the fix accepts (shortest counterexample: 6 steps)',
    );
  });

  it('parameters under which the baseline holds make the verification inconclusive', () => {
    const v = verifyFix(clamp, { params: ['tscSkewPpm=0'] });
    expect(v.verified).toBe(false);
    expect(v.bug).toBeUndefined();
    expect(v.problems).toEqual([
      'the baseline no-clamp violates nothing it is expected to within these bounds and parameters, so nothing shows what the fix fixes',
    ]);
    expect(v.verdict[1]).toBe(
      '- without the fix (no-clamp): no violation within these bounds, so the bug is not reproduced',
    );
  });
});
