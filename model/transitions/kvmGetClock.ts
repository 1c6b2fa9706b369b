/**
 * kvmGetClock: the source VMM saves kvmclock with KVM_GET_CLOCK (kvm_vm_ioctl_get_clock, since
 * 5.16 with the realtime and host TSC of the same instant when the masterclock is in use; see
 * kvmGetClockData in model/liveMigration.ts) and each vCPU's TSC: its IA32_TSC (KVM_GET_MSRS,
 * kvm_read_l1_tsc on the vCPU's pCPU) for the `msr` restore, or its KVM_VCPU_TSC_OFFSET attribute
 * (l1_tsc_offset, since 5.16) for the `offset-attr` one. Then the VM's state moves to the
 * destination, which from here on the state stands for:
 *
 * - every vCPU is on its destination pCPU (cfg.liveMigration.destPcpus; back to the initial ones
 *   on the return trip), and the host clocksource reads the destination's TSC (the host clocks
 *   continue, model/liveMigration.ts says why one timekeeper stands for both hosts');
 * - the destination VM is fresh: kvmclock_offset = -kernel_ns (kvm_arch_init_vm), every vCPU
 *   created now with kvm_synchronize_tsc(vcpu, NULL), which gives the first vCPU a guest TSC of 0
 *   (read on the VMM's pCPU, the destination's clocksource) and matches the others of the same
 *   rate to its offset; the masterclock snapshot is taken (pvclock_update_vm_gtod_copy); the TSC
 *   is not marked unstable (another host); and each vCPU's first load asks for a page update
 *   (vcpu->cpu == -1: KVM_REQ_GLOBAL_CLOCK_UPDATE), done when it runs;
 * - guest memory, and with it every pvclock page, arrives as it was.
 *
 * Abstracted: the saves happen at one instant, and the transfer of guest memory takes no time of
 * its own (downtime is the real time that passes before the destination's steps). The LAPIC
 * timer's save and restore (KVM_GET_LAPIC, MSR_IA32_TSC_DEADLINE) are not modelled: a scenario
 * with live migration should not program timers.
 *
 * Enabled: once per migration, after vmPause.
 * Changes: the VMM's saved clock and each vCPU's saved TSC; the host's clocksource; KVM's
 * kvmclock offset, TSC-sync record and masterclock; every vCPU's pCPU, TSC offset and
 * synchronization fields, and its clock-update request.
 */
import { castDraft } from 'immer';
import { guestTsc, hostTscNow, rawNow } from '../clocks.ts';
import { kvmWith, tscSyncWith } from '../kvmRecords.ts';
import {
  applyTscWrite,
  destinationOf,
  freshKvmclockOffset,
  hostAfter,
  hostOn,
  kvmGetClockData,
  migrationOf,
  tscMsrWrite,
} from '../liveMigration.ts';
import { masterclockCopy } from '../masterclock.ts';
import type { ClockState, KvmTscSync, VcpuState } from '../state.ts';
import type { Transition } from '../transition.ts';
import { vcpuWith } from '../vcpuRecords.ts';

const GET = [{ kind: 'kvmGetClock' as const }];

export const kvmGetClock: Transition<'kvmGetClock'> = {
  kind: 'kvmGetClock',
  enabled: (s) =>
    s.vmm.migrations > 0 && !s.vmm.clockSaved && s.vcpus.some((v) => v.paused) ? GET : [],
  apply: (d, _action, cfg, s) => {
    const k = s.vmm.migrations;
    const m = migrationOf(cfg);
    const saved = kvmGetClockData(s, cfg, hostAfter(k - 1));
    const savedTsc = (v: VcpuState, i: number): bigint =>
      m.tscRestore === 'msr' ? guestTsc(s, cfg, i) : v.tscOffset;
    const to = destinationOf(cfg, k);

    // The destination host, then its fresh VM, created now.
    const onDest: ClockState = { ...s, host: hostOn(s, cfg, to.clocksource) };
    const ns = rawNow(onDest, cfg);
    let vcpus = s.vcpus.map((v, i) =>
      vcpuWith(v, {
        pcpu: to.pcpus[i]!,
        savedTsc: savedTsc(v, i),
        tscCatchup: false,
        clockUpdateRequested: true,
      }),
    );
    let sync: KvmTscSync = tscSyncWith(s.kvm.tscSync, {
      unstable: false,
      userSet: false,
      lastWrite: 0n,
      lastNs: ns,
      lastKhz: 0,
      lastOffset: 0n,
    });
    const vmmTsc = hostTscNow(s, cfg, to.clocksource);
    for (let i = 0; i < vcpus.length; i++) {
      const created = applyTscWrite(
        cfg,
        sync,
        vcpus,
        i,
        tscMsrWrite(cfg, sync, i, vmmTsc, 0n, ns),
        false,
      );
      sync = created.sync;
      vcpus = created.vcpus;
    }
    const kvmclockOffset = freshKvmclockOffset(onDest, cfg);
    const fresh: ClockState = {
      ...onDest,
      vcpus,
      kvm: kvmWith(s.kvm, { tscSync: sync, kvmclockOffset }),
    };
    d.host = onDest.host;
    d.kvm = kvmWith(fresh.kvm, {
      ...masterclockCopy(fresh, cfg, sync, vcpus, cfg.useMasterClock),
      lastMasterclockUpdateAt: s.now,
    });
    d.vcpus = castDraft(vcpus);
    d.vmm = {
      ...s.vmm,
      clockSaved: true,
      saved,
      referenceKvmclockOffset: k === 1 ? s.kvm.kvmclockOffset : s.vmm.referenceKvmclockOffset,
    };
  },
};
