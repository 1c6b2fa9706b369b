import type { Draft } from 'immer';
import { describe, expect, it } from 'vitest';
import { noLostTimer } from '../../invariants/noLostTimer.ts';
import type { VcpuState } from '../../model/state.ts';
import { config, state } from '../model/fixtures.ts';

// Horizon 10 ms, lateness bound 1 us: a deadline at or before t = 9_999_000 ns must be delivered.
const HORIZON = 10_000_000;
const cfg = config({
  vcpus: [{ pcpu: 0 }, { pcpu: 0 }],
  horizonNs: HORIZON,
  latenessBoundNs: 1000,
});

/** At the horizon, `vcpu` has a timer programmed for `deadlineAt` (1 GHz: deadline TSC = deadlineAt). */
const atHorizon = (vcpu: number, deadlineAt: number, edit?: (v: Draft<VcpuState>) => void) =>
  state(cfg, (d) => {
    d.now = HORIZON;
    const v = d.vcpus[vcpu]!;
    v.timer.programmed = true;
    v.timer.deadline = BigInt(deadlineAt);
    v.timer.deadlineAt = deadlineAt;
    edit?.(v);
  });

describe('no-lost-timer', () => {
  it('is checked on terminal states only', () => {
    expect(noLostTimer.when).toBe('terminal');
  });

  it('holds when no timer was programmed', () => {
    expect(
      noLostTimer.check(
        state(cfg, (d) => void (d.now = HORIZON)),
        cfg,
      ),
    ).toBeUndefined();
  });

  it('holds when the timer was delivered', () => {
    const s = atHorizon(0, 9_999_000, (v) => {
      v.timer.delivered = true;
      v.timer.deliveredTsc = 9_999_000n;
      v.timer.deliveredAt = 9_999_000;
    });
    expect(noLostTimer.check(s, cfg)).toBeUndefined();
  });

  it('holds for an undelivered timer whose deadline is less than the lateness bound before the horizon', () => {
    expect(noLostTimer.check(atHorizon(0, 9_999_001), cfg)).toBeUndefined();
    expect(noLostTimer.check(atHorizon(0, HORIZON), cfg)).toBeUndefined();
  });

  it('breaks for an undelivered timer exactly the lateness bound before the horizon, naming a halted vCPU with nothing to wake it', () => {
    const s = atHorizon(0, 9_999_000, (v) => void (v.halted = true));
    expect(noLostTimer.check(s, cfg)).toBe(
      "vCPU0's timer (deadline TSC 9999000, reached at t=9999000ns) was never delivered " +
        'by t=10000000ns: it is halted with nothing armed to wake it',
    );
  });

  it('breaks without that explanation when the vCPU runs, or an hrtimer is armed, or the interrupt is pending', () => {
    const expected =
      "vCPU1's timer (deadline TSC 5000000, reached at t=5000000ns) was never delivered by t=10000000ns";
    expect(noLostTimer.check(atHorizon(1, 5_000_000), cfg)).toBe(expected);
    const armed = atHorizon(1, 5_000_000, (v) => {
      v.halted = true;
      v.timer.hrtimer.armed = true;
      v.timer.hrtimer.expires = 1_005_000_000n;
      v.timer.hrtimer.queuedMono = 1_005_000_000n;
    });
    expect(noLostTimer.check(armed, cfg)).toBe(expected);
    const pending = atHorizon(1, 5_000_000, (v) => {
      v.halted = true;
      v.timer.pending = true;
    });
    expect(noLostTimer.check(pending, cfg)).toBe(expected);
  });
});
