/**
 * pvclockWrite: the host writes a vCPU's pvclock page (kvm_guest_time_update →
 * kvm_setup_guest_pvclock, arch/x86/kvm/x86.c), one protocol step per action (policy
 * pvclockWrite: atomic, bulk-copy, or odd/even), so guest reads can interleave with a write; a
 * step with several outcomes (`choices`) is one action per outcome (`choice=K`).
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
import type { KvmState } from '../state.ts';
import type { Transition } from '../transition.ts';
import { pvtiWrite, setVcpu, vcpuWithPage } from '../vcpuRecords.ts';

export const pvclockWrite: Transition<'pvclockWrite'> = {
  kind: 'pvclockWrite',
  enabled: (s, cfg) => {
    const readInProgress = s.tasks.some((t) => t.read.active);
    const actions: ActionOf<'pvclockWrite'>[] = [];
    s.vcpus.forEach((v, vcpu) => {
      const mayStart =
        (v.clockUpdateRequested || s.kvm.unrequestedPvclockWrites < cfg.limits.pvclockWrites) &&
        (cfg.writesDuringReads || !readInProgress);
      if (!v.pvtiWrite.active && !mayStart) return;
      // A step with several outcomes (a copy whose stores become visible in any order) is one
      // action per outcome; the built-in protocols' steps have one, and their actions no choice.
      const choices = cfg.policies.pvclockWrite.steps[v.pvtiWrite.step]!.choices ?? 1;
      if (choices === 1) {
        actions.push({ kind: 'pvclockWrite', vcpu });
      } else {
        for (let choice = 0; choice < choices; choice++)
          actions.push({ kind: 'pvclockWrite', vcpu, choice });
      }
    });
    return actions;
  },
  apply: (d, { vcpu, choice = 0 }, cfg, s) => {
    // Built from `s` and assigned as a whole vCPU record at the draft's root (see setVcpu).
    const v = s.vcpus[vcpu]!;
    let w = v.pvtiWrite;
    let requested = v.clockUpdateRequested;
    if (!w.active) {
      if (requested) requested = false;
      else d.kvm = withOneMoreUnrequestedWrite(s.kvm);
      w = pvtiWrite(true, 0, pvtiFor(s, cfg, vcpu, v.pvti.version), v.pvti);
    }
    const steps = cfg.policies.pvclockWrite.steps;
    const pvti = steps[w.step]!.apply(v.pvti, w.target, w.previous.version, choice);
    const step = w.step + 1;
    let clockStep = v.lastClockStep;
    if (step === steps.length) {
      w = pvtiWrite(false, 0, w.target, w.previous);
      const tsc = guestTsc(s, cfg, vcpu);
      clockStep = pvclockReadCycles(pvti, tsc) - pvclockReadCycles(w.previous, tsc);
    } else {
      w = pvtiWrite(true, step, w.target, w.previous);
    }
    setVcpu(d, s, vcpu, vcpuWithPage(v, pvti, w, clockStep, requested));
  },
};

/**
 * `k` with one more unrequested page write, built whole: a field write through `d.kvm` would make
 * a nested draft, and with one nested draft immer walks every record assigned at the root when it
 * finalises (the new vcpus array and everything in it).
 */
function withOneMoreUnrequestedWrite(k: KvmState): KvmState {
  return {
    masterCycleNow: k.masterCycleNow,
    masterKernelNs: k.masterKernelNs,
    useMasterClock: k.useMasterClock,
    masterclockUpdates: k.masterclockUpdates,
    lastMasterclockUpdateAt: k.lastMasterclockUpdateAt,
    vmOffsetSet: k.vmOffsetSet,
    unrequestedPvclockWrites: k.unrequestedPvclockWrites + 1,
  };
}
