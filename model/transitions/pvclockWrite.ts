/**
 * pvclockWrite: the host writes a vCPU's pvclock page (kvm_guest_time_update →
 * kvm_setup_guest_pvclock, arch/x86/kvm/x86.c), one protocol step per action (policy
 * pvclockWrite: atomic, bulk-copy, or odd/even), so guest reads can interleave with a write.
 *
 * Enabled: a vCPU with a write in progress takes its next step; otherwise a write may start when
 * the vCPU has a clock-update request (KVM_REQ_CLOCK_UPDATE) or as one of the scenario's
 * unrequested (periodic kvmclock) updates, and, unless writes may overlap reads, when no read is
 * in progress.
 * Changes: the page, the write's progress; at the end the clock step the write caused.
 */
import { pvclockReadCycles } from '../arith/index.ts';
import type { ActionOf } from '../actions.ts';
import { guestTsc, pvtiFor } from '../clocks.ts';
import type { Transition } from '../transition.ts';

export const pvclockWrite: Transition<'pvclockWrite'> = {
  kind: 'pvclockWrite',
  enabled: (s, cfg) => {
    const readInProgress = s.tasks.some((t) => t.read.active);
    const actions: ActionOf<'pvclockWrite'>[] = [];
    s.vcpus.forEach((v, vcpu) => {
      const mayStart =
        (v.clockUpdateRequested || s.kvm.unrequestedPvclockWrites < cfg.limits.pvclockWrites) &&
        (cfg.writesDuringReads || !readInProgress);
      if (v.pvtiWrite.active || mayStart) actions.push({ kind: 'pvclockWrite', vcpu });
    });
    return actions;
  },
  apply: (d, { vcpu }, cfg) => {
    const v = d.vcpus[vcpu]!;
    const w = v.pvtiWrite;
    if (!w.active) {
      if (v.clockUpdateRequested) v.clockUpdateRequested = false;
      else d.kvm.unrequestedPvclockWrites++;
      w.active = true;
      w.step = 0;
      w.previous = v.pvti;
      w.target = pvtiFor(d, cfg, vcpu, v.pvti.version);
    }
    const steps = cfg.policies.pvclockWrite.steps;
    v.pvti = steps[w.step]!.apply(v.pvti, w.target, w.previous.version);
    w.step++;
    if (w.step === steps.length) {
      w.active = false;
      w.step = 0;
      const tsc = guestTsc(d, cfg, vcpu);
      v.lastClockStep = pvclockReadCycles(v.pvti, tsc) - pvclockReadCycles(w.previous, tsc);
    }
  },
};
