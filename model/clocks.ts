/**
 * The clocks as functions of the state: every TSC is a function of real time and its pCPU's rate
 * and offset, and the host clocks and kvmclock are the kernel's fixed-point formulas applied to
 * those TSC values. Nothing here changes a state.
 */
import {
  pvclockReadCycles,
  pvtiPage,
  timekeeperRead,
  u64,
  type Pvti,
  type TkClock,
  PVCLOCK_TSC_STABLE_BIT,
} from './arith/index.ts';
import { noteTscRead } from './causalTime.ts';
import type { ClockConfig } from './config.ts';
import type { ClockState, VcpuState } from './state.ts';
import { hostTscReaching, nsecToCycles, scaleHostTsc, vcpuTsc } from './tscScaling.ts';

const NS_PER_SEC = 1_000_000_000n;

/** The TSC of `pcpu` at real time `now`: offset + floor(now * hz / 1e9), exactly. */
export function hostTscAt(cfg: ClockConfig, pcpu: number, now: number): bigint {
  const p = cfg.pcpus[pcpu];
  if (p === undefined) throw new RangeError(`no pCPU ${pcpu}`);
  return u64(p.tscOffset + (BigInt(now) * p.tscHz) / NS_PER_SEC);
}

/**
 * The TSC of `pcpu` read now by an action of the model: its value at real time `now` plus the
 * causal lead (causalTime.ts), one cycle for each action of this instant that read a TSC before.
 * Every x86 TSC read at `now` goes through here (the arm64 counter does not: model/causalTime.ts).
 */
export function hostTscNow(s: ClockState, cfg: ClockConfig, pcpu: number): bigint {
  noteTscRead();
  const tsc = hostTscAt(cfg, pcpu, s.now);
  const lead = s.tscLead;
  return lead === 0 ? tsc : u64(tsc + BigInt(lead));
}

/**
 * The cycles every pCPU's TSC moves at least between real times `from` and `to`: what a
 * timeAdvance lets the causal lead fall by (causalTime.ts leadAfter).
 */
export function leastTscElapsed(cfg: ClockConfig, from: number, to: number): bigint {
  let least = -1n;
  for (let p = 0; p < cfg.pcpus.length; p++) {
    const elapsed = hostTscAt(cfg, p, to) - hostTscAt(cfg, p, from);
    if (least < 0n || elapsed < least) least = elapsed;
  }
  return least < 0n ? 0n : least;
}

/**
 * The TSC the guest reads on `vcpu` now (kvm_read_l1_tsc): the vCPU's offset plus its pCPU's TSC
 * scaled by the vCPU's ratio (model/tscScaling.ts; unscaled vCPUs skip the multiply, as KVM does).
 */
export function guestTsc(s: ClockState, cfg: ClockConfig, vcpu: number): bigint {
  const v = s.vcpus[vcpu];
  if (v === undefined) throw new RangeError(`no vCPU ${vcpu}`);
  return u64(scaleHostTsc(cfg, vcpu, hostTscNow(s, cfg, v.pcpu)) + v.tscOffset);
}

/** kvm_read_l1_tsc for vCPU `vcpu` in the record `v`, at real time `t`, on the pCPU it is on. */
export function guestTscAt(cfg: ClockConfig, v: VcpuState, vcpu: number, t: number): bigint {
  return u64(scaleHostTsc(cfg, vcpu, hostTscAt(cfg, v.pcpu, t)) + v.tscOffset);
}

/**
 * The host clocksource is the TSC of one pCPU (the timekeeping CPU): pCPU 0, or after a live
 * migration the destination's (HostState.clocksourcePcpu).
 */
export function hostClocksourceCycles(s: ClockState, cfg: ClockConfig): bigint {
  return hostTscNow(s, cfg, s.host.clocksourcePcpu);
}

export function monoNow(s: ClockState, cfg: ClockConfig): bigint {
  return timekeeperRead(s.host.mono, hostClocksourceCycles(s, cfg));
}

export function rawNow(s: ClockState, cfg: ClockConfig): bigint {
  return timekeeperRead(s.host.raw, hostClocksourceCycles(s, cfg));
}

/** MONOTONIC at real time `t`, with the timekeeper as it is in `s` (no update in between). */
export function monoAt(s: ClockState, cfg: ClockConfig, t: number): bigint {
  return timekeeperRead(s.host.mono, hostTscAt(cfg, s.host.clocksourcePcpu, t));
}

/**
 * The first real instant, not before now, at which MONOTONIC reaches `target` if the timekeeper
 * stays as it is: what a clockevent programmed now for that expiry aims at. Infinity when that is
 * beyond any horizon the model uses.
 */
export function monoReachesAt(s: ClockState, cfg: ClockConfig, target: bigint): number {
  // The timekeeper and now read once: `s` may be a draft, where every read goes through a proxy.
  const mono = s.host.mono;
  const now = s.now;
  const pcpu = s.host.clocksourcePcpu;
  const monoAtT = (t: number): bigint => timekeeperRead(mono, hostTscAt(cfg, pcpu, t));
  if (monoAtT(now) >= target) return now;
  // MONOTONIC is nondecreasing from now on (the TSC only grows past cycle_last), so a guess t
  // with mono(t - 1) < target <= mono(t) is the instant the search below would find. The guess
  // inverts the two formulas; the search stays for whatever the guess misses.
  const guess = monoReachesAtGuess(mono, cfg, pcpu, target);
  if (guess > now && monoAtT(guess) >= target && monoAtT(guess - 1) < target) return guess;
  // Doubling, then bisection: about 2 log2(distance) reads, 100 for a distance of days. Every
  // instant stays a safe integer; past the largest one, the answer is beyond any horizon.
  let lo = now; // mono(lo) < target
  let hi = now + 1;
  while (monoAtT(hi) < target) {
    lo = hi;
    if (hi - now > (Number.MAX_SAFE_INTEGER - now) / 2) return Infinity;
    hi = now + (hi - now) * 2;
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (monoAtT(mid) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The real instant MONOTONIC reaches `target` by inverting timekeeperRead (fewest cycles past
 * cycle_last) and hostTscAt (first instant the clocksource's TSC reaches them), ignoring the u64
 * wrap: only a guess, which monoReachesAt checks. -1 when the guess is not a safe integer.
 */
function monoReachesAtGuess(mono: TkClock, cfg: ClockConfig, pcpu: number, target: bigint): number {
  const p = cfg.pcpus[pcpu]!;
  const shifted = ((target - mono.base) << BigInt(mono.shift)) - mono.xtimeNsec;
  const mult = BigInt(mono.mult);
  const delta = shifted <= 0n ? 0n : (shifted + mult - 1n) / mult;
  const cycles = mono.cycleLast + delta - p.tscOffset;
  if (cycles <= 0n) return -1;
  const t = (cycles * NS_PER_SEC + p.tscHz - 1n) / p.tscHz;
  return t > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(t);
}

/** The first real instant at which `vcpu`'s guest TSC reaches `deadline`, on the pCPU it is on now. */
export function guestTscReachesAt(
  s: ClockState,
  cfg: ClockConfig,
  vcpu: number,
  deadline: bigint,
): number {
  return guestTscReachesAtFor(cfg, s.vcpus[vcpu]!, vcpu, deadline);
}

/** guestTscReachesAt for vCPU `vcpu` in the record `v` (its pCPU and offset). */
export function guestTscReachesAtFor(
  cfg: ClockConfig,
  v: VcpuState,
  vcpu: number,
  deadline: bigint,
): number {
  const p = cfg.pcpus[v.pcpu]!;
  // The host TSC value to reach: the deadline less the offset, unscaled (ignoring the u64 wrap).
  const cycles = hostTscReaching(cfg, vcpu, deadline - v.tscOffset) - p.tscOffset;
  if (cycles <= 0n) return 0;
  return Number((cycles * NS_PER_SEC + p.tscHz - 1n) / p.tscHz);
}

/**
 * A MONOTONIC_RAW time mapped to MONOTONIC with the current conversion factors, as tglx proposes
 * for raw-clock hrtimers: mono = base_mono + (raw - base_raw) * mult_mono / mult_raw, with both
 * bases taken at the timekeeper's last update (both clocks share cycle_last).
 */
export function rawToMono(s: ClockState, rawNs: bigint): bigint {
  const { mono, raw } = s.host;
  const monoBase = timekeeperRead(mono, mono.cycleLast);
  const rawBase = timekeeperRead(raw, raw.cycleLast);
  return monoBase + ((rawNs - rawBase) * BigInt(mono.mult)) / BigInt(raw.mult);
}

/** kvmclock as the guest would compute it on `vcpu` right now from its current page (no clamp). */
export function kvmclockOn(s: ClockState, cfg: ClockConfig, vcpu: number): bigint {
  const v = s.vcpus[vcpu];
  if (v === undefined) throw new RangeError(`no vCPU ${vcpu}`);
  return pvclockReadCycles(v.pvti, guestTsc(s, cfg, vcpu));
}

/**
 * The kvmclock base (kvm_get_time_and_clockread's or get_kvmclock_base_ns's MONOTONIC_RAW) as
 * read on `pcpu`: the host clocksource is the TSC, and a clocksource read takes the TSC of the CPU
 * it runs on (rdtsc), never less than the timekeeper's cycle_last (a TSC behind it reads as no
 * time elapsed, as KVM's own read_tsc clamps it in v3.8 to v4.x). With synchronized TSCs this is
 * rawNow; with skewed ones each pCPU has its own MONOTONIC_RAW. (get_kernel_ns, v3.8 to v4.x,
 * read boot-based MONOTONIC; the model's base is MONOTONIC_RAW, the same without NTP.)
 */
export function kvmclockBaseOn(s: ClockState, cfg: ClockConfig, pcpu: number): bigint {
  const raw = s.host.raw;
  const tsc = hostTscNow(s, cfg, pcpu);
  return timekeeperRead(raw, tsc < raw.cycleLast ? raw.cycleLast : tsc);
}

/**
 * The page kvm_guest_time_update writes for `vcpu` now. With the masterclock in use
 * (ka->use_master_clock) it is anchored at the VM-wide snapshot (master_cycle_now,
 * master_kernel_ns), the same for every vCPU, and carries PVCLOCK_TSC_STABLE_BIT (set exactly
 * then, since v3.8, d828199e8444); without it, at the TSC of the pCPU the writing vCPU runs on
 * (rdtsc in the vCPU's thread) and the kvmclock base read on that pCPU (get_kernel_ns, later
 * get_kvmclock_base_ns: kvmclockBaseOn), without the bit. tsc_timestamp is
 * kvm_read_l1_tsc of that host TSC (scaled by the vCPU's ratio, plus its offset), system_time is
 * kernel_ns + kvmclock_offset, and mul/shift convert the vCPU's own TSC rate
 * (model/tscScaling.ts). `tscOffset` is the vCPU's offset after any catch-up this update does.
 * (PVCLOCK_GUEST_STOPPED is not modelled.)
 */
export function pvtiFor(
  s: ClockState,
  cfg: ClockConfig,
  vcpu: number,
  version: number,
  tscOffset?: bigint,
): Pvti {
  const v = s.vcpus[vcpu];
  if (v === undefined) throw new RangeError(`no vCPU ${vcpu}`);
  const k = s.kvm;
  const hostTsc = k.useMasterClock ? k.masterCycleNow : hostTscNow(s, cfg, v.pcpu);
  const kernelNs = k.useMasterClock ? k.masterKernelNs : kvmclockBaseOn(s, cfg, v.pcpu);
  const { shift, mul } = vcpuTsc(cfg, vcpu).pvclockScale;
  const flags = k.useMasterClock ? PVCLOCK_TSC_STABLE_BIT : 0;
  const offset = tscOffset ?? v.tscOffset;
  return pvtiPage(
    version,
    u64(scaleHostTsc(cfg, vcpu, hostTsc) + offset),
    k.kvmclockOffset === 0n ? kernelNs : u64(kernelNs + k.kvmclockOffset),
    mul,
    shift,
    flags,
  );
}

/**
 * The vCPU's TSC offset after kvm_guest_time_update's catch-up (vcpu->arch.tsc_catchup, set once
 * KVM saw the TSC unstable): if the TSC the elapsed kvmclock-base time calls for
 * (compute_guest_tsc: this_tsc_write + nsec_to_cycles(kernel_ns - this_tsc_nsec)) is ahead of
 * the one the page would be anchored at, the offset is raised by the difference. Unchanged
 * without catch-up. (arch/x86/kvm/x86.c, unchanged since 2.6.38.)
 */
export function caughtUpTscOffset(s: ClockState, cfg: ClockConfig, vcpu: number): bigint {
  const v = s.vcpus[vcpu]!;
  if (!v.tscCatchup) return v.tscOffset;
  const k = s.kvm;
  const hostTsc = k.useMasterClock ? k.masterCycleNow : hostTscNow(s, cfg, v.pcpu);
  const kernelNs = k.useMasterClock ? k.masterKernelNs : kvmclockBaseOn(s, cfg, v.pcpu);
  const anchored = u64(scaleHostTsc(cfg, vcpu, hostTsc) + v.tscOffset);
  const due = u64(v.tscSyncWrite + nsecToCycles(cfg, vcpu, kernelNs - v.tscSyncNs));
  return due > anchored ? u64(v.tscOffset + (due - anchored)) : v.tscOffset;
}
