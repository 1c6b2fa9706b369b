/**
 * vcpuResume: the destination VMM lets a vCPU run again (QEMU's vm_start → resume_all_vcpus, or a
 * VMM that starts each vCPU as soon as its own state is in). The vCPU then handles its pending
 * requests before it enters the guest: a requested page rewrite happens at once (pvclockWrite).
 *
 * Enabled: for a paused vCPU whose TSC is restored in this migration; unless
 * cfg.liveMigration.resumeEarly, only once the clock is set and every vCPU's TSC is restored.
 * Changes: the vCPU's paused flag.
 */
import type { ActionOf } from '../actions.ts';
import { migrationOf } from '../liveMigration.ts';
import { NO_ACTIONS, sharedAction, withAction } from '../sharedActions.ts';
import type { Transition } from '../transition.ts';
import { setVcpu, vcpuWith } from '../vcpuRecords.ts';

type VcpuResume = ActionOf<'vcpuResume'>;
const shared: VcpuResume[][] = [];
const make = (vcpu: number): VcpuResume => ({ kind: 'vcpuResume', vcpu });

export const vcpuResume: Transition<'vcpuResume'> = {
  kind: 'vcpuResume',
  enabled: (s, cfg) => {
    if (!s.vmm.clockSaved) return NO_ACTIONS;
    const early = migrationOf(cfg).resumeEarly;
    if (!early && (!s.vmm.clockSet || s.vcpus.some((v) => !v.tscRestored))) return NO_ACTIONS;
    let actions: VcpuResume[] | undefined;
    for (let vcpu = 0; vcpu < s.vcpus.length; vcpu++) {
      const v = s.vcpus[vcpu]!;
      if (v.paused && v.tscRestored)
        actions = withAction(actions, sharedAction(shared, vcpu, 0, make));
    }
    return actions ?? NO_ACTIONS;
  },
  apply: (d, { vcpu }, _cfg, s) => {
    setVcpu(d, s, vcpu, vcpuWith(s.vcpus[vcpu]!, { paused: false }));
  },
};
