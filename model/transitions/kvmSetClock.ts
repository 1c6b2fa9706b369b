/**
 * kvmSetClock: the destination VMM restores kvmclock with KVM_SET_CLOCK (kvm_vm_ioctl_set_clock,
 * arch/x86/kvm/x86.c): the masterclock snapshot is retaken (pvclock_update_vm_gtod_copy, with
 * use_master_clock as the TSC matching now allows); with KVM_CLOCK_REALTIME (since 5.16; only
 * when the source's KVM_GET_CLOCK returned a realtime, which needs its masterclock) the saved
 * clock is advanced by the realtime that has passed since it was saved, never moved back; then
 * kvmclock_offset = clock - kernel_ns (master_kernel_ns with the masterclock, else the kvmclock
 * base now), and every vCPU is asked to rewrite its page (kvm_end_pvclock_update), which it does
 * when it next runs. Before 5.16 the same without the realtime adjustment (QEMU's practice: guest
 * time stands still while the VM is stopped).
 *
 * Enabled: once per migration, after kvmGetClock; with restoreOrder `tsc-first` only once every
 * vCPU's TSC is restored (QEMU puts the TSC MSRs before it sets kvmclock at VM start).
 * Changes: KVM's masterclock and kvmclock_offset, every vCPU's clock-update request, the VMM's
 * progress.
 */
import { castDraft } from 'immer';
import { s64 } from '../arith/index.ts';
import { monoNow, rawNow } from '../clocks.ts';
import { kvmWith } from '../kvmRecords.ts';
import { hostAfter, KVM_CLOCK_REALTIME, migrationOf, realtimeOf } from '../liveMigration.ts';
import { masterclockCopy } from '../masterclock.ts';
import type { Transition } from '../transition.ts';
import { vcpuWith } from '../vcpuRecords.ts';

const SET = [{ kind: 'kvmSetClock' as const }];

export const kvmSetClock: Transition<'kvmSetClock'> = {
  kind: 'kvmSetClock',
  enabled: (s, cfg) => {
    const vm = s.vmm;
    if (!vm.clockSaved || vm.clockSet) return [];
    if (migrationOf(cfg).restoreOrder === 'tsc-first' && s.vcpus.some((v) => !v.tscRestored))
      return [];
    return SET;
  },
  apply: (d, _action, cfg, s) => {
    const m = migrationOf(cfg);
    const k = s.kvm;
    const copy = masterclockCopy(s, cfg, k.tscSync, s.vcpus, cfg.useMasterClock);
    const saved = s.vmm.saved;
    let clock = saved.clock;
    if (m.clockRealtime && (saved.flags & KVM_CLOCK_REALTIME) !== 0) {
      const nowReal = realtimeOf(cfg, hostAfter(s.vmm.migrations), monoNow(s, cfg));
      if (nowReal > saved.realtime) clock += nowReal - saved.realtime;
    }
    const nowRaw = copy.useMasterClock ? copy.masterKernelNs : rawNow(s, cfg);
    d.kvm = kvmWith(k, {
      ...copy,
      lastMasterclockUpdateAt: copy.useMasterClock ? s.now : k.lastMasterclockUpdateAt,
      kvmclockOffset: s64(clock - nowRaw),
    });
    d.vcpus = castDraft(s.vcpus.map((v) => vcpuWith(v, { clockUpdateRequested: true })));
    d.vmm = { ...s.vmm, clockSet: true };
  },
};
