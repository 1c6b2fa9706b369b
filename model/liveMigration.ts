/**
 * What the live-migration transitions share (vmPause, kvmGetClock, kvmSetClock, tscRestore,
 * vcpuResume): KVM_GET_CLOCK, kvm_synchronize_tsc, the destination VM's creation, and the hosts.
 *
 * The two hosts are abstracted as one host timekeeper: the source and the destination have the
 * same MONOTONIC and MONOTONIC_RAW (their kvmclock bases run at one rate), and the destination's
 * CLOCK_REALTIME differs from the source's by cfg.liveMigration.realtimeSkewNs (NTP's
 * disagreement). What differs between the hosts, and what the questions depend on, is modelled:
 * the destination's pCPUs have their own TSC offsets (the VM moves onto them and the host
 * clocksource reads one of them), and the destination VM is a fresh one (kvmclock_offset =
 * -kernel_ns, every vCPU's TSC 0 at its creation), so whatever the VMM fails to restore shows.
 * Whether guest time goes backwards and whether the pause time is accounted for depend only on
 * the kvmclock and TSC values the restore produces relative to real time, which this keeps exact.
 */
import {
  kvmGetTimeScale,
  pvclockReadCycles,
  pvtiPage,
  s64,
  timekeeperAccumulateAll,
  timekeeperRead,
  u64,
  type TimeScale,
} from './arith/index.ts';
import { hostClocksourceCycles, hostTscNow, rawNow } from './clocks.ts';
import type { ClockConfig, LiveMigrationConfig } from './config.ts';
import { tscSyncWith } from './kvmRecords.ts';
import type { ClockState, HostState, KvmClockData, KvmTscSync, VcpuState } from './state.ts';
import { nsecToCycles, scaleHostTsc, virtualTscKhz } from './tscScaling.ts';
import { vcpuWith } from './vcpuRecords.ts';

/** KVM_CLOCK_TSC_STABLE, KVM_CLOCK_REALTIME, KVM_CLOCK_HOST_TSC (include/uapi/linux/kvm.h). */
export const KVM_CLOCK_TSC_STABLE = 2;
export const KVM_CLOCK_REALTIME = 4;
export const KVM_CLOCK_HOST_TSC = 8;

export function migrationOf(cfg: ClockConfig): LiveMigrationConfig {
  const m = cfg.liveMigration;
  if (m === undefined) throw new Error('this configuration has no liveMigration');
  return m;
}

/**
 * Where migration number `k` (1, 2, ...) takes the VM: odd ones to the destination's pCPUs, even
 * ones back to the initial pCPUs; and the pCPU whose TSC that host's clocksource reads.
 */
export function destinationOf(
  cfg: ClockConfig,
  k: number,
): { readonly pcpus: readonly number[]; readonly clocksource: number } {
  const m = migrationOf(cfg);
  if (k % 2 === 1)
    return { pcpus: m.destPcpus, clocksource: m.destClocksourcePcpu ?? m.destPcpus[0] ?? 0 };
  return { pcpus: cfg.vcpus.map((v) => v.pcpu), clocksource: 0 };
}

/** Which host the VM is on after `k` migrations: 0 the source, 1 the destination. */
export function hostAfter(k: number): number {
  return k % 2;
}

/** CLOCK_REALTIME of host `host` at MONOTONIC `mono`, less the wall-clock offset both share. */
export function realtimeOf(cfg: ClockConfig, host: number, mono: bigint): bigint {
  return host === 1 ? mono + BigInt(cfg.liveMigration?.realtimeSkewNs ?? 0) : mono;
}

/**
 * KVM_GET_CLOCK (kvm_vm_ioctl_get_clock → __get_kvmclock, since 5.16 with realtime and host_tsc):
 * with the masterclock in use, kvmclock at one host-clocksource TSC read (the snapshot's page with
 * the host's own rate, read at that TSC) and the realtime of the same read, flags TSC_STABLE,
 * REALTIME and HOST_TSC; without it, the kvmclock base plus kvmclock_offset and no flags.
 */
export function kvmGetClockData(s: ClockState, cfg: ClockConfig, host: number): KvmClockData {
  const k = s.kvm;
  if (!k.useMasterClock) {
    return { clock: u64(rawNow(s, cfg) + k.kvmclockOffset), realtime: 0n, hostTsc: 0n, flags: 0 };
  }
  const hostTsc = hostClocksourceCycles(s, cfg);
  // get_cpu_tsc_khz(): the host's rate, unscaled; the same scale an unscaled vCPU's page has.
  const { shift, mul } = vcpuTscHostScale(cfg);
  const page = pvtiPage(
    0,
    k.masterCycleNow,
    u64(k.masterKernelNs + k.kvmclockOffset),
    mul,
    shift,
    0,
  );
  return {
    clock: pvclockReadCycles(page, hostTsc),
    realtime: realtimeOf(cfg, host, timekeeperRead(s.host.mono, hostTsc)),
    hostTsc,
    flags: KVM_CLOCK_TSC_STABLE | KVM_CLOCK_REALTIME | KVM_CLOCK_HOST_TSC,
  };
}

/** kvm_get_time_scale(NSEC_PER_SEC, tsc_khz * 1000), worked out once per configuration. */
const hostScales = new WeakMap<ClockConfig, TimeScale>();
function vcpuTscHostScale(cfg: ClockConfig): TimeScale {
  let t = hostScales.get(cfg);
  if (t === undefined) {
    t = kvmGetTimeScale(1_000_000_000n, cfg.tscKhz * 1000n);
    hostScales.set(cfg, t);
  }
  return t;
}

/** One TSC write as __kvm_synchronize_tsc receives it. */
export interface TscWrite {
  readonly offset: bigint;
  readonly data: bigint;
  readonly ns: bigint;
  readonly matched: boolean;
}

/**
 * kvm_synchronize_tsc's decision for a write of `data` to vCPU `vcpu`'s IA32_TSC (0: the write at
 * vCPU creation, which always synchronizes), with the host TSC `hostTsc` on its pCPU and the
 * kvmclock base `ns`: the offset that makes the guest TSC read `data`; but when the write is
 * taken as an attempt to synchronize (data 0, or userspace has written before and `data` is within
 * one second of guest cycles of the TSC the last write extrapolates to) and the rate matches the
 * last write's, the current generation's offset (or, with an unstable TSC, the data advanced by
 * the elapsed time), and the write joins that generation. Today's form (the one-second window
 * gated on user_set_tsc since 6.7; a matching window since 2.6.38).
 */
export function tscMsrWrite(
  cfg: ClockConfig,
  sync: KvmTscSync,
  vcpu: number,
  hostTsc: bigint,
  data: bigint,
  ns: bigint,
): TscWrite {
  const scaled = scaleHostTsc(cfg, vcpu, hostTsc);
  const khz = virtualTscKhz(cfg, vcpu);
  const elapsed = u64(ns - sync.lastNs);
  let synchronizing = false;
  if (data === 0n) synchronizing = true;
  else if (sync.userSet) {
    const expected = u64(sync.lastWrite + nsecToCycles(cfg, vcpu, elapsed));
    const hz = khz * 1000n;
    synchronizing = data < u64(expected + hz) && u64(data + hz) > expected;
  }
  if (synchronizing && Number(khz) === sync.lastKhz) {
    if (!sync.unstable) return { offset: sync.curOffset, data, ns, matched: true };
    const advanced = u64(data + nsecToCycles(cfg, vcpu, elapsed));
    return { offset: u64(advanced - scaled), data: advanced, ns, matched: true };
  }
  return { offset: u64(data - scaled), data, ns, matched: false };
}

/**
 * The KVM_VCPU_TSC_OFFSET attribute's write (kvm_arch_tsc_set_attr, since 5.16): matched when the
 * rate and the offset are the last write's; the TSC it records is the guest TSC now.
 */
export function tscOffsetWrite(
  cfg: ClockConfig,
  sync: KvmTscSync,
  vcpu: number,
  hostTsc: bigint,
  offset: bigint,
  ns: bigint,
): TscWrite {
  const khz = Number(virtualTscKhz(cfg, vcpu));
  const matched = sync.lastKhz === khz && sync.lastOffset === offset;
  return { offset, data: u64(scaleHostTsc(cfg, vcpu, hostTsc) + offset), ns, matched };
}

/**
 * __kvm_synchronize_tsc: records the write as the VM's last, sets the vCPU's offset, and starts a
 * new generation (no vCPU but this one matched) unless the write matched; the vCPU takes the
 * generation's this_tsc_write and this_tsc_nsec. Returns the new TSC-sync record and vCPUs.
 */
export function applyTscWrite(
  cfg: ClockConfig,
  sync: KvmTscSync,
  vcpus: readonly VcpuState[],
  vcpu: number,
  w: TscWrite,
  userSet: boolean,
): { readonly sync: KvmTscSync; readonly vcpus: VcpuState[] } {
  const next = tscSyncWith(sync, {
    userSet: sync.userSet || userSet,
    lastWrite: w.data,
    lastNs: w.ns,
    lastKhz: Number(virtualTscKhz(cfg, vcpu)),
    lastOffset: w.offset,
    ...(w.matched ? {} : { curWrite: w.data, curNs: w.ns, curOffset: w.offset }),
  });
  const out = vcpus.map((v, i) => {
    if (i === vcpu) {
      return vcpuWith(v, {
        tscOffset: w.offset,
        tscMatched: true,
        tscSyncWrite: next.curWrite,
        tscSyncNs: next.curNs,
      });
    }
    return !w.matched && v.tscMatched ? vcpuWith(v, { tscMatched: false }) : v;
  });
  return { sync: next, vcpus: out };
}

/**
 * The host as the destination's: the same MONOTONIC and MONOTONIC_RAW, read from the TSC of
 * `clocksource` from now on (every clock accumulated to now, then re-anchored at that TSC).
 */
export function hostOn(s: ClockState, cfg: ClockConfig, clocksource: number): HostState {
  const h = s.host;
  const cycles = hostClocksourceCycles(s, cfg);
  const anchor = hostTscNow(s, cfg, clocksource);
  const rebase = (c: HostState['mono']): HostState['mono'] => {
    const all = timekeeperAccumulateAll(c, cycles);
    return {
      cycleLast: anchor,
      mult: all.mult,
      shift: all.shift,
      xtimeNsec: all.xtimeNsec,
      base: all.base,
    };
  };
  return {
    mono: rebase(h.mono),
    raw: rebase(h.raw),
    ntpPendingAdj: h.ntpPendingAdj,
    ntpChanges: h.ntpChanges,
    lastUpdateAt: h.lastUpdateAt,
    lastUpdate: h.lastUpdate,
    clocksourcePcpu: clocksource,
  };
}

/** kvmclock_offset of a VM created now (kvm_arch_init_vm: -get_kvmclock_base_ns()). */
export function freshKvmclockOffset(s: ClockState, cfg: ClockConfig): bigint {
  return s64(-rawNow(s, cfg));
}
