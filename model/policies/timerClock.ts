/**
 * Which clock the host hrtimer emulating a guest TSC deadline runs on (start_sw_tscdeadline in
 * arch/x86/kvm/lapic.c arms it on CLOCK_MONOTONIC). Given the nanoseconds left, returns the
 * hrtimer's clock, its expiry in that clock, and the MONOTONIC time it is queued for.
 *
 * - `mono`: today: expiry = MONOTONIC now + ns. NTP changes of MONOTONIC's rate after arming move
 *   the expiry against the guest TSC.
 * - `raw-correlated`: tglx's option 1: expiry = MONOTONIC_RAW now + ns, queued at the MONOTONIC time
 *   that conversion maps it to now; re-mapped at every tick, but not during a NOHZ idle sleep.
 */
import { monoNow, rawNow, rawToMono } from '../clocks.ts';
import type { ClockConfig } from '../config.ts';
import type { ClockState, HostHrtimer } from '../state.ts';

export type TimerClockPolicy = (
  s: ClockState,
  cfg: ClockConfig,
  ns: bigint,
) => Omit<HostHrtimer, 'armed'>;

export const timerClockPolicies = {
  mono: (s, cfg, ns) => {
    const expires = monoNow(s, cfg) + ns;
    return { clock: 'mono', expires, queuedMono: expires };
  },
  'raw-correlated': (s, cfg, ns) => {
    const expires = rawNow(s, cfg) + ns;
    return { clock: 'raw', expires, queuedMono: rawToMono(s, expires) };
  },
} satisfies Record<string, TimerClockPolicy>;
