/**
 * timerProgram: the guest writes a TSC deadline `cycles` ahead of its TSC (MSR_IA32_TSC_DEADLINE),
 * and KVM arms a host hrtimer for it, converting the cycles left to nanoseconds once, now
 * (kvm_set_lapic_tscdeadline_msr → start_sw_tscdeadline, arch/x86/kvm/lapic.c), on the clock the
 * timerClock policy says. With no whole nanosecond left, the timer counts as expired at once.
 *
 * Enabled: for a running (not halted, not paused) vCPU on a busy pCPU that has no timer programmed
 * yet (one per vCPU), once per configured distance.
 * Changes: the vCPU's timer: deadline, the real instant the guest TSC reaches it, the hrtimer.
 */
import type { ActionOf } from '../actions.ts';
import { guestTsc, guestTscReachesAt } from '../clocks.ts';
import { armForRemaining, latchPending } from '../timers.ts';
import type { Transition } from '../transition.ts';

export const timerProgram: Transition<'timerProgram'> = {
  kind: 'timerProgram',
  enabled: (s, cfg) => {
    const actions: ActionOf<'timerProgram'>[] = [];
    if (cfg.limits.timersPerVcpu < 1) return actions;
    s.vcpus.forEach((v, vcpu) => {
      if (v.timer.programmed || v.halted || v.paused || s.pcpus[v.pcpu]!.idle) return;
      for (const cycles of cfg.timerCycles) actions.push({ kind: 'timerProgram', vcpu, cycles });
    });
    return actions;
  },
  apply: (d, { vcpu, cycles }, cfg) => {
    const timer = d.vcpus[vcpu]!.timer;
    timer.programmed = true;
    timer.deadline = guestTsc(d, cfg, vcpu) + BigInt(cycles);
    timer.deadlineAt = guestTscReachesAt(d, cfg, vcpu, timer.deadline);
    if (!armForRemaining(d, cfg, vcpu)) latchPending(d, vcpu);
  },
};
