/**
 * vcpuWakeCheck: a woken (kicked) vCPU thread decides whether to run the guest or block again.
 *
 * Enabled: for a kicked vCPU whose pCPU is not in NOHZ idle (an idle pCPU leaves idle first).
 * Changes: by the wakeCheck policy. `pending` (x86): runs (halted and kicked cleared) when the
 * pending latch is set or the timer was delivered; else blocks again (kicked cleared, still
 * halted). `recheck-deadline` (arm64 before 2016): if the guest counter has reached an undelivered
 * deadline, latches pending and runs; runs if pending; else blocks again.
 * Abstracts: kvm_vcpu_check_block (virt/kvm/kvm_main.c) with kvm_arch_vcpu_runnable /
 * kvm_cpu_has_pending_timer; kvm_timer_should_fire (arch/arm64/kvm/arch_timer.c) for recheck.
 *
 * Numbers: 1 GHz, so the guest TSC is t. step() also checks that the input state is not mutated.
 */
import { produce, type Draft } from 'immer';
import { describe, expect, it } from 'vitest';
import type { ClockState } from '../../../model/state.ts';
import { config, enabled, state, step } from '../fixtures.ts';

const CHECK0 = { kind: 'vcpuWakeCheck', vcpu: 0 } as const;
const checking = (wakeCheck: 'pending' | 'recheck-deadline') =>
  config({ transitions: ['vcpuWakeCheck'], policies: { wakeCheck } });

/** vCPU0 halted and kicked at `now`, its timer programmed for TSC 5000 (hrtimer already run). */
const woken = (
  cfg: ReturnType<typeof checking>,
  now: number,
  recipe: (d: Draft<ClockState>) => void = () => {},
) =>
  state(cfg, (d) => {
    d.now = now;
    const v = d.vcpus[0]!;
    v.halted = true;
    v.kicked = true;
    v.timer.programmed = true;
    v.timer.deadline = 5000n;
    v.timer.deadlineAt = 5000;
    recipe(d);
  });

const runs = { halted: false, kicked: false };
const sleeps = { halted: true, kicked: false };

describe('vcpuWakeCheck: when it is enabled', () => {
  const cfg = checking('pending');

  it('for a kicked vCPU on a busy pCPU', () => {
    expect(enabled(woken(cfg, 1000), cfg, 'vcpuWakeCheck')).toEqual([CHECK0]);
  });

  it('not for a vCPU that was not kicked', () => {
    const s = woken(cfg, 1000, (d) => void (d.vcpus[0]!.kicked = false));
    expect(enabled(s, cfg, 'vcpuWakeCheck')).toEqual([]);
  });

  it('not while its pCPU is in NOHZ idle', () => {
    const s = woken(cfg, 1000, (d) => void (d.pcpus[0]!.idle = true));
    expect(enabled(s, cfg, 'vcpuWakeCheck')).toEqual([]);
  });

  it('never when the scenario does not have it', () => {
    const off = config({ transitions: ['vcpuBlock'] });
    expect(enabled(woken(off, 1000), off, 'vcpuWakeCheck')).toEqual([]);
  });
});

describe('vcpuWakeCheck: pending (x86)', () => {
  const cfg = checking('pending');

  it('runs the vCPU when the pending latch is set, leaving the latch for the injection', () => {
    const s = woken(cfg, 4000, (d) => void (d.vcpus[0]!.timer.pending = true));
    const next = step(s, cfg, CHECK0);
    expect(next.vcpus[0]).toEqual({ ...s.vcpus[0]!, ...runs });
    expect({ ...next, vcpus: [] }).toEqual({ ...s, vcpus: [] });
  });

  it('runs the vCPU when the interrupt was already delivered', () => {
    const s = woken(cfg, 4000, (d) => void (d.vcpus[0]!.timer.delivered = true));
    expect(step(s, cfg, CHECK0).vcpus[0]).toMatchObject(runs);
  });

  it('blocks again otherwise, even past the deadline: it trusts the latch, not the TSC', () => {
    const s = woken(cfg, 6000);
    const next = step(s, cfg, CHECK0);
    expect(next.vcpus[0]).toEqual({ ...s.vcpus[0]!, ...sleeps });
  });
});

describe('vcpuWakeCheck: recheck-deadline (arm64 before 2016)', () => {
  const cfg = checking('recheck-deadline');

  it('woken before the guest counter reaches the deadline, blocks again, with nothing armed: the timer is lost', () => {
    const s = woken(cfg, 4999);
    const next = step(s, cfg, CHECK0);
    expect(next.vcpus[0]).toEqual({ ...s.vcpus[0]!, ...sleeps });
    expect(next.vcpus[0]!.timer.pending).toBe(false);
    expect(next.vcpus[0]!.timer.hrtimer.armed).toBe(false);
  });

  it('at or past the deadline, latches pending and runs', () => {
    for (const now of [5000, 5001]) {
      const s = woken(cfg, now);
      const next = step(s, cfg, CHECK0);
      expect(next.vcpus[0]).toEqual({
        ...s.vcpus[0]!,
        ...runs,
        timer: { ...s.vcpus[0]!.timer, pending: true },
      });
    }
  });

  it('runs with the latch already set, whatever the counter says', () => {
    const s = woken(cfg, 1000, (d) => void (d.vcpus[0]!.timer.pending = true));
    expect(step(s, cfg, CHECK0).vcpus[0]).toMatchObject(runs);
  });

  it('a delivered timer is not fired again: the vCPU blocks', () => {
    const s = woken(cfg, 6000, (d) => void (d.vcpus[0]!.timer.delivered = true));
    const next = step(s, cfg, CHECK0);
    expect(next.vcpus[0]).toMatchObject(sleeps);
    expect(next.vcpus[0]!.timer.pending).toBe(false);
  });

  it('without a timer programmed, blocks', () => {
    const s = woken(cfg, 6000, (d) => void (d.vcpus[0]!.timer.programmed = false));
    expect(step(s, cfg, CHECK0).vcpus[0]).toMatchObject(sleeps);
  });
});
