/**
 * masterclockUpdate: an event makes KVM update the masterclock (KVM_REQ_MASTERCLOCK_UPDATE →
 * kvm_update_masterclock, kvm_gen_update_masterclock before v5.16; arch/x86/kvm/x86.c): a new
 * VM-wide snapshot (master_cycle_now, master_kernel_ns) from one read of the host clocksource and
 * the kvmclock base (pvclock_update_vm_gtod_copy, model/masterclock.ts), then every vCPU is asked
 * to rewrite its pvclock page from it (KVM_REQ_CLOCK_UPDATE; kvm_guest_time_update, done by
 * pvclockWrite). pvclock's mul/shift (kvm_get_time_scale) and the clocksource's mult/shift
 * (clocks_calc_mult_shift) round differently, so the page anchored at the old snapshot has
 * drifted from the kvmclock base by then and the re-anchor steps guest time by raw(Δ) - pv(Δ)
 * for the TSC delta Δ since the old snapshot; the sign depends on the TSC rate. (The kvmclock
 * base is MONOTONIC_RAW's rate since v5.5, 53fafdbb8b21; before, CLOCK_BOOTTIME's, the same rate
 * while NTP leaves MONOTONIC's mult alone.)
 *
 * The triggers (MasterclockTrigger, in the action so that a trace names its event):
 * - `hotplug`: a vCPU joins the VM and synchronizes to the current TSC generation
 *   (kvm_synchronize_tsc → kvm_track_tsc_matching). From v3.19 (7f187922ddf6, "KVM: x86: update
 *   masterclock values on TSC writes") to v6.7 every synchronization with the masterclock in use
 *   requested an update; v3.8–v3.18 and since v6.8 (c52ffadc65e2, "KVM: x86: Don't
 *   unnecessarily force masterclock update on vCPU hotplug") only one that toggles
 *   use_master_clock or starts a new generation, which a hotplug onto a synchronized TSC does
 *   not: a scenario of today's kernel leaves this trigger out. The new vCPU itself is not
 *   modelled (the scenario's vCPUs stand for the VM after it).
 * - `xen-shared-info`: userspace sets KVM_XEN_ATTR_TYPE_SHARED_INFO (kvm_xen_hvm_set_attr →
 *   kvm_xen_shared_info_init, which ends with kvm_make_all_cpus_request(...MASTERCLOCK_UPDATE)),
 *   since v5.12 (629b5348841a, "KVM: x86/xen: update wallclock region", as the Fixes: tag of its
 *   removal names it; the request is in the Xen shared_info series as posted); still so at the base
 *   of Woodhouse's posted "[PATCH v5 01/34] KVM: x86/xen: Do not corrupt KVM clock in
 *   kvm_xen_shared_info_init()" (June 2026), which removes it.
 * - `kvm-set-clock`: userspace sets kvmclock with KVM_SET_CLOCK (kvm_vm_ioctl_set_clock) to the
 *   value KVM_GET_CLOCK gives at that instant (kvmGetClockData), as a VMM does that resumes a VM
 *   right after stopping it. Since 0bc48bea36d1 (2017, "KVM: x86: update master clock before
 *   computing kvmclock_offset") the snapshot is retaken first and kvmclock_offset then set so
 *   that kvmclock reads the value given (since v5.16: clock - master_kernel_ns): the update
 *   re-anchors without a step. (Before 0bc48bea36d1 the offset was computed against the old
 *   snapshot and the update after it stepped like any other; not modelled.)
 * - `clocksource-change`: the host's clocksource leaves the TSC. pvclock_gtod_notify (since
 *   16e8d74d2da9, "KVM: x86: notifier for clocksource changes", with the masterclock in v3.8)
 *   sees a vclock_mode not based on the TSC while a guest has the masterclock
 *   (kvm_guest_has_master_clock) and queues pvclock_gtod_update_fn, which requests an update of
 *   every VM. pvclock_update_vm_gtod_copy then turns the masterclock off (kvm_get_time_and_clockread
 *   fails and the snapshot stays), and each page is anchored at its own pCPU's TSC and the
 *   kvmclock base, without PVCLOCK_TSC_STABLE_BIT. Modelled as its common cause, the clocksource
 *   watchdog marking the TSC unstable (mark_tsc_unstable; on a sane TSC a false alarm, e.g. a
 *   slow HPET read under load): KvmTscSync.unstable, which keeps the masterclock off for any
 *   later update (model/masterclock.ts). Once per run. (The host clocks are still read from the
 *   TSC: the clocksource that replaces it is taken to run at the same rate.)
 * - `periodic`: the RFC's periodic update ("[PATCH RFC 1/1] KVM: x86: add param to update master
 *   clock periodically", Dongli Zhang, 26 Sep 2023: masterclock_sync_fn requests an update every
 *   masterclock_sync_period seconds), at every multiple of masterclockPeriodNs.
 *
 * With cfg.masterclockTriggerEffect `one-snapshot` (Woodhouse's proposal in seed 001, 16 Oct
 * 2023: the new vCPU's kvmclock parameters "can be *precisely* the same as the other vCPUs too
 * ... Why reset anything?"), `hotplug` and `xen-shared-info` only ask every vCPU to rewrite its
 * page from the snapshot the VM already has (KVM_REQ_CLOCK_UPDATE, not MASTERCLOCK_UPDATE).
 *
 * Enabled: each of the scenario's event triggers while fewer than limits.masterclockTriggers
 * happened (`clocksource-change` only while the masterclock is in use and the clocksource is
 * still the TSC); `periodic` at every multiple of the period after 0 not yet handled (not counted
 * against the limit).
 * Changes: the snapshot, use_master_clock, kvmclock_offset (`kvm-set-clock`), the TSC marked
 * unstable (`clocksource-change`), the trigger count, the instant of the last update, and every
 * vCPU's clock-update request.
 */
import { castDraft } from 'immer';
import { s64 } from '../arith/index.ts';
import type { ActionOf, MasterclockTrigger } from '../actions.ts';
import { rawNow } from '../clocks.ts';
import type { ClockConfig } from '../config.ts';
import { kvmWith, tscSyncWith } from '../kvmRecords.ts';
import { kvmGetClockData } from '../liveMigration.ts';
import { masterclockCopy } from '../masterclock.ts';
import type { ClockState, KvmState } from '../state.ts';
import type { Transition } from '../transition.ts';
import { vcpuWithPage } from '../vcpuRecords.ts';

export const masterclockUpdate: Transition<'masterclockUpdate'> = {
  kind: 'masterclockUpdate',
  enabled: (s, cfg) => {
    const actions: ActionOf<'masterclockUpdate'>[] = [];
    if (s.kvm.masterclockUpdates < cfg.limits.masterclockTriggers) {
      for (const trigger of cfg.masterclockTriggerKinds) {
        if (trigger === 'clocksource-change' && (!s.kvm.useMasterClock || s.kvm.tscSync.unstable))
          continue;
        actions.push({ kind: 'masterclockUpdate', trigger });
      }
    }
    const period = cfg.masterclockPeriodNs;
    if (period > 0 && s.now > 0 && s.now % period === 0 && s.kvm.lastMasterclockUpdateAt < s.now) {
      actions.push({ kind: 'masterclockUpdate', trigger: 'periodic' });
    }
    return actions;
  },
  apply: (d, { trigger }, cfg, s) => {
    // Built from `s` and assigned as whole records at the draft's root (see setVcpu).
    d.kvm = kvmAfter(s, cfg, trigger);
    d.vcpus = castDraft(
      s.vcpus.map((v) => vcpuWithPage(v, v.pvti, v.pvtiWrite, v.lastClockStep, true)),
    );
  },
};

/** KVM's VM-wide record after the update `trigger` asks for. */
function kvmAfter(s: ClockState, cfg: ClockConfig, trigger: MasterclockTrigger): KvmState {
  const k = s.kvm;
  const masterclockUpdates =
    trigger === 'periodic' ? k.masterclockUpdates : k.masterclockUpdates + 1;
  if (
    cfg.masterclockTriggerEffect === 'one-snapshot' &&
    (trigger === 'hotplug' || trigger === 'xen-shared-info')
  ) {
    return kvmWith(k, { masterclockUpdates });
  }
  if (trigger === 'clocksource-change') {
    const tscSync = tscSyncWith(k.tscSync, { unstable: true });
    return kvmWith(k, {
      ...masterclockCopy(s, cfg, tscSync, s.vcpus, true),
      tscSync,
      masterclockUpdates,
      lastMasterclockUpdateAt: s.now,
    });
  }
  const copy = masterclockCopy(s, cfg, k.tscSync, s.vcpus, true);
  if (trigger === 'kvm-set-clock') {
    const clock = kvmGetClockData(s, cfg, 0).clock;
    const nowNs = copy.useMasterClock ? copy.masterKernelNs : rawNow(s, cfg);
    return kvmWith(k, {
      ...copy,
      kvmclockOffset: s64(clock - nowNs),
      masterclockUpdates,
      lastMasterclockUpdateAt: s.now,
    });
  }
  return kvmWith(k, { ...copy, masterclockUpdates, lastMasterclockUpdateAt: s.now });
}
