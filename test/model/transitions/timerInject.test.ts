/**
 * timerInject: KVM injects the pending timer interrupt into a running vCPU.
 *
 * Enabled: for a vCPU with the pending latch set that is not halted, on a pCPU not in NOHZ idle.
 * Changes: the latch is cleared and the timer delivered, with the guest TSC and real time of the
 * delivery; nothing else (the hrtimer, the deadline and the vCPU's run state are left alone).
 * Abstracts: kvm_inject_apic_timer_irqs (arch/x86/kvm/lapic.c), on the way into the guest.
 *
 * step() also checks that the input state is not mutated.
 */
import { produce, type Draft } from 'immer';
import { describe, expect, it } from 'vitest';
import type { ClockState } from '../../../model/state.ts';
import { config, enabled, GHZ, state, step } from '../fixtures.ts';

const INJECT0 = { kind: 'timerInject', vcpu: 0 } as const;
const INJECT1 = { kind: 'timerInject', vcpu: 1 } as const;
// vCPU0 on pCPU0 (TSC = t), vCPU1 on pCPU1 (TSC = 200 + t) with a TSC offset of 100.
const cfg = config({
  pcpus: [
    { tscHz: GHZ, tscOffset: 0n },
    { tscHz: GHZ, tscOffset: 200n },
  ],
  vcpus: [{ pcpu: 0 }, { pcpu: 1 }],
  transitions: ['timerInject'],
});

/** Both vCPUs programmed for TSC 2500 and expired: pending, at t = 3000. */
const pending = state(cfg, (d) => {
  d.now = 3000;
  d.vcpus[1]!.tscOffset = 100n;
  for (const v of d.vcpus) {
    v.timer.programmed = true;
    v.timer.deadline = 2500n;
    v.timer.deadlineAt = 2500;
    v.timer.pending = true;
  }
});
const change = (s: ClockState, recipe: (d: Draft<ClockState>) => void) => produce(s, recipe);

describe('timerInject: when it is enabled', () => {
  it('for each running vCPU with the pending latch set', () => {
    expect(enabled(pending, cfg, 'timerInject')).toEqual([INJECT0, INJECT1]);
  });

  it('not without the latch', () => {
    const s = change(pending, (d) => void (d.vcpus[0]!.timer.pending = false));
    expect(enabled(s, cfg, 'timerInject')).toEqual([INJECT1]);
  });

  it('not while the vCPU is halted (it must wake first), nor while its pCPU is in NOHZ idle', () => {
    const halted = change(pending, (d) => void (d.vcpus[0]!.halted = true));
    expect(enabled(halted, cfg, 'timerInject')).toEqual([INJECT1]);
    const idle = change(pending, (d) => void (d.pcpus[1]!.idle = true));
    expect(enabled(idle, cfg, 'timerInject')).toEqual([INJECT0]);
  });

  it('never when the scenario does not have it', () => {
    const off = { ...cfg, transitions: new Set(['vcpuWakeCheck'] as const) };
    expect(enabled(pending, off, 'timerInject')).toEqual([]);
  });
});

describe('timerInject: its effect', () => {
  it('delivers the interrupt at the guest TSC of now, clears the latch, and changes nothing else', () => {
    const next = step(pending, cfg, INJECT1);
    // vCPU1's guest TSC at t = 3000: 200 + 3000 + 100.
    expect(next.vcpus[1]!.timer).toEqual({
      ...pending.vcpus[1]!.timer,
      pending: false,
      delivered: true,
      deliveredTsc: 3300n,
      deliveredAt: 3000,
    });
    expect(next.vcpus[0]).toEqual(pending.vcpus[0]);
    // Delivery read the guest TSC: the next read of this instant is a cycle later (causal time).
    expect({ ...next, vcpus: [] }).toEqual({ ...pending, vcpus: [], tscLead: 1 });
    expect(enabled(next, cfg, 'timerInject')).toEqual([INJECT0]);
  });

  it('records a delivery before the deadline as it is (timer-not-early judges it)', () => {
    const early = change(pending, (d) => void (d.now = 2000));
    const next = step(early, cfg, INJECT0);
    expect(next.vcpus[0]!.timer).toMatchObject({ deliveredTsc: 2000n, deliveredAt: 2000 });
    expect(next.vcpus[0]!.timer.deadline).toBe(2500n);
  });
});
