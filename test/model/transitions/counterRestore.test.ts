/**
 * counterRestore: the VMM restores the arm64 virtual counter after a migration, by the
 * counterRestore policy.
 *
 * Enabled: per-vcpu-absolute: for each vCPU not yet restored, in any order, at any instant up to
 * the restore window (time does not pass it while one is left); per-vm-offset: once, for the whole
 * VM (vcpu = -1), before any vCPU runs.
 * Changes: per-vcpu-absolute: that vCPU's voffset = physical counter now - saved value, and its
 * restored flag; per-vm-offset: one such voffset for every vCPU, all restored, the VM offset set.
 * Abstracts: KVM_SET_ONE_REG(KVM_REG_ARM_TIMER_CNT) (kvm_arm_timer_set_reg) and
 * KVM_ARM_SET_COUNTER_OFFSET (kvm_vm_ioctl_set_counter_offset), arch/arm64/kvm/arch_timer.c.
 *
 * Numbers: the physical counter is pCPU0's 1 GHz TSC (= t); the saved counter is 500. step() also
 * checks that the input state is not mutated.
 */
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { hostTscAt } from '../../../model/clocks.ts';
import type { ClockConfig } from '../../../model/config.ts';
import { WHOLE_VM } from '../../../model/policies/counterRestore.ts';
import type { ClockState } from '../../../model/state.ts';
import { config, enabled, state, step } from '../fixtures.ts';

const restoring = (counterRestore: 'per-vcpu-absolute' | 'per-vm-offset', extra = {}) =>
  config({
    vcpus: [{ pcpu: 0 }, { pcpu: 0 }],
    transitions: ['counterRestore'],
    savedCounter: 500n,
    restoreWindowNs: 1000,
    policies: { counterRestore },
    ...extra,
  });
const restore = (vcpu: number) => ({ kind: 'counterRestore', vcpu }) as const;
/** `s` at the later instant `now` (as timeAdvance: the TSCs have passed the causal lead since; the same instant keeps it). */
const at = (s: ClockState, now: number) =>
  now === s.now
    ? s
    : produce(s, (d) => {
        d.now = now;
        d.tscLead = 0;
      });
const counter = (s: ClockState, cfg: ClockConfig, vcpu: number) =>
  hostTscAt(cfg, s.vcpus[vcpu]!.pcpu, s.now) - s.vcpus[vcpu]!.voffset;

describe('counterRestore: per-vcpu-absolute', () => {
  const cfg = restoring('per-vcpu-absolute');

  it('is enabled for each vCPU not yet restored, and no more once all are', () => {
    expect(enabled(state(cfg), cfg, 'counterRestore')).toEqual([restore(0), restore(1)]);
    const one = step(at(state(cfg), 600), cfg, restore(1));
    expect(enabled(one, cfg, 'counterRestore')).toEqual([restore(0)]);
    const both = step(one, cfg, restore(0));
    expect(enabled(both, cfg, 'counterRestore')).toEqual([]);
  });

  it('never when the scenario does not have it', () => {
    const off = restoring('per-vcpu-absolute', { transitions: ['guestCounterRead'] });
    expect(enabled(state(off), off, 'counterRestore')).toEqual([]);
  });

  it('sets that vCPU’s offset so its counter reads the saved value now, and nothing else', () => {
    const s = at(state(cfg), 600);
    const next = step(s, cfg, restore(0));
    expect(next.vcpus[0]).toEqual({ ...s.vcpus[0]!, voffset: 100n, counterRestored: true });
    expect(next.vcpus[1]).toEqual(s.vcpus[1]);
    expect(next.kvm.vmOffsetSet).toBe(false);
    expect(counter(next, cfg, 0)).toBe(500n);
  });

  it('threads that restore at different moments leave the counters apart by the delay between them', () => {
    const first = step(at(state(cfg), 600), cfg, restore(0));
    const second = step(at(first, 900), cfg, restore(1));
    expect(second.vcpus.map((v) => v.voffset)).toEqual([100n, 400n]);
    expect([counter(second, cfg, 0), counter(second, cfg, 1)]).toEqual([800n, 500n]);
  });

  it('holds time at the restore window until every vCPU is restored', () => {
    const timed = restoring('per-vcpu-absolute', {
      transitions: ['counterRestore', 'timeAdvance'],
      gapsNs: [600, 1500],
    });
    const advances = (s: ClockState) => enabled(s, timed, 'timeAdvance');
    expect(advances(state(timed))).toEqual([
      { kind: 'timeAdvance', to: 600 },
      { kind: 'timeAdvance', to: 1000 },
    ]);
    const one = step(state(timed), timed, restore(0));
    expect(advances(one)).toEqual([
      { kind: 'timeAdvance', to: 600 },
      { kind: 'timeAdvance', to: 1000 },
    ]);
    const both = step(one, timed, restore(1));
    expect(advances(both)).toEqual([
      { kind: 'timeAdvance', to: 600 },
      { kind: 'timeAdvance', to: 1500 },
    ]);
  });
});

describe('counterRestore: per-vm-offset', () => {
  const cfg = restoring('per-vm-offset');

  it('is enabled once, for the whole VM', () => {
    expect(enabled(state(cfg), cfg, 'counterRestore')).toEqual([restore(WHOLE_VM)]);
    const done = step(state(cfg), cfg, restore(WHOLE_VM));
    expect(enabled(done, cfg, 'counterRestore')).toEqual([]);
  });

  it('gives every vCPU the one offset, so every counter reads the saved value now and the same later', () => {
    const s = at(state(cfg), 700);
    const next = step(s, cfg, restore(WHOLE_VM));
    expect(next.vcpus.map((v) => [v.voffset, v.counterRestored])).toEqual([
      [200n, true],
      [200n, true],
    ]);
    expect(next.kvm).toEqual({ ...s.kvm, vmOffsetSet: true });
    const later = at(next, 950);
    expect([counter(later, cfg, 0), counter(later, cfg, 1)]).toEqual([750n, 750n]);
  });

  it('a saved value ahead of the physical counter gives a negative offset (the guest counter is ahead)', () => {
    const next = step(at(state(cfg), 100), cfg, restore(WHOLE_VM));
    expect(next.vcpus[0]!.voffset).toBe(-400n);
    expect(counter(next, cfg, 0)).toBe(500n);
  });
});
