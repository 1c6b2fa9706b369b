/**
 * vmPause: the source VMM stops the VM to migrate it (QEMU's vm_stop → pause_all_vcpus: every
 * vCPU thread leaves KVM_RUN and waits). A paused vCPU runs no guest code (its tasks cannot read
 * or migrate, its timer is not programmed) and handles no KVM requests (its page is not
 * rewritten) until vcpuResume; its TSC and kvmclock keep running, as they do on a real host.
 *
 * Enabled: with cfg.liveMigration, while fewer migrations than it allows have started, the last
 * one is complete (every vCPU resumed and the clock set) and no page write is under way (KVM
 * finishes kvm_guest_time_update before the thread returns to userspace).
 * Changes: every vCPU paused with its TSC not yet restored; the VMM's record starts migration
 * k + 1. Abstracts: the VMM's stop; KVM only sees the threads out of KVM_RUN (the
 * KVM_KVMCLOCK_CTRL guest-stopped flag QEMU also sets is not modelled: it only silences the
 * guest's soft-lockup watchdog).
 */
import { castDraft } from 'immer';
import { NO_MIGRATION } from '../initialState.ts';
import type { Transition } from '../transition.ts';
import { vcpuWith } from '../vcpuRecords.ts';

const PAUSE = [{ kind: 'vmPause' as const }];

export const vmPause: Transition<'vmPause'> = {
  kind: 'vmPause',
  enabled: (s, cfg) => {
    const m = cfg.liveMigration;
    if (m === undefined || s.vmm.migrations >= m.migrations) return [];
    if (s.vmm.migrations > 0 && !s.vmm.clockSet) return [];
    if (s.vcpus.some((v) => v.paused || v.pvtiWrite.active)) return [];
    return PAUSE;
  },
  apply: (d, _action, _cfg, s) => {
    d.vcpus = castDraft(s.vcpus.map((v) => vcpuWith(v, { paused: true, tscRestored: false })));
    d.vmm = {
      ...NO_MIGRATION,
      migrations: s.vmm.migrations + 1,
      referenceKvmclockOffset: s.vmm.referenceKvmclockOffset,
    };
  },
};
