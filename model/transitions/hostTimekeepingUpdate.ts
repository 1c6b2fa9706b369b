/**
 * hostTimekeepingUpdate: the host tick runs the timekeeping update (update_wall_time →
 * timekeeping_advance, kernel/time/timekeeping.c; see hostTimekeeping.ts).
 *
 * Enabled: at a tick instant (a multiple of the tick period) not yet handled, while some pCPU is
 * busy to take the tick (NOHZ idle pCPUs do not).
 * Changes: both host clocks (accumulated), MONOTONIC's mult when an NTP change is pending, the
 * record of the clocks just before and after, and the MONOTONIC mapping of raw hrtimers on busy pCPUs.
 */
import { runTimekeepingUpdate } from '../hostTimekeeping.ts';
import type { Transition } from '../transition.ts';

export const hostTimekeepingUpdate: Transition<'hostTimekeepingUpdate'> = {
  kind: 'hostTimekeepingUpdate',
  enabled: (s, cfg) =>
    cfg.tickNs > 0 &&
    s.now % cfg.tickNs === 0 &&
    s.host.lastUpdateAt < s.now &&
    s.pcpus.some((p) => !p.idle)
      ? [{ kind: 'hostTimekeepingUpdate' }]
      : [],
  apply: (d, _action, cfg, s) => runTimekeepingUpdate(d, s, cfg),
};
