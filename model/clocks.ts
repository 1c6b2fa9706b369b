/**
 * The clocks as functions of the state: every TSC is a function of real time and its pCPU's rate
 * and offset, and the host clocks and kvmclock are the kernel's fixed-point formulas applied to
 * those TSC values. Nothing here changes a state.
 */
import {
  kvmGetTimeScale,
  pvclockReadCycles,
  pvtiPage,
  timekeeperRead,
  u64,
  type Pvti,
  type TkClock,
  type TimeScale,
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

/** MONOTONIC at real time `t`, with the timekeeper as it is in `s` (no update in between). */
export function monoAt(s: ClockState, cfg: ClockConfig, t: number): bigint {
  return timekeeperRead(s.host.mono, hostTscAt(cfg, 0, t));
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
  const monoAtT = (t: number): bigint => timekeeperRead(mono, hostTscAt(cfg, 0, t));
  if (monoAtT(now) >= target) return now;
  // MONOTONIC is nondecreasing from now on (the TSC only grows past cycle_last), so a guess t
  // with mono(t - 1) < target <= mono(t) is the instant the search below would find, provided
  // its doubling would reach t within bounds. The guess inverts the two formulas; the search
  // stays for whatever the guess misses.
  const guess = monoReachesAtGuess(mono, cfg, target);
  if (
    guess > now &&
    now + 2 * (guess - now) <= Number.MAX_SAFE_INTEGER / 4 &&
    monoAtT(guess) >= target &&
    monoAtT(guess - 1) < target
  )
    return guess;
  let lo = now; // mono(lo) < target
  let hi = now + 1;
  while (monoAtT(hi) < target) {
    lo = hi;
    hi = now + (hi - now) * 2;
    if (hi > Number.MAX_SAFE_INTEGER / 4) return Infinity;
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
 * cycle_last) and hostTscAt (first instant pCPU 0's TSC reaches them), ignoring the u64 wrap:
 * only a guess, which monoReachesAt checks. -1 when the guess is not a safe integer.
 */
function monoReachesAtGuess(mono: TkClock, cfg: ClockConfig, target: bigint): number {
  const p0 = cfg.pcpus[0]!;
  const shifted = ((target - mono.base) << BigInt(mono.shift)) - mono.xtimeNsec;
  const mult = BigInt(mono.mult);
  const delta = shifted <= 0n ? 0n : (shifted + mult - 1n) / mult;
  const cycles = mono.cycleLast + delta - p0.tscOffset;
  if (cycles <= 0n) return -1;
  const t = (cycles * NS_PER_SEC + p0.tscHz - 1n) / p0.tscHz;
  return t > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(t);
}

/** The first real instant at which `vcpu`'s guest TSC reaches `deadline`, on the pCPU it is on now. */
export function guestTscReachesAt(
  s: ClockState,
  cfg: ClockConfig,
  vcpu: number,
  deadline: bigint,
): number {
  const v = s.vcpus[vcpu]!;
  const p = cfg.pcpus[v.pcpu]!;
  const cycles = deadline - v.tscOffset - p.tscOffset; // host TSC value to reach
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
 * kvm_get_time_scale for the guest's TSC rate, worked out once per configuration: it is a loop of
 * bigint shifts, and every page write needs it.
 */
const timeScales = new WeakMap<ClockConfig, TimeScale>();
function guestTimeScale(cfg: ClockConfig): TimeScale {
  let scale = timeScales.get(cfg);
  if (scale === undefined) {
    scale = kvmGetTimeScale(NS_PER_SEC, cfg.tscKhz * 1000n);
    timeScales.set(cfg, scale);
  }
  return scale;
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
  const { shift, mul } = guestTimeScale(cfg);
  const flags = cfg.stableBit ? PVCLOCK_TSC_STABLE_BIT : 0;
  return pvtiPage(version, u64(hostTsc + v.tscOffset), kernelNs, mul, shift, flags);
}
