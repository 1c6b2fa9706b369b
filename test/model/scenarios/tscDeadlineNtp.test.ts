import { describe, expect, it } from 'vitest';
import { explore } from '../../../explorer/index.ts';
import { target } from '../../helpers.ts';
import { holdsWith, pinScenario } from './pin.ts';

describe('tsc-deadline-ntp', () => {
  pinScenario('tsc-deadline-ntp', [
    ['recheck-and-block', 8610, 19, { 'host-monotonic': 'holds', 'no-lost-timer': 15 }],
    [
      'pending-latch',
      3578,
      19,
      { 'host-monotonic': 'holds', 'no-lost-timer': 'holds', 'timer-not-early': 7 },
    ],
    [
      'rearm-remaining',
      7842,
      21,
      { 'host-monotonic': 'holds', 'no-lost-timer': 'holds', 'timer-not-early': 'holds' },
    ],
    [
      'inject-always',
      3173,
      18,
      { 'host-monotonic': 'holds', 'no-lost-timer': 'holds', 'timer-not-early': 6 },
    ],
    [
      'raw-correlated',
      4082,
      21,
      {
        'host-monotonic': 'holds',
        'no-lost-timer': 'holds',
        'timer-not-early': 'holds',
        'timer-lateness': 15,
      },
    ],
  ]);

  it.each(['recheck-and-block', 'pending-latch', 'inject-always', 'raw-correlated'])(
    'with the cause switched off (ntpPpm=0) %s holds',
    (variant) => holdsWith('tsc-deadline-ntp', variant, { ntpPpm: 0 }),
  );

  it('recheck-and-block: the vCPU ends halted with nothing armed after an NTP speed-up', () => {
    const v = explore(target('tsc-deadline-ntp', 'recheck-and-block').model).violations[0]!;
    expect(v.message).toMatch(
      /never delivered by t=4000000ns: it is halted with nothing armed to wake it$/,
    );
    expect(v.trace.actions.some((a) => a.kind === 'ntpMultChange' && a.adj > 0)).toBe(true);
    const last = v.trace.states.at(-1)!;
    expect(last.host.mono.mult).toBeGreaterThan(last.host.raw.mult);
  });

  it('raw-correlated: late by the NTP slow-down applied during the NOHZ sleep (500 ppm of 1 ms)', () => {
    const v = explore(target('tsc-deadline-ntp', 'raw-correlated').model).violations[0]!;
    // 500 ns of the slow-down, 1 of the floored conversion, and the 2 cycles (1 GHz: ns) the
    // delivery's TSC read comes after the instant's earlier reads (causal time).
    expect(v.message).toContain('arrived 503 ns after its deadline');
    expect(v.trace.actions.map((a) => a.kind)).toContain('nohzIdleEnter');
  });

  it('finding: at 2.5 GHz the floored conversion fires the hrtimer a cycle early even without NTP', () => {
    const params = { ntpPpm: 0, tscMHz: 2500, timerNs: 2_000_001 };
    const lost = explore(target('tsc-deadline-ntp', 'recheck-and-block', params).model);
    expect(lost.violations[0]?.invariant).toBe('no-lost-timer');
    const early = explore(target('tsc-deadline-ntp', 'pending-latch', params).model);
    expect(early.violations[0]?.message).toContain('1 cycle before its deadline');
    // Even the re-arm fix is a cycle early: with less than 1 ns left the conversion gives 0, which
    // counts as expired (kvm_timer_earliest_exp returns 0).
    const rearm = explore(target('tsc-deadline-ntp', 'rearm-remaining', params).model);
    expect(rearm.violations.map((v) => v.invariant)).toEqual(['timer-not-early']);
    expect(rearm.violations[0]!.message).toContain('1 cycle before its deadline 7500003');
  });
});
