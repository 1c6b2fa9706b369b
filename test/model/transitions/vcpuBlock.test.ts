/**
 * vcpuBlock: the guest executes HLT to wait for its timer, and KVM blocks the vCPU thread.
 *
 * Enabled: for a running vCPU whose timer is programmed, not yet delivered and not pending.
 * Changes: the vCPU is halted, with its runnable check still to do (kicked), which vcpuWakeCheck
 * then makes by the same policy as after a real wake-up.
 * Abstracts: kvm_vcpu_halt / kvm_vcpu_block (virt/kvm/kvm_main.c), which checks
 * kvm_vcpu_check_block before it sleeps.
 *
 * step() also checks that the input state is not mutated.
 */
import { produce, type Draft } from 'immer';
import { describe, expect, it } from 'vitest';
import type { ClockState } from '../../../model/state.ts';
import { config, enabled, state, step } from '../fixtures.ts';

const BLOCK0 = { kind: 'vcpuBlock', vcpu: 0 } as const;
const BLOCK1 = { kind: 'vcpuBlock', vcpu: 1 } as const;
const cfg = config({ vcpus: [{ pcpu: 0 }, { pcpu: 0 }], transitions: ['vcpuBlock'] });

/** Both vCPUs running, with a timer programmed for TSC 5000 and armed. */
const waiting = state(cfg, (d) => {
  d.now = 1000;
  for (const v of d.vcpus) {
    v.timer.programmed = true;
    v.timer.deadline = 5000n;
    v.timer.deadlineAt = 5000;
    v.timer.hrtimer = {
      armed: true,
      clock: 'mono',
      expires: 1_000_005_000n,
      queuedMono: 1_000_005_000n,
    };
  }
});
const change = (recipe: (d: Draft<ClockState>) => void) => produce(waiting, recipe);

describe('vcpuBlock: when it is enabled', () => {
  it('for each running vCPU waiting for its programmed timer', () => {
    expect(enabled(waiting, cfg, 'vcpuBlock')).toEqual([BLOCK0, BLOCK1]);
  });

  it('not for a vCPU with no timer programmed', () => {
    const s = change((d) => void (d.vcpus[0]!.timer.programmed = false));
    expect(enabled(s, cfg, 'vcpuBlock')).toEqual([BLOCK1]);
  });

  it('not once its timer is pending or delivered: there is nothing to wait for', () => {
    expect(
      enabled(
        change((d) => void (d.vcpus[0]!.timer.pending = true)),
        cfg,
        'vcpuBlock',
      ),
    ).toEqual([BLOCK1]);
    expect(
      enabled(
        change((d) => void (d.vcpus[1]!.timer.delivered = true)),
        cfg,
        'vcpuBlock',
      ),
    ).toEqual([BLOCK0]);
  });

  it('not for a vCPU already halted', () => {
    const s = change((d) => void (d.vcpus[1]!.halted = true));
    expect(enabled(s, cfg, 'vcpuBlock')).toEqual([BLOCK0]);
  });

  it('never when the scenario does not have it', () => {
    const off = { ...cfg, transitions: new Set(['vcpuWakeCheck'] as const) };
    expect(enabled(waiting, off, 'vcpuBlock')).toEqual([]);
  });
});

describe('vcpuBlock: its effect', () => {
  it('halts the vCPU with the check before sleeping still to do, and changes nothing else', () => {
    const next = step(waiting, cfg, BLOCK1);
    expect(next.vcpus[1]).toEqual({ ...waiting.vcpus[1]!, halted: true, kicked: true });
    expect(next.vcpus[0]).toEqual(waiting.vcpus[0]);
    expect({ ...next, vcpus: [] }).toEqual({ ...waiting, vcpus: [] });
  });

  it('the check then blocks it (nothing pending) or lets it run (the timer expired meanwhile)', () => {
    const both = { ...cfg, transitions: new Set(['vcpuBlock', 'vcpuWakeCheck'] as const) };
    const blocked = step(waiting, both, BLOCK0);
    expect(enabled(blocked, both, 'vcpuWakeCheck')).toEqual([{ kind: 'vcpuWakeCheck', vcpu: 0 }]);
    const asleep = step(blocked, both, { kind: 'vcpuWakeCheck', vcpu: 0 });
    expect(asleep.vcpus[0]).toMatchObject({ halted: true, kicked: false });
    const expired = produce(blocked, (d) => void (d.vcpus[0]!.timer.pending = true));
    const runs = step(expired, both, { kind: 'vcpuWakeCheck', vcpu: 0 });
    expect(runs.vcpus[0]).toMatchObject({ halted: false, kicked: false });
  });
});
