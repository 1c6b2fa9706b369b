import { describe, expect, it } from 'vitest';
import { explore } from '../../../explorer/index.ts';
import { target } from '../../helpers.ts';
import { holdsWith, pinScenario } from './pin.ts';

describe('masterclock-update', () => {
  pinScenario('masterclock-update', [
    ['update-on-hotplug', 1293, 8, { 'guest-monotonic': 5, 'kvmclock-step': 4 }],
    ['no-update-on-hotplug', 1293, 8, { 'guest-monotonic': 5, 'kvmclock-step': 4 }],
    [
      'never-update',
      69,
      6,
      { 'guest-monotonic': 'holds', 'kvmclock-drift': 2, 'kvmclock-step': 'holds' },
    ],
    [
      'one-snapshot',
      298,
      8,
      { 'guest-monotonic': 'holds', 'kvmclock-drift': 2, 'kvmclock-step': 'holds' },
    ],
    [
      'periodic-update',
      10320,
      14,
      { 'guest-monotonic': 5, 'kvmclock-drift': 'holds', 'kvmclock-step': 'holds' },
    ],
  ]);

  it('at 2 GHz (tscKhz=2000000, both conversions exact) update-on-hotplug holds', () =>
    holdsWith('masterclock-update', 'update-on-hotplug', { tscKhz: 2_000_000 }));

  it('with no triggered updates (triggers=0) update-on-hotplug holds too', () =>
    holdsWith('masterclock-update', 'update-on-hotplug', { triggers: 0 }));

  /** The step of the shortest kvmclock-step violation with no step allowed: one update after 1 s. */
  const stepAfterOneSecond = (tscKhz: number) => {
    const r = explore(
      target('masterclock-update', 'update-on-hotplug', { tscKhz, stepBoundNs: 0 }).model,
    );
    return r.violations.find((v) => v.invariant === 'kvmclock-step')?.message;
  };

  it('the step raw(Δ) - pvclock(Δ) after one second: -59 ns at 2.5 GHz, +48 ns at 2.4 GHz; at 2 GHz only the snapshot’s lost half ns', () => {
    // 2.5 GHz: pvclock 2.5e9 cycles >> 1, * 3435973836 >> 32 = 999999999 ns; RAW 2.5e9 * 6710886 >> 24 = 999999940 ns.
    expect(stepAfterOneSecond(2_500_000)).toBe(
      "the last rewrite of vCPU0's pvclock page stepped kvmclock back by 59 ns (bound 0 ns)",
    );
    expect(stepAfterOneSecond(2_400_000)).toBe(
      "the last rewrite of vCPU0's pvclock page stepped kvmclock forward by 48 ns (bound 0 ns)",
    );
    // 2 GHz: both conversions exact, no drift; but a snapshot taken between two nanoseconds (here
    // at TSC 1, a cycle after the guest's read at t = 0: causal time) stores master_kernel_ns as
    // MONOTONIC_RAW gives it, floored to 1e9 (xtime_nsec >> shift), with tsc_timestamp 1. At the
    // write's TSC 2 the old page gives 1e9 + 1, the new one 1e9 + floor(0.5): the snapshot's
    // sub-nanosecond is lost, a step back of up to 1 ns at any update, at any rate.
    expect(stepAfterOneSecond(2_000_000)).toBe(
      "the last rewrite of vCPU0's pvclock page stepped kvmclock back by 1 ns (bound 0 ns)",
    );
  });

  it('the guest sees the 2.5 GHz step as time going back by 59 ns', () => {
    const v = explore(target('masterclock-update', 'update-on-hotplug').model).violations[0]!;
    expect(v.message).toBe(
      'task 0 read 1999999940 on vCPU0 at t=1000000000ns after reading 1999999999 on vCPU0 at t=1000000000ns: time went backwards by 59 ns',
    );
  });

  it('at 2.4 GHz the step is forward: guest-monotonic holds, kvmclock-step does not', () => {
    const r = explore(
      target('masterclock-update', 'update-on-hotplug', { tscKhz: 2_400_000 }).model,
    );
    expect(r.violations.map((v) => v.invariant)).toEqual(['kvmclock-step']);
  });

  it('KVM today: the shortest counterexample is Xen shared-info setup (hotplug no longer updates)', () => {
    const r = explore(target('masterclock-update', 'no-update-on-hotplug').model);
    expect(r.violations[0]!.trace.actions).toContainEqual({
      kind: 'masterclockUpdate',
      trigger: 'xen-shared-info',
    });
  });

  it('periodic-update: the step and drift bounds fail when the period is too long', () => {
    const r = explore(
      target('masterclock-update', 'periodic-update', { periodNs: 2_000_000_000 }).model,
    );
    expect(r.violations.map((v) => v.invariant)).toEqual([
      'guest-monotonic',
      'kvmclock-drift',
      'kvmclock-step',
    ]);
  });
});
