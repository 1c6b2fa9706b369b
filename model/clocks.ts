/**
 * The clocks as functions of the state: every TSC is a function of real time and its pCPU's rate
 * and offset, and the host clocks and kvmclock are the kernel's fixed-point formulas applied to
 * those TSC values. Nothing here changes a state.
 */
import {
  kvmGetTimeScale,
  pvclockReadCycles,
  timekeeperRead,
  u64,
  type Pvti,
  PVCLOCK_TSC_STABLE_BIT,
} from './arith/index.ts';
import type { ClockConfig } from './config.ts';
import type { ClockState } from './state.ts';

const NS_PER_SEC = 1_000_000_000n;

/** The TSC of `pcpu` at real time `now`: offset + floor(now * hz / 1e9), exactly. */
export function hostTscAt(cfg: ClockConfig, pcpu: number, now: number): bigint {
  const p = cfg.pcpus[pcpu];
  if (p === undefined) throw new RangeError(`no pCPU ${pcpu}`);
  return u64(p.tscOffset + (BigInt(now) * p.tscHz) / NS_PER_SEC);
}

/** The TSC the guest reads on `vcpu` now: its pCPU's TSC plus the vCPU's offset (kvm_read_l1_tsc, unscaled). */
export function guestTsc(s: ClockState, cfg: ClockConfig, vcpu: number): bigint {
  const v = s.vcpus[vcpu];
  if (v === undefined) throw new RangeError(`no vCPU ${vcpu}`);
  return u64(hostTscAt(cfg, v.pcpu, s.now) + v.tscOffset);
}

/** The host clocksource is the TSC of pCPU 0 (the timekeeping CPU). */
export function hostClocksourceCycles(s: ClockState, cfg: ClockConfig): bigint {
  return hostTscAt(cfg, 0, s.now);
}

export function monoNow(s: ClockState, cfg: ClockConfig): bigint {
  return timekeeperRead(s.host.mono, hostClocksourceCycles(s, cfg));
}

export function rawNow(s: ClockState, cfg: ClockConfig): bigint {
  return timekeeperRead(s.host.raw, hostClocksourceCycles(s, cfg));
}

/** kvmclock as the guest would compute it on `vcpu` right now from its current page (no clamp). */
export function kvmclockOn(s: ClockState, cfg: ClockConfig, vcpu: number): bigint {
  const v = s.vcpus[vcpu];
  if (v === undefined) throw new RangeError(`no vCPU ${vcpu}`);
  return pvclockReadCycles(v.pvti, guestTsc(s, cfg, vcpu));
}

/**
 * The page kvm_guest_time_update writes for `vcpu` now: anchored at the masterclock snapshot when
 * it is in use, else at this pCPU's TSC and the host's kvmclock base (MONOTONIC_RAW) right now.
 */
export function pvtiFor(s: ClockState, cfg: ClockConfig, vcpu: number, version: number): Pvti {
  const v = s.vcpus[vcpu];
  if (v === undefined) throw new RangeError(`no vCPU ${vcpu}`);
  const hostTsc = s.kvm.useMasterClock ? s.kvm.masterCycleNow : hostTscAt(cfg, v.pcpu, s.now);
  const kernelNs = s.kvm.useMasterClock ? s.kvm.masterKernelNs : rawNow(s, cfg);
  const { shift, mul } = kvmGetTimeScale(NS_PER_SEC, cfg.tscKhz * 1000n);
  return {
    version,
    tscTimestamp: u64(hostTsc + v.tscOffset),
    systemTime: kernelNs,
    tscToSystemMul: mul,
    tscShift: shift,
    flags: cfg.stableBit ? PVCLOCK_TSC_STABLE_BIT : 0,
  };
}
