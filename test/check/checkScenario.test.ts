import { describe, expect, it } from 'vitest';
import {
  armForRemaining,
  checkScenario,
  defineVariant,
  disarm,
  kick,
  latchPending,
} from '../../index.ts';

const rearm = defineVariant({
  scenario: 'tsc-deadline-ntp',
  name: 'my-rearm',
  description: 'rearm for the time left',
  policies: {
    hrtimerExpiry: (d, cfg, vcpu) => {
      disarm(d, vcpu);
      if (!armForRemaining(d, cfg, vcpu)) latchPending(d, vcpu);
    },
  },
});

const kickOnly = defineVariant({
  scenario: 'tsc-deadline-ntp',
  name: 'kick-only',
  description: 'kick and let the vCPU decide (the baseline again)',
  policies: {
    hrtimerExpiry: (d, _cfg, vcpu) => {
      disarm(d, vcpu);
      kick(d, vcpu);
    },
  },
});

describe('checkScenario', () => {
  it('a user variant that holds: no problems, complete, verdicts as data', () => {
    const r = checkScenario(rearm);
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({
      scenario: 'tsc-deadline-ntp',
      variant: 'my-rearm',
      complete: true,
      states: 7842,
      violated: [],
    });
    expect(r.invariants.map((i) => [i.invariant, i.expected, i.actual])).toEqual([
      ['host-monotonic', 'holds', 'holds'],
      ['no-lost-timer', 'holds', 'holds'],
      ['timer-not-early', 'holds', 'holds'],
    ]);
  });

  it('a user variant that breaks an invariant: a problem naming it, with the trace', () => {
    const r = checkScenario(kickOnly);
    expect(r.problems).toEqual([
      "tsc-deadline-ntp / kick-only: no-lost-timer was expected to hold but is violated at depth 15: vCPU0's timer (deadline TSC 3000001, reached at t=3000001ns) was never delivered by t=4000000ns: it is halted with nothing armed to wake it",
    ]);
    const lost = r.invariants.find((i) => i.invariant === 'no-lost-timer');
    expect(lost?.trace).toHaveLength(15);
    expect(lost?.trace?.[7]).toBe('hrtimerExpire vcpu=0');
  });

  it('built-in variants by name, against their expected verdicts (default: the baseline)', () => {
    const baseline = checkScenario('unsynced-tsc');
    expect([baseline.variant, baseline.violated, baseline.problems]).toEqual([
      'no-clamp',
      ['guest-monotonic'],
      [],
    ]);
    expect(checkScenario('unsynced-tsc', { variant: 'global-clamp' }).problems).toEqual([]);
    expect(checkScenario('unsynced-tsc', { params: { tscSkewPpm: 0 } }).problems).toEqual([
      'unsynced-tsc / no-clamp: guest-monotonic was expected to be violated but holds',
    ]);
  });

  it('a truncated run is a problem, never verified', () => {
    const r = checkScenario(rearm, { bounds: { maxDepth: 5 } });
    expect(r.complete).toBe(false);
    expect(r.truncatedBy).toBe('depth');
    expect(r.problems).toContain(
      'tsc-deadline-ntp / my-rearm: not complete (depth), so nothing it holds is proved',
    );
  });

  it('bad names throw, naming what is allowed', () => {
    expect(() => checkScenario('no-such' as 'unsynced-tsc')).toThrow(/^unknown scenario 'no-such'/);
    expect(() => checkScenario('unsynced-tsc', { params: { skew: 1 } })).toThrow(
      "scenario unsynced-tsc has no parameter 'skew' (parameters: tscSkewPpm, horizonNs, gapNs, reads, migrations, hz, splitReads)",
    );
  });
});
