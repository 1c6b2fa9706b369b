/**
 * counterRestore: the VMM restores the arm64 virtual counter after a migration, by the
 * counterRestore policy: per vCPU by absolute value from each vCPU's thread
 * (KVM_SET_ONE_REG(KVM_REG_ARM_TIMER_CNT): kvm_arm_timer_set_reg), or one offset for the whole VM
 * before any vCPU runs (KVM_ARM_SET_COUNTER_OFFSET: kvm_vm_ioctl_set_counter_offset), both in
 * arch/arm64/kvm/arch_timer.c.
 *
 * Enabled: as the policy says (a vCPU not yet restored; or the VM offset not yet set). Time does not
 * pass the scenario's restore window until every vCPU is restored.
 * Changes: vCPU counter offsets and restored flags; per VM, also the flag that the offset is set.
 */
import type { Transition } from '../transition.ts';

export const counterRestore: Transition<'counterRestore'> = {
  kind: 'counterRestore',
  enabled: (s, cfg) => cfg.policies.counterRestore.enabled(s, cfg),
  apply: (d, action, cfg) => cfg.policies.counterRestore.apply(d, cfg, action),
};
