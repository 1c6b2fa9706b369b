/**
 * vcpuWakeCheck: a woken vCPU thread decides whether to run the guest or block again
 * (kvm_vcpu_check_block, virt/kvm/kvm_main.c), by the wakeCheck policy.
 *
 * Enabled: for a kicked vCPU whose pCPU is busy (an idle pCPU first leaves NOHZ idle), unless the
 * VMM has paused it (its thread is out of KVM_RUN).
 * Changes: the vCPU's halted and kicked flags, possibly its pending latch.
 */
import type { ActionOf } from '../actions.ts';
import type { Transition } from '../transition.ts';

export const vcpuWakeCheck: Transition<'vcpuWakeCheck'> = {
  kind: 'vcpuWakeCheck',
  enabled: (s) => {
    const actions: ActionOf<'vcpuWakeCheck'>[] = [];
    s.vcpus.forEach((v, vcpu) => {
      if (v.kicked && !v.paused && !s.pcpus[v.pcpu]!.idle)
        actions.push({ kind: 'vcpuWakeCheck', vcpu });
    });
    return actions;
  },
  apply: (d, { vcpu }, cfg) => cfg.policies.wakeCheck(d, cfg, vcpu),
};
