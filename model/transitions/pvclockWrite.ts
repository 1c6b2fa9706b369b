/**
 * pvclockWrite: the host writes a vCPU's pvclock page (kvm_guest_time_update →
 * kvm_setup_guest_pvclock, arch/x86/kvm/x86.c), one protocol step per action (policy
 * pvclockWrite: atomic, bulk-copy, or odd/even), so guest reads can interleave with a write; a
 * step with several outcomes (`choices`) is one action per outcome (`choice=K`), less those that
 * would leave the page as an earlier outcome does (the same successor).
 *
 * Enabled: a vCPU with a write in progress takes its next step; otherwise a write may start when
 * the vCPU has a clock-update request (KVM_REQ_CLOCK_UPDATE) or as one of the scenario's
 * unrequested (periodic kvmclock) updates, and, unless writes may overlap reads, when no read is
 * in progress; never on a vCPU the VMM has paused (requests wait until it runs again).
 * Changes: the page, the write's progress; at the end the clock step the write caused. With
 * tsc_catchup set, the first step also raises the TSC offset (caughtUpTscOffset in clocks.ts).
 */
import { pvclockReadCycles, s64, type Pvti } from '../arith/index.ts';
import type { ActionOf } from '../actions.ts';
import { caughtUpTscOffset, guestTsc, pvtiFor } from '../clocks.ts';
import { kvmWith } from '../kvmRecords.ts';
import type { Transition } from '../transition.ts';
import { pvtiWrite, setVcpu, vcpuWith, vcpuWithPage } from '../vcpuRecords.ts';

function samePage(a: Pvti, b: Pvti): boolean {
  return (
    a.version === b.version &&
    a.tscTimestamp === b.tscTimestamp &&
    a.systemTime === b.systemTime &&
    a.tscToSystemMul === b.tscToSystemMul &&
    a.tscShift === b.tscShift &&
    a.flags === b.flags
  );
}

export const pvclockWrite: Transition<'pvclockWrite'> = {
  kind: 'pvclockWrite',
  enabled: (s, cfg) => {
    const readInProgress = s.tasks.some((t) => t.read.active);
    const actions: ActionOf<'pvclockWrite'>[] = [];
    s.vcpus.forEach((v, vcpu) => {
      const mayStart =
        (v.clockUpdateRequested || s.kvm.unrequestedPvclockWrites < cfg.limits.pvclockWrites) &&
        (cfg.writesDuringReads || !readInProgress);
      if (!v.pvtiWrite.active && !(mayStart && !v.paused)) return;
      // A step with several outcomes (a copy whose stores become visible in any order) is one
      // action per outcome; a step with one has no choice. Outcomes that leave the page the same
      // (the subsets that differ only in fields the write does not change) lead to the same
      // state: only the first of them is offered.
      const step = cfg.policies.pvclockWrite.steps[v.pvtiWrite.step]!;
      const choices = step.choices ?? 1;
      if (choices === 1) {
        actions.push({ kind: 'pvclockWrite', vcpu });
        return;
      }
      const w = v.pvtiWrite;
      const seen: Pvti[] = [];
      for (let choice = 0; choice < choices; choice++) {
        if (w.active) {
          const page = step.apply(v.pvti, w.target, w.previous.version, choice);
          if (seen.some((p) => samePage(p, page))) continue;
          seen.push(page);
        }
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
    let tscOffset = v.tscOffset;
    if (!w.active) {
      if (requested) requested = false;
      else d.kvm = kvmWith(s.kvm, { unrequestedPvclockWrites: s.kvm.unrequestedPvclockWrites + 1 });
      if (v.tscCatchup) tscOffset = caughtUpTscOffset(s, cfg, vcpu);
      w = pvtiWrite(true, 0, pvtiFor(s, cfg, vcpu, v.pvti.version, tscOffset), v.pvti);
    }
    const steps = cfg.policies.pvclockWrite.steps;
    const pvti = steps[w.step]!.apply(v.pvti, w.target, w.previous.version, choice);
    const step = w.step + 1;
    let clockStep = v.lastClockStep;
    if (step === steps.length) {
      w = pvtiWrite(false, 0, w.target, w.previous);
      const tsc = guestTsc(s, cfg, vcpu);
      // A catch-up in this same step moves the TSC the new page is read with.
      const tscAfter = tscOffset === v.tscOffset ? tsc : tsc + (tscOffset - v.tscOffset);
      // As the guest's u64 clock sees it: a step of the difference mod 2^64 (a page from before a
      // live migration, read at the destination's TSC, can wrap).
      clockStep = s64(pvclockReadCycles(pvti, tscAfter) - pvclockReadCycles(w.previous, tsc));
    } else {
      w = pvtiWrite(true, step, w.target, w.previous);
    }
    const record = vcpuWithPage(v, pvti, w, clockStep, requested);
    setVcpu(d, s, vcpu, tscOffset === v.tscOffset ? record : vcpuWith(record, { tscOffset }));
  },
};
