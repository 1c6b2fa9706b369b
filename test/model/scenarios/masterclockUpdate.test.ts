import { describe, expect, it } from 'vitest';
import { explore } from '../../../explorer/index.ts';
import { target } from '../../helpers.ts';
import { holdsWith, pinScenario } from './pin.ts';

describe('masterclock-update', () => {
  pinScenario('masterclock-update', [
    ['update-on-trigger', 465, 8, { 'guest-monotonic': 5, 'kvmclock-step': 4 }],
    [
      'never-update',
      69,
      6,
      { 'guest-monotonic': 'holds', 'kvmclock-drift': 2, 'kvmclock-step': 'holds' },
    ],
    ['periodic-update', 458, 12, { 'guest-monotonic': 5, 'kvmclock-step': 'holds' }],
  ]);

  it('with the cause switched off (triggers=0) update-on-trigger holds', () =>
    holdsWith('masterclock-update', 'update-on-trigger', { triggers: 0 }));

  it('an update after 1 s of a 2.5 GHz TSC steps guest time back by raw(Δ) - pvclock(Δ) = -59 ns', () => {
    // pvclock: 2.5e9 cycles >> 1, * 3435973836 >> 32 = 999999999 ns; RAW: 2.5e9 * 6710886 >> 24 = 999999940 ns.
    const v = explore(target('masterclock-update', 'update-on-trigger').model).violations[0]!;
    expect(v.message).toBe(
      'task 0 read 1999999940 on vCPU0 at t=1000000000ns after reading 1999999999 on vCPU0 at t=1000000000ns: time went backwards by 59 ns',
    );
  });

  it('periodic-update: the step bound fails when the period is too long', () => {
    const r = explore(
      target('masterclock-update', 'periodic-update', { periodNs: 2_000_000_000 }).model,
    );
    expect(r.violations.map((v) => v.invariant)).toEqual(['guest-monotonic', 'kvmclock-step']);
  });
});
