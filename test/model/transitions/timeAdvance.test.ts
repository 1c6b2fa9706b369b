import { describe, expect, it } from 'vitest';
import type { ClockAction } from '../../../model/actions.ts';
import { config, enabled, state, step } from '../fixtures.ts';

// 1 GHz TSCs and the host clocksource's mult/shift of 2^23/23: one cycle is one nanosecond, so
// MONOTONIC = bootNs (1e9) + real time until something changes the timekeeper.
const BOOT = 1_000_000_000n;
const targets = (actions: ClockAction[]) =>
  actions.map((a) => (a.kind === 'timeAdvance' ? a.to : NaN));

describe('timeAdvance', () => {
  it('is never enabled when the scenario does not have it', () => {
    const cfg = config({ gapsNs: [100], transitions: [] });
    expect(enabled(state(cfg), cfg, 'timeAdvance')).toEqual([]);
  });

  it('offers now + each configured gap, ascending and without duplicates', () => {
    const cfg = config({ gapsNs: [250, 100, 250], horizonNs: 1_000, transitions: ['timeAdvance'] });
    expect(targets(enabled(state(cfg), cfg, 'timeAdvance'))).toEqual([100, 250]);
    const later = state(cfg, (d) => void (d.now = 300));
    expect(targets(enabled(later, cfg, 'timeAdvance'))).toEqual([400, 550]);
  });

  it('never goes past the horizon, but may stop exactly at it', () => {
    const cfg = config({
      gapsNs: [400, 1_000, 2_000],
      horizonNs: 1_000,
      transitions: ['timeAdvance'],
    });
    expect(targets(enabled(state(cfg), cfg, 'timeAdvance'))).toEqual([400, 1_000]);
    const atHorizon = state(cfg, (d) => void (d.now = 1_000));
    expect(enabled(atHorizon, cfg, 'timeAdvance')).toEqual([]);
  });

  it('with one gap and nothing scheduled, offers now + gap up to the horizon and nothing past it', () => {
    const cfg = config({ gapsNs: [400], horizonNs: 1_000, transitions: ['timeAdvance'] });
    const at = (now: number) => state(cfg, (d) => void (d.now = now));
    expect(targets(enabled(at(0), cfg, 'timeAdvance'))).toEqual([400]);
    expect(targets(enabled(at(600), cfg, 'timeAdvance'))).toEqual([1_000]);
    expect(enabled(at(700), cfg, 'timeAdvance')).toEqual([]);
  });

  it('sets now and changes nothing else (every TSC is a function of now)', () => {
    const cfg = config({ gapsNs: [100], transitions: ['timeAdvance'] });
    const s = state(cfg);
    const next = step(s, cfg, { kind: 'timeAdvance', to: 100 });
    expect(next).toEqual({ ...s, now: 100 });
  });

  describe('host ticks', () => {
    const cfg = config({
      tickNs: 400,
      gapsNs: [100, 1_000],
      transitions: ['timeAdvance', 'hostTimekeepingUpdate'],
    });

    it('stops at the next tick and not past it (boot at 0 counts as the first update)', () => {
      expect(targets(enabled(state(cfg), cfg, 'timeAdvance'))).toEqual([100, 400]);
    });

    it('does not move while the tick due now has not been handled', () => {
      const due = state(cfg, (d) => void (d.now = 400));
      expect(enabled(due, cfg, 'timeAdvance')).toEqual([]);
      const handled = state(cfg, (d) => {
        d.now = 400;
        d.host.lastUpdateAt = 400;
      });
      expect(targets(enabled(handled, cfg, 'timeAdvance'))).toEqual([500, 800]);
    });

    it('ignores ticks when every pCPU is in NOHZ idle (nobody takes them)', () => {
      const allIdle = state(cfg, (d) => void (d.pcpus[0]!.idle = true));
      expect(targets(enabled(allIdle, cfg, 'timeAdvance'))).toEqual([100, 1_000]);
    });

    it('ignores ticks when the scenario has no timekeeping update', () => {
      const noTicks = config({ tickNs: 400, gapsNs: [1_000], transitions: ['timeAdvance'] });
      expect(targets(enabled(state(noTicks), noTicks, 'timeAdvance'))).toEqual([1_000]);
    });
  });

  describe('hrtimers', () => {
    const cfg = config({ gapsNs: [100, 1_000], transitions: ['timeAdvance', 'hrtimerExpire'] });
    // A MONOTONIC hrtimer queued for boot + 300 ns: MONOTONIC reaches it at real time 300.
    const armed = state(cfg, (d) => void (d.vcpus[0]!.timer.hrtimer = armedAt(BOOT + 300n)));

    it('stops at the instant MONOTONIC reaches an armed hrtimer on a busy pCPU', () => {
      expect(targets(enabled(armed, cfg, 'timeAdvance'))).toEqual([100, 300]);
    });

    it('does not move while an hrtimer on a busy pCPU is due', () => {
      const due = state(cfg, (d) => {
        d.now = 300;
        d.vcpus[0]!.timer.hrtimer = armedAt(BOOT + 300n);
      });
      expect(enabled(due, cfg, 'timeAdvance')).toEqual([]);
      const overdue = state(cfg, (d) => {
        d.now = 350;
        d.vcpus[0]!.timer.hrtimer = armedAt(BOOT + 300n);
      });
      expect(enabled(overdue, cfg, 'timeAdvance')).toEqual([]);
    });

    it("on an idle pCPU stops at the clockevent's wakeAt, not at the hrtimer's expiry", () => {
      const idle = state(cfg, (d) => {
        d.vcpus[0]!.timer.hrtimer = armedAt(BOOT + 300n);
        d.pcpus[0]!.idle = true;
        d.pcpus[0]!.wakeAt = 700;
      });
      expect(targets(enabled(idle, cfg, 'timeAdvance'))).toEqual([100, 700]);
      const wakeDue = state(cfg, (d) => {
        d.now = 700;
        d.vcpus[0]!.timer.hrtimer = armedAt(BOOT + 300n);
        d.pcpus[0]!.idle = true;
        d.pcpus[0]!.wakeAt = 700;
      });
      expect(enabled(wakeDue, cfg, 'timeAdvance')).toEqual([]);
    });

    it('ignores hrtimers when the scenario has no hrtimerExpire', () => {
      const noExpire = config({ gapsNs: [1_000], transitions: ['timeAdvance'] });
      const s = state(noExpire, (d) => void (d.vcpus[0]!.timer.hrtimer = armedAt(BOOT + 300n)));
      expect(targets(enabled(s, noExpire, 'timeAdvance'))).toEqual([1_000]);
    });
  });

  describe('urgent work keeps time where it is', () => {
    it('a kicked vCPU thread that must decide whether to run', () => {
      const cfg = config({ gapsNs: [100], transitions: ['timeAdvance', 'vcpuWakeCheck'] });
      const kicked = state(cfg, (d) => {
        d.vcpus[0]!.halted = true;
        d.vcpus[0]!.kicked = true;
      });
      expect(enabled(kicked, cfg, 'timeAdvance')).toEqual([]);
      const asleep = state(cfg, (d) => void (d.vcpus[0]!.halted = true));
      expect(targets(enabled(asleep, cfg, 'timeAdvance'))).toEqual([100]);
    });

    it('a running vCPU with a pending timer interrupt to inject', () => {
      const cfg = config({ gapsNs: [100], transitions: ['timeAdvance', 'timerInject'] });
      const pending = state(cfg, (d) => void (d.vcpus[0]!.timer.pending = true));
      expect(enabled(pending, cfg, 'timeAdvance')).toEqual([]);
    });

    it('not when the scenario has neither vcpuWakeCheck nor timerInject', () => {
      const cfg = config({ gapsNs: [100], transitions: ['timeAdvance'] });
      const kicked = state(cfg, (d) => {
        d.vcpus[0]!.halted = true;
        d.vcpus[0]!.kicked = true;
      });
      expect(targets(enabled(kicked, cfg, 'timeAdvance'))).toEqual([100]);
    });
  });

  it('stops at the next multiple of the masterclock period, and waits there until it is handled', () => {
    const cfg = config({
      masterclockPeriodNs: 500,
      gapsNs: [100, 1_000],
      transitions: ['timeAdvance', 'masterclockUpdate'],
    });
    expect(targets(enabled(state(cfg), cfg, 'timeAdvance'))).toEqual([100, 500]);
    const due = state(cfg, (d) => void (d.now = 500));
    expect(enabled(due, cfg, 'timeAdvance')).toEqual([]);
    const handled = state(cfg, (d) => {
      d.now = 500;
      d.kvm.lastMasterclockUpdateAt = 500;
    });
    expect(targets(enabled(handled, cfg, 'timeAdvance'))).toEqual([600, 1_000]);
  });

  it('stops at the end of the counter-restore window while a vCPU is not restored', () => {
    const cfg = config({
      restoreWindowNs: 300,
      gapsNs: [100, 1_000],
      transitions: ['timeAdvance', 'counterRestore'],
    });
    expect(targets(enabled(state(cfg), cfg, 'timeAdvance'))).toEqual([100, 300]);
    const restored = state(cfg, (d) => void (d.vcpus[0]!.counterRestored = true));
    expect(targets(enabled(restored, cfg, 'timeAdvance'))).toEqual([100, 1_000]);
  });
});

function armedAt(queuedMono: bigint) {
  return { armed: true, clock: 'mono' as const, expires: queuedMono, queuedMono };
}
