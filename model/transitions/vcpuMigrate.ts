/**
 * vcpuMigrate: the host scheduler moves a vCPU thread to another pCPU (kvm_arch_vcpu_load in
 * arch/x86/kvm/x86.c). KVM notices a TSC that would go backwards on the new pCPU and raises the
 * vCPU's TSC offset to catch up, but a TSC that merely runs at another rate goes unnoticed. Without
 * the masterclock, every vCPU's page is rewritten (KVM_REQ_GLOBAL_CLOCK_UPDATE). The hrtimer moves
 * with the vCPU.
 *
 * Enabled: for each vCPU that has migrated fewer times than the scenario allows, to each other pCPU.
 * Changes: the vCPU's pCPU, migration count, possibly its TSC offset, its timer's deadline instant,
 * and clock-update requests.
 */
import { u64 } from '../arith/index.ts';
import type { ActionOf } from '../actions.ts';
import { guestTsc, guestTscReachesAt, hostTscAt } from '../clocks.ts';
import type { Transition } from '../transition.ts';

export const vcpuMigrate: Transition<'vcpuMigrate'> = {
  kind: 'vcpuMigrate',
  enabled: (s, cfg) => {
    const actions: ActionOf<'vcpuMigrate'>[] = [];
    s.vcpus.forEach((v, vcpu) => {
      if (v.migrations >= cfg.limits.vcpuMigrations) return;
      for (let to = 0; to < s.pcpus.length; to++)
        if (to !== v.pcpu) actions.push({ kind: 'vcpuMigrate', vcpu, to });
    });
    return actions;
  },
  apply: (d, { vcpu, to }, cfg) => {
    const v = d.vcpus[vcpu]!;
    const before = guestTsc(d, cfg, vcpu);
    v.pcpu = to;
    v.migrations++;
    const after = u64(hostTscAt(cfg, to, d.now) + v.tscOffset);
    if (after < before) v.tscOffset = u64(v.tscOffset + (before - after));
    if (v.timer.programmed && !v.timer.delivered)
      v.timer.deadlineAt = guestTscReachesAt(d, cfg, vcpu, v.timer.deadline);
    if (!d.kvm.useMasterClock) for (const w of d.vcpus) w.clockUpdateRequested = true;
  },
};
