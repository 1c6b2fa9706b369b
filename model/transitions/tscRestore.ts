/**
 * tscRestore: the destination VMM restores one vCPU's TSC, by cfg.liveMigration.tscRestore:
 *
 * - `msr`: KVM_SET_MSRS of the IA32_TSC value the source read (kvm_set_msr_common, host
 *   initiated → kvm_synchronize_tsc): the offset that makes the guest TSC read the saved value,
 *   unless the write falls within one second of guest cycles of what the VM's last TSC write
 *   extrapolates to, at the same rate: then it is taken for an attempt to synchronize and gets
 *   the current generation's offset (tscMsrWrite in model/liveMigration.ts). Pause time is not
 *   counted: the TSC resumes where it was saved.
 * - `offset-attr`: the algorithm of Documentation/virt/kvm/devices/vcpu.rst (KVM_VCPU_TSC_OFFSET,
 *   since 5.16): KVM_GET_CLOCK on the destination once (the first restore takes it: step 5), then
 *   ofs_dst = ofs_src - (guest_src - guest_dest) * freq + (tsc_src - tsc_dest), with freq the
 *   guest's TSC kHz (KVM_GET_TSC_KHZ, so the VMM divides the ns-times-kHz product by 1e6, toward
 *   zero) and tsc_* the hosts' unscaled TSCs as KVM_GET_CLOCK returns them (the 5.16 document's
 *   formula; for a vCPU with TSC scaling, unscaled host TSCs are not what its offset adds to),
 *   written with KVM_SET_DEVICE_ATTR (kvm_arch_tsc_set_attr: matched when rate and offset equal
 *   the last write's). A KVM_GET_CLOCK without KVM_CLOCK_HOST_TSC returns a host_tsc of 0 and the
 *   VMM uses it as it is.
 *
 * Either way __kvm_synchronize_tsc records the write, and kvm_track_tsc_matching asks for a
 * masterclock update when the masterclock is in use and the write started a new generation, or
 * when use_master_clock would change; the model does that update at once (the request is handled
 * when the vCPU next runs, and this vCPU is paused; only the snapshot's instant differs).
 *
 * Enabled: for each vCPU whose TSC is not restored yet in this migration, after kvmGetClock; with
 * restoreOrder `clock-first` only after kvmSetClock.
 * Changes: the vCPU's TSC offset, synchronization fields and restored flag; KVM's TSC-sync record;
 * possibly the masterclock and every vCPU's clock-update request; the VMM's destination clock.
 */
import { castDraft } from 'immer';
import { u64 } from '../arith/index.ts';
import type { ActionOf } from '../actions.ts';
import { hostTscNow, rawNow } from '../clocks.ts';
import { kvmWith } from '../kvmRecords.ts';
import {
  applyTscWrite,
  hostAfter,
  kvmGetClockData,
  migrationOf,
  tscMsrWrite,
  tscOffsetWrite,
} from '../liveMigration.ts';
import { masterclockCopy } from '../masterclock.ts';
import { NO_ACTIONS, sharedAction, withAction } from '../sharedActions.ts';
import type { ClockState } from '../state.ts';
import type { Transition } from '../transition.ts';
import { virtualTscKhz } from '../tscScaling.ts';
import { vcpuWith } from '../vcpuRecords.ts';

type TscRestore = ActionOf<'tscRestore'>;
const shared: TscRestore[][] = [];
const make = (vcpu: number): TscRestore => ({ kind: 'tscRestore', vcpu });

export const tscRestore: Transition<'tscRestore'> = {
  kind: 'tscRestore',
  enabled: (s, cfg) => {
    if (!s.vmm.clockSaved) return NO_ACTIONS;
    if (migrationOf(cfg).restoreOrder === 'clock-first' && !s.vmm.clockSet) return NO_ACTIONS;
    let actions: TscRestore[] | undefined;
    for (let vcpu = 0; vcpu < s.vcpus.length; vcpu++) {
      if (!s.vcpus[vcpu]!.tscRestored)
        actions = withAction(actions, sharedAction(shared, vcpu, 0, make));
    }
    return actions ?? NO_ACTIONS;
  },
  apply: (d, { vcpu }, cfg, s) => {
    const m = migrationOf(cfg);
    const k = s.kvm;
    const v = s.vcpus[vcpu]!;
    const hostTsc = hostTscNow(s, cfg, v.pcpu);
    const ns = rawNow(s, cfg);
    let vmm = s.vmm;
    let write;
    if (m.tscRestore === 'msr') {
      write = tscMsrWrite(cfg, k.tscSync, vcpu, hostTsc, v.savedTsc, ns);
    } else {
      if (!vmm.destTaken)
        vmm = { ...vmm, destTaken: true, dest: kvmGetClockData(s, cfg, hostAfter(vmm.migrations)) };
      write = tscOffsetWrite(
        cfg,
        k.tscSync,
        vcpu,
        hostTsc,
        destinationTscOffset(s, vcpu, virtualTscKhz(cfg, vcpu), vmm),
        ns,
      );
    }
    const applied = applyTscWrite(cfg, k.tscSync, s.vcpus, vcpu, write, true);
    let vcpus = applied.vcpus;
    vcpus[vcpu] = vcpuWith(vcpus[vcpu]!, { tscRestored: true });
    let kvm = kvmWith(k, { tscSync: applied.sync });
    // kvm_track_tsc_matching
    const copy = masterclockCopy(
      { ...s, kvm, vcpus },
      cfg,
      applied.sync,
      vcpus,
      cfg.useMasterClock,
    );
    if ((k.useMasterClock && !write.matched) || k.useMasterClock !== copy.useMasterClock) {
      kvm = kvmWith(kvm, { ...copy, lastMasterclockUpdateAt: s.now });
      vcpus = vcpus.map((w) =>
        w.clockUpdateRequested ? w : vcpuWith(w, { clockUpdateRequested: true }),
      );
    }
    d.kvm = kvm;
    d.vcpus = castDraft(vcpus);
    if (vmm !== s.vmm) d.vmm = vmm;
  },
};

/**
 * Step 6 of the vcpu.rst algorithm for vCPU `vcpu`: its saved offset moved by the kvmclock time
 * between the two KVM_GET_CLOCKs in guest cycles, and by the difference of the hosts' TSCs.
 */
function destinationTscOffset(
  s: ClockState,
  vcpu: number,
  freqKhz: bigint,
  vmm: ClockState['vmm'],
): bigint {
  const src = vmm.saved;
  const dst = vmm.dest;
  const elapsedCycles = ((src.clock - dst.clock) * freqKhz) / 1_000_000n;
  return u64(s.vcpus[vcpu]!.savedTsc - elapsedCycles + (src.hostTsc - dst.hostTsc));
}
