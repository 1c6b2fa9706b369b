/**
 * pvclock_update_vm_gtod_copy (arch/x86/kvm/x86.c, since v3.8; read at v3.18 and v3.19): the
 * VM-wide snapshot (master_cycle_now, master_kernel_ns) from one read of the host clocksource and
 * the kvmclock base (kvm_get_time_and_clockread), and whether the masterclock is in use: the host
 * clocksource is the TSC (until the TSC is marked unstable, which takes the clocksource off it)
 * and every vCPU is in the current TSC-matching generation (nr_vcpus_matched_tsc + 1 ==
 * online_vcpus). Without a TSC clocksource the snapshot is not retaken (kvm_get_time_and_clockread
 * fails before writing it).
 *
 * `tscClocksource` says whether the host's clocksource is the TSC in the first place. The steps of
 * a live migration take it from cfg.useMasterClock (a configuration without the masterclock stands
 * for a host without a TSC clocksource); the masterclockUpdate triggers pass true, and a
 * `clocksource-change` takes the clocksource off the TSC by marking the TSC unstable.
 */
import { hostClocksourceCycles, rawNow } from './clocks.ts';
import type { ClockConfig } from './config.ts';
import type { ClockState, KvmTscSync, VcpuState } from './state.ts';

export interface MasterclockCopy {
  readonly masterCycleNow: bigint;
  readonly masterKernelNs: bigint;
  readonly useMasterClock: boolean;
}

/** The copy KVM takes now, given the TSC-sync record and the vCPUs' matching as they will be. */
export function masterclockCopy(
  s: ClockState,
  cfg: ClockConfig,
  tscSync: KvmTscSync,
  vcpus: readonly VcpuState[],
  tscClocksource: boolean,
): MasterclockCopy {
  if (!tscClocksource || tscSync.unstable) {
    return {
      masterCycleNow: s.kvm.masterCycleNow,
      masterKernelNs: s.kvm.masterKernelNs,
      useMasterClock: false,
    };
  }
  let matched = true;
  for (let i = 0; i < vcpus.length; i++) if (!vcpus[i]!.tscMatched) matched = false;
  return {
    masterCycleNow: hostClocksourceCycles(s, cfg),
    masterKernelNs: rawNow(s, cfg),
    useMasterClock: matched,
  };
}
