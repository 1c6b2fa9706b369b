/**
 * timerInject: KVM injects the pending timer interrupt into a running vCPU
 * (kvm_inject_apic_timer_irqs, arch/x86/kvm/lapic.c), and the guest sees it at its current TSC.
 *
 * Enabled: for a vCPU with the pending latch set that is running (not halted, not paused) on a busy
 * pCPU.
 * Changes: the timer is delivered (guest TSC and real time recorded), the latch cleared.
 */
import type { ActionOf } from '../actions.ts';
import { guestTsc } from '../clocks.ts';
import type { Transition } from '../transition.ts';

export const timerInject: Transition<'timerInject'> = {
  kind: 'timerInject',
  enabled: (s) => {
    const actions: ActionOf<'timerInject'>[] = [];
    s.vcpus.forEach((v, vcpu) => {
      if (v.timer.pending && !v.halted && !v.paused && !s.pcpus[v.pcpu]!.idle)
        actions.push({ kind: 'timerInject', vcpu });
    });
    return actions;
  },
  apply: (d, { vcpu }, cfg) => {
    const timer = d.vcpus[vcpu]!.timer;
    timer.pending = false;
    timer.delivered = true;
    timer.deliveredTsc = guestTsc(d, cfg, vcpu);
    timer.deliveredAt = d.now;
  },
};
