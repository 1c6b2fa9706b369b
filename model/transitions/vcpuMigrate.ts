/**
 * vcpuMigrate: the host scheduler moves a vCPU thread to another pCPU, and KVM loads it there
 * (kvm_arch_vcpu_load in arch/x86/kvm/x86.c, by cfg.vcpuLoad):
 *
 * - `today` (the default; the tsc_delta check since Amsden's 2010 TSC rework, 2.6.37, the
 *   last_guest_tsc form since 3.4): the new pCPU's TSC is compared with the one vcpu_put read on
 *   the old pCPU (last_host_tsc); if it is behind, mark_tsc_unstable. With the TSC unstable (now or
 *   from before: the mark is sticky and host-wide), kvm_compute_l1_tsc_offset makes the guest TSC
 *   resume at last_guest_tsc on the new pCPU and tsc_catchup is set, so each later
 *   kvm_guest_time_update raises the offset to the elapsed-time TSC (caughtUpTscOffset). A TSC
 *   that is merely ahead, or runs at another rate, goes unnoticed while the TSC counts as stable.
 *   Marking the TSC unstable takes the host clocksource off the TSC, and KVM's
 *   pvclock_gtod_notify then updates every masterclock with use_master_clock off. Without the
 *   masterclock, KVM_REQ_GLOBAL_CLOCK_UPDATE asks every vCPU to rewrite its page.
 * - `backwards-bump` (vmx_vcpu_load before 2.6.37): if the new pCPU's TSC is behind, the offset is
 *   raised by the difference (the guest TSC does not go back); nothing is marked. The page rewrite
 *   requests are modelled as today's.
 *
 * In both, KVM_REQ_MIGRATE_TIMER moves the hrtimer with the vCPU, its expiry unchanged; the real
 * instant a programmed deadline is reached is recomputed for the new pCPU's rate and offset.
 *
 * Abstracted: vcpu_put and vcpu_load happen at one instant, so last_host_tsc is the old pCPU's TSC
 * and last_guest_tsc the guest TSC right now (KVM sets it at every VM exit; a halted vCPU exited
 * earlier, and catch-up restores what that loses); the clocksource switch and the masterclock
 * update it causes happen at once (the host timekeeper keeps reading the same TSC, which, being a
 * function of real time, stands for the clocksource the host switches to).
 *
 * Enabled: for each vCPU not paused by the VMM that has migrated fewer times than the scenario
 * allows, to each other pCPU.
 * Changes: the vCPU's pCPU, migration count, possibly its TSC offset and tsc_catchup, its timer's
 * deadline instant; possibly the host's TSC-unstable mark, use_master_clock, and every vCPU's
 * clock-update request.
 */
import { castDraft } from 'immer';
import type { ActionOf } from '../actions.ts';
import { guestTsc, guestTscReachesAtFor, hostTscNow } from '../clocks.ts';
import { kvmWith, tscSyncWith } from '../kvmRecords.ts';
import type { GuestTimer, VcpuState } from '../state.ts';
import type { Transition } from '../transition.ts';
import { scaleHostTsc } from '../tscScaling.ts';
import { u64 } from '../arith/index.ts';
import { vcpuWith } from '../vcpuRecords.ts';

export const vcpuMigrate: Transition<'vcpuMigrate'> = {
  kind: 'vcpuMigrate',
  enabled: (s, cfg) => {
    const actions: ActionOf<'vcpuMigrate'>[] = [];
    s.vcpus.forEach((v, vcpu) => {
      if (v.migrations >= cfg.limits.vcpuMigrations || v.paused) return;
      for (let to = 0; to < s.pcpus.length; to++)
        if (to !== v.pcpu) actions.push({ kind: 'vcpuMigrate', vcpu, to });
    });
    return actions;
  },
  apply: (d, { vcpu, to }, cfg, s) => {
    // Built from `s` and assigned as whole records at the draft's root (see setVcpu).
    const v = s.vcpus[vcpu]!;
    const k = s.kvm;
    const lastGuestTsc = guestTsc(s, cfg, vcpu);
    const lastHostTsc = hostTscNow(s, cfg, v.pcpu);
    const hostTsc = hostTscNow(s, cfg, to);
    let offset = v.tscOffset;
    let catchup = v.tscCatchup;
    let sync = k.tscSync;
    let useMasterClock = k.useMasterClock;
    if ((cfg.vcpuLoad ?? 'today') === 'today') {
      if (hostTsc < lastHostTsc && !sync.unstable) {
        sync = tscSyncWith(sync, { unstable: true });
        useMasterClock = false;
      }
      if (sync.unstable) {
        offset = u64(lastGuestTsc - scaleHostTsc(cfg, vcpu, hostTsc));
        catchup = true;
      }
    } else {
      const after = u64(scaleHostTsc(cfg, vcpu, hostTsc) + offset);
      if (after < lastGuestTsc) offset = u64(offset + (lastGuestTsc - after));
    }
    const moved: VcpuState = vcpuWith(v, {
      pcpu: to,
      migrations: v.migrations + 1,
      tscOffset: offset,
      tscCatchup: catchup,
    });
    const t = v.timer;
    const timer =
      t.programmed && !t.delivered
        ? timerReachedAt(t, guestTscReachesAtFor(cfg, moved, vcpu, t.deadline))
        : t;
    const requestAll = !useMasterClock;
    d.vcpus = castDraft(
      s.vcpus.map((w, i) => {
        if (i === vcpu)
          return vcpuWith(moved, requestAll ? { timer, clockUpdateRequested: true } : { timer });
        return requestAll && !w.clockUpdateRequested
          ? vcpuWith(w, { clockUpdateRequested: true })
          : w;
      }),
    );
    if (sync !== k.tscSync) d.kvm = kvmWith(k, { tscSync: sync, useMasterClock });
  },
};

/** `t` with another real instant for its deadline, field by field (one shape for timer records). */
function timerReachedAt(t: GuestTimer, deadlineAt: number): GuestTimer {
  return {
    programmed: t.programmed,
    deadline: t.deadline,
    deadlineAt,
    hrtimer: t.hrtimer,
    pending: t.pending,
    delivered: t.delivered,
    deliveredTsc: t.deliveredTsc,
    deliveredAt: t.deliveredAt,
  };
}
