/**
 * nohzIdleEnter: a pCPU with nothing to run stops its tick and programs its clockevent device for
 * its earliest hrtimer (tick_nohz_idle_stop_tick, kernel/time/tick-sched.c). The wake-up instant is
 * computed with the MONOTONIC conversion in force now; an NTP change applied meanwhile by another
 * CPU does not move it.
 *
 * Enabled: for a busy pCPU that is not one of the scenario's always-busy pCPUs and whose vCPUs are
 * all halted with nothing to wake them, or paused by the VMM.
 * Changes: the pCPU's idle flag and wake-up instant (-1 with no hrtimer armed).
 */
import { clockeventInstant } from '../timers.ts';
import type { Transition } from '../transition.ts';

export const nohzIdleEnter: Transition<'nohzIdleEnter'> = {
  kind: 'nohzIdleEnter',
  enabled: (s, cfg) =>
    s.pcpus.flatMap((p, pcpu) => {
      if (p.idle || cfg.busyPcpus.includes(pcpu)) return [];
      const quiet = s.vcpus.every((v) => v.pcpu !== pcpu || v.paused || (v.halted && !v.kicked));
      return quiet ? [{ kind: 'nohzIdleEnter' as const, pcpu }] : [];
    }),
  apply: (d, { pcpu }, cfg, s) => {
    const p = d.pcpus[pcpu]!;
    p.idle = true;
    // From `s`: the clockevent depends on the vCPUs' hrtimers and the timekeeper, which this step
    // leaves alone, and reading them through the draft costs a proxy at every step of the search.
    p.wakeAt = clockeventInstant(s, cfg, pcpu);
  },
};
