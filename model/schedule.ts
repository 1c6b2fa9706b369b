/**
 * When time may advance to. Some events happen at a definite instant (an hrtimer's expiry, a host
 * tick, the clockevent of an idle CPU, a periodic masterclock update): time may stop there but never
 * pass one that is due without it happening. Between them, time may advance by the configured gaps,
 * so that other events can happen at intermediate instants.
 */
import type { ClockConfig } from './config.ts';
import type { ClockState } from './state.ts';

export interface Schedule {
  /** Time may not advance past this instant (the horizon, or the earliest event not yet handled). */
  readonly limit: number;
  /** Instants of scheduled events after now, up to the limit. */
  readonly instants: readonly number[];
}

export function schedule(s: ClockState, cfg: ClockConfig): Schedule {
  const pending = scheduledEvents(s, cfg).filter((t) => t >= s.now);
  const limit = Math.min(cfg.horizonNs, ...pending);
  return { limit, instants: pending.filter((t) => t > s.now && t <= limit) };
}

/** The instants of the events the state has scheduled (extended as transitions add them). */
function scheduledEvents(_s: ClockState, _cfg: ClockConfig): number[] {
  return [];
}

/** The instants time may advance to from `s`, ascending and distinct. */
export function advanceTargets(s: ClockState, cfg: ClockConfig): number[] {
  const { limit, instants } = schedule(s, cfg);
  const targets = new Set<number>(instants);
  for (const gap of cfg.gapsNs) if (s.now + gap <= limit) targets.add(s.now + gap);
  return [...targets].sort((a, b) => a - b);
}
