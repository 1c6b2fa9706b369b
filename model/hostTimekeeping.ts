/**
 * The host timekeeping update (timekeeping_advance in kernel/time/timekeeping.c), shared by the
 * tick (hostTimekeepingUpdate) and NOHZ idle exit: accumulate whole tick intervals of cycles into
 * both clocks, then apply a pending NTP change of MONOTONIC's mult at the cycles not yet
 * accumulated, which keeps MONOTONIC continuous. If less than one interval has passed, nothing
 * happens (the kernel returns early), and a pending NTP change stays pending.
 */
import {
  timekeeperAccumulate,
  timekeeperApplyAdjustment,
  timekeeperRead,
  u64,
  type TkClock,
} from './arith/index.ts';
import { hostClocksourceCycles, rawToMono } from './clocks.ts';
import type { ClockConfig } from './config.ts';
import type { ClockState, HostClockStep, HostState } from './state.ts';
import type { ClockDraft } from './transition.ts';

/**
 * cycle_interval: one tick in cycles at the clocksource's own mult, rounded to nearest
 * (tk_setup_internals). Without ticks in the model, a single cycle: everything is accumulated.
 */
export function cycleInterval(raw: TkClock, tickNs: number): bigint {
  if (tickNs <= 0) return 1n;
  const mult = BigInt(raw.mult);
  return ((BigInt(tickNs) << BigInt(raw.shift)) + mult / 2n) / mult;
}

/**
 * Runs the update on `d`, a draft of `s`. The host is read from `s` (no caller changes it before
 * the update) and assigned as one new record at the draft's root: field writes through `d.host`
 * would cost immer a proxy per clock touched.
 */
export function runTimekeepingUpdate(d: ClockDraft, s: ClockState, cfg: ClockConfig): void {
  const host = s.host;
  const cycles = hostClocksourceCycles(s, cfg);
  const monoBefore = timekeeperRead(host.mono, cycles);
  const rawBefore = timekeeperRead(host.raw, cycles);
  const interval = cycleInterval(host.raw, cfg.tickNs);
  if (u64(cycles - host.mono.cycleLast) < interval) {
    d.host = hostState(host.mono, host.raw, host.ntpPendingAdj, host, s.now, host.lastUpdate);
    return;
  }

  const raw = timekeeperAccumulate(host.raw, cycles, interval);
  let mono = timekeeperAccumulate(host.mono, cycles, interval);
  if (host.ntpPendingAdj !== 0)
    mono = timekeeperApplyAdjustment(mono, host.ntpPendingAdj, u64(cycles - mono.cycleLast));
  d.host = hostState(mono, raw, 0, host, s.now, {
    monoBefore,
    monoAfter: timekeeperRead(mono, cycles),
    rawBefore,
    rawAfter: timekeeperRead(raw, cycles),
  });
  remapRawTimers(d);
}

/** A host record, field by field (one shape for every host record; see setTask in guestReads.ts). */
function hostState(
  mono: TkClock,
  raw: TkClock,
  ntpPendingAdj: number,
  before: HostState,
  lastUpdateAt: number,
  lastUpdate: HostClockStep,
): HostState {
  return {
    mono,
    raw,
    ntpPendingAdj,
    ntpChanges: before.ntpChanges,
    lastUpdateAt,
    lastUpdate,
    clocksourcePcpu: before.clocksourcePcpu,
  };
}

/** At a tick, a busy pCPU re-maps its MONOTONIC_RAW hrtimers with the new conversion; an idle one cannot. */
function remapRawTimers(d: ClockDraft): void {
  for (const v of d.vcpus) {
    const t = v.timer.hrtimer;
    if (t.armed && t.clock === 'raw' && !d.pcpus[v.pcpu]!.idle)
      t.queuedMono = rawToMono(d, t.expires);
  }
}
