/**
 * masterclockUpdate: KVM takes a new VM-wide snapshot (master_cycle_now, master_kernel_ns) from one
 * TSC read and the host's kvmclock base (MONOTONIC_RAW), and asks every vCPU to rewrite its pvclock
 * page from it (pvclock_update_vm_gtod_copy and kvm_end_pvclock_update in arch/x86/kvm/x86.c).
 * Because pvclock's mul/shift and RAW's mult/shift round differently, the re-anchor steps guest time
 * by raw(Δ) - pvclock(Δ) for the TSC delta since the last anchor.
 *
 * Enabled: per trigger the scenario has: vCPU hotplug and Xen shared-info setup while fewer than the
 * allowed number of triggered updates happened; `periodic` at every multiple of the period.
 * Changes: the snapshot, use_master_clock (in use when the host clocksource is the TSC and every
 * vCPU's TSC is matched: model/masterclock.ts), the update counters, and every vCPU's clock-update
 * request.
 */
import { castDraft } from 'immer';
import type { ActionOf } from '../actions.ts';
import { kvmWith } from '../kvmRecords.ts';
import { masterclockCopy } from '../masterclock.ts';
import type { Transition } from '../transition.ts';
import { vcpuWithPage } from '../vcpuRecords.ts';

export const masterclockUpdate: Transition<'masterclockUpdate'> = {
  kind: 'masterclockUpdate',
  enabled: (s, cfg) => {
    const actions: ActionOf<'masterclockUpdate'>[] = [];
    if (s.kvm.masterclockUpdates < cfg.limits.masterclockTriggers) {
      for (const trigger of cfg.masterclockTriggerKinds)
        actions.push({ kind: 'masterclockUpdate', trigger });
    }
    const period = cfg.masterclockPeriodNs;
    if (period > 0 && s.now > 0 && s.now % period === 0 && s.kvm.lastMasterclockUpdateAt < s.now) {
      actions.push({ kind: 'masterclockUpdate', trigger: 'periodic' });
    }
    return actions;
  },
  apply: (d, { trigger }, cfg, s) => {
    // Built from `s` and assigned as whole records at the draft's root (see setVcpu).
    const k = s.kvm;
    d.kvm = kvmWith(k, {
      ...masterclockCopy(s, cfg, k.tscSync, s.vcpus, true),
      masterclockUpdates: trigger !== 'periodic' ? k.masterclockUpdates + 1 : k.masterclockUpdates,
      lastMasterclockUpdateAt: s.now,
    });
    d.vcpus = castDraft(
      s.vcpus.map((v) => vcpuWithPage(v, v.pvti, v.pvtiWrite, v.lastClockStep, true)),
    );
  },
};
