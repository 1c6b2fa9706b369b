/**
 * ntpMultChange: NTP (or PTP, PPS) asks for a different rate of CLOCK_MONOTONIC (adjtimex; the
 * kernel turns it into a mult correction in timekeeping_adjust). The request only takes effect at
 * the next timekeeping update, which an all-idle (NOHZ) system does not run.
 *
 * Enabled: while the scenario allows more changes and none is pending; one action per configured
 * adjustment (in mult units, e.g. +500 ppm of mult to speed MONOTONIC up).
 * Changes: the pending adjustment and the count of changes.
 */
import type { Transition } from '../transition.ts';

export const ntpMultChange: Transition<'ntpMultChange'> = {
  kind: 'ntpMultChange',
  enabled: (s, cfg) =>
    s.host.ntpChanges < cfg.limits.ntpChanges && s.host.ntpPendingAdj === 0
      ? cfg.ntpAdjs.map((adj) => ({ kind: 'ntpMultChange' as const, adj }))
      : [],
  apply: (d, { adj }) => {
    d.host.ntpPendingAdj = adj;
    d.host.ntpChanges++;
  },
};
