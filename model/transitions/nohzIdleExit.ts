/**
 * nohzIdleExit: an idle pCPU has work again (a vCPU thread on it was woken) and leaves NOHZ idle,
 * restarting its tick and catching up on timekeeping (tick_nohz_idle_exit →
 * tick_do_update_jiffies64 → update_wall_time), which applies a pending NTP change.
 *
 * Enabled: for an idle pCPU with a vCPU on it that is kicked or not halted (and not paused).
 * Changes: the pCPU's idle flag and wake-up instant; the host timekeeping update (hostTimekeeping.ts).
 */
import { runTimekeepingUpdate } from '../hostTimekeeping.ts';
import type { Transition } from '../transition.ts';

export const nohzIdleExit: Transition<'nohzIdleExit'> = {
  kind: 'nohzIdleExit',
  enabled: (s) =>
    s.pcpus.flatMap((p, pcpu) => {
      if (!p.idle) return [];
      const work = s.vcpus.some((v) => v.pcpu === pcpu && !v.paused && (v.kicked || !v.halted));
      return work ? [{ kind: 'nohzIdleExit' as const, pcpu }] : [];
    }),
  apply: (d, { pcpu }, cfg, s) => {
    const p = d.pcpus[pcpu]!;
    p.idle = false;
    p.wakeAt = -1;
    runTimekeepingUpdate(d, s, cfg);
  },
};
