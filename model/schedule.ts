/**
 * When time may advance to. Some events happen at a definite instant (an hrtimer's expiry, a host
 * tick, the clockevent of an idle CPU, a periodic masterclock update): time may stop there but never
 * pass one that is due without it happening. Between them, time may advance by the configured gaps,
 * so that other events can happen at intermediate instants.
 */
import { monoReachesAt } from './clocks.ts';
import type { ClockConfig } from './config.ts';
import type { ClockState } from './state.ts';

export interface Schedule {
  /** Time may not advance past this instant (the horizon, or the earliest event not yet handled). */
  readonly limit: number;
  /** Instants of scheduled events after now, up to the limit. */
  readonly instants: readonly number[];
}

export function schedule(s: ClockState, cfg: ClockConfig): Schedule {
  const { limit, instants } = scheduleOf(s, cfg);
  return { limit, instants };
}

/** schedule(), with the instants in an array of the caller's own. */
function scheduleOf(s: ClockState, cfg: ClockConfig): { limit: number; instants: number[] } {
  const events = scheduledEvents(s, cfg);
  let limit = cfg.horizonNs;
  for (let i = 0; i < events.length; i++) {
    const t = events[i]!;
    if (t >= s.now && t < limit) limit = t;
  }
  const instants: number[] = [];
  for (let i = 0; i < events.length; i++) {
    const t = events[i]!;
    if (t > s.now && t <= limit) instants.push(t);
  }
  return { limit, instants };
}

/** The next multiple of `period` from now, or now itself if an event due now has not happened. */
function nextPeriodic(now: number, period: number, lastAt: number): number {
  return now % period === 0 && lastAt < now ? now : (Math.floor(now / period) + 1) * period;
}

/**
 * Which kinds of scheduled event a configuration can have at all, worked out once per
 * configuration: most scenarios have few, and asking the set of transitions for each kind on
 * every state costs more than the rest of the schedule.
 */
interface EventSources {
  readonly tick: boolean;
  readonly periodicMasterclock: boolean;
  readonly hrtimers: boolean;
  readonly counterRestore: boolean;
  readonly pvclockWrite: boolean;
  readonly wakeOrInject: boolean;
  readonly any: boolean;
}

const sourcesCache = new WeakMap<ClockConfig, EventSources>();
let lastConfig: ClockConfig | undefined;
let lastSources: EventSources | undefined;

function sourcesOf(cfg: ClockConfig): EventSources {
  if (cfg === lastConfig) return lastSources!;
  let sources = sourcesCache.get(cfg);
  if (sources === undefined) {
    const kinds = cfg.transitions;
    const tick = cfg.tickNs > 0 && kinds.has('hostTimekeepingUpdate');
    const periodicMasterclock = cfg.masterclockPeriodNs > 0 && kinds.has('masterclockUpdate');
    const hrtimers = kinds.has('hrtimerExpire');
    const counterRestore = kinds.has('counterRestore');
    const pvclockWrite = kinds.has('pvclockWrite');
    const wakeOrInject = kinds.has('vcpuWakeCheck') || kinds.has('timerInject');
    const any =
      tick || periodicMasterclock || hrtimers || counterRestore || pvclockWrite || wakeOrInject;
    sources = {
      tick,
      periodicMasterclock,
      hrtimers,
      counterRestore,
      pvclockWrite,
      wakeOrInject,
      any,
    };
    sourcesCache.set(cfg, sources);
  }
  lastConfig = cfg;
  lastSources = sources;
  return sources;
}

const NO_EVENTS: readonly number[] = Object.freeze([]);

/**
 * The instants of the events the state has scheduled. An event due now (an unhandled tick, an
 * hrtimer whose clock has reached its expiry, a woken vCPU thread that has not run yet) keeps time
 * where it is until it has happened.
 */
function scheduledEvents(s: ClockState, cfg: ClockConfig): readonly number[] {
  const sources = sourcesOf(cfg);
  if (!sources.any) return NO_EVENTS;
  const events: number[] = [];

  if (sources.tick && s.pcpus.some((p) => !p.idle)) {
    events.push(nextPeriodic(s.now, cfg.tickNs, s.host.lastUpdateAt));
  }
  if (sources.periodicMasterclock) {
    events.push(nextPeriodic(s.now, cfg.masterclockPeriodNs, s.kvm.lastMasterclockUpdateAt));
  }
  if (sources.hrtimers) {
    for (const v of s.vcpus) {
      const t = v.timer.hrtimer;
      if (!t.armed) continue;
      const pcpu = s.pcpus[v.pcpu]!;
      // An idle pCPU wakes only when its clockevent fires; a busy one takes the interrupt on time.
      events.push(pcpu.idle ? pcpu.wakeAt : monoReachesAt(s, cfg, t.queuedMono));
    }
  }
  if (sources.counterRestore && s.vcpus.some((v) => !v.counterRestored))
    events.push(cfg.restoreWindowNs);
  if (urgentWorkPending(s, sources)) events.push(s.now);
  return events;
}

/**
 * Host work that happens at once: a woken vCPU thread deciding, a pending interrupt being injected,
 * an idle pCPU waking for it, a requested page rewrite (done before the vCPU re-enters the guest).
 * A vCPU the VMM has paused does none of it until it resumes, so it does not hold time back.
 */
function urgentWorkPending(s: ClockState, sources: EventSources): boolean {
  if (sources.pvclockWrite && s.vcpus.some((v) => v.clockUpdateRequested && !v.paused)) return true;
  if (!sources.wakeOrInject) return false;
  return s.vcpus.some((v) => !v.paused && (v.kicked || (!v.halted && v.timer.pending)));
}

/** The instants time may advance to from `s`, ascending and distinct. */
export function advanceTargets(s: ClockState, cfg: ClockConfig): number[] {
  if (!sourcesOf(cfg).any && cfg.gapsNs.length === 1) {
    // Nothing scheduled, one gap (unsynced-tsc, say): the one target, if within the horizon.
    const t = s.now + cfg.gapsNs[0]!;
    return t <= cfg.horizonNs ? [t] : [];
  }
  const { limit, instants: targets } = scheduleOf(s, cfg);
  for (const gap of cfg.gapsNs) {
    const t = s.now + gap;
    if (t <= limit && !targets.includes(t)) targets.push(t);
  }
  return targets.length > 1 ? dedupedAscending(targets) : targets;
}

function dedupedAscending(xs: number[]): number[] {
  xs.sort((a, b) => a - b);
  let n = 0;
  for (let i = 0; i < xs.length; i++) if (i === 0 || xs[i] !== xs[i - 1]) xs[n++] = xs[i]!;
  xs.length = n;
  return xs;
}
