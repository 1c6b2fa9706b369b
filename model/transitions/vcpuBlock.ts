/**
 * vcpuBlock: the guest executes HLT to wait for its timer, and KVM blocks the vCPU thread
 * (kvm_vcpu_halt / kvm_vcpu_block, virt/kvm/kvm_main.c). kvm_vcpu_block checks whether the vCPU is
 * runnable before it sleeps, so the vCPU is halted with that check still to do (as if kicked):
 * vcpuWakeCheck decides, by the same policy as after a real wake-up.
 *
 * Enabled: for a running (not paused) vCPU whose timer is programmed, not yet delivered and not
 * pending.
 * Changes: the vCPU is halted, with its runnable check pending.
 */
import type { ActionOf } from '../actions.ts';
import type { Transition } from '../transition.ts';

export const vcpuBlock: Transition<'vcpuBlock'> = {
  kind: 'vcpuBlock',
  enabled: (s) => {
    const actions: ActionOf<'vcpuBlock'>[] = [];
    s.vcpus.forEach((v, vcpu) => {
      const t = v.timer;
      if (!v.halted && !v.paused && t.programmed && !t.delivered && !t.pending)
        actions.push({ kind: 'vcpuBlock', vcpu });
    });
    return actions;
  },
  apply: (d, { vcpu }) => {
    const v = d.vcpus[vcpu]!;
    v.halted = true;
    v.kicked = true; // the check before sleeping
  },
};
