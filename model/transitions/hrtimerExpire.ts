/**
 * hrtimerExpire: the host takes the hrtimer interrupt for a vCPU's timer (__hrtimer_run_queues in
 * kernel/time/hrtimer.c). The timer sits in the MONOTONIC queue at `queuedMono`; it runs when
 * MONOTONIC has reached that and, for a raw timer, MONOTONIC_RAW has reached its expiry (an hrtimer
 * never runs before its expiry in its own clock). Otherwise: an idle pCPU woken by a clockevent
 * programmed before NTP slowed MONOTONIC reprograms it; a raw timer whose stale mapping came due
 * early is re-mapped with today's conversion. When it runs, the callback is the hrtimerExpiry policy.
 *
 * Enabled: for an armed hrtimer whose queued MONOTONIC time has come, on a busy pCPU; on an idle
 * pCPU only once its clockevent fires.
 * Changes: the vCPU's timer (through the policy), the idle pCPU's next wake-up instant.
 */
import type { ActionOf } from '../actions.ts';
import { monoNow, rawNow, rawToMono } from '../clocks.ts';
import { clockeventInstant } from '../timers.ts';
import type { Transition } from '../transition.ts';

export const hrtimerExpire: Transition<'hrtimerExpire'> = {
  kind: 'hrtimerExpire',
  enabled: (s, cfg) => {
    const actions: ActionOf<'hrtimerExpire'>[] = [];
    s.vcpus.forEach((v, vcpu) => {
      const t = v.timer.hrtimer;
      if (!t.armed) return;
      const pcpu = s.pcpus[v.pcpu]!;
      const interrupt = pcpu.idle
        ? pcpu.wakeAt >= 0 && s.now >= pcpu.wakeAt
        : monoNow(s, cfg) >= t.queuedMono;
      if (interrupt) actions.push({ kind: 'hrtimerExpire', vcpu });
    });
    return actions;
  },
  apply: (d, { vcpu }, cfg, s) => {
    // The clocks are read from `s` (nothing is written before they are read): through the draft
    // every read of the timekeeper and the vCPU would cost a proxy.
    const t = s.vcpus[vcpu]!.timer.hrtimer;
    const mono = monoNow(s, cfg);
    const ownClock = t.clock === 'mono' ? mono : rawNow(s, cfg);
    if (mono >= t.queuedMono && ownClock >= t.expires) {
      cfg.policies.hrtimerExpiry(d, cfg, vcpu);
    } else if (mono >= t.queuedMono && t.clock === 'raw') {
      // Re-map with today's conversion; the clockevent cannot be programmed less than 1 ns ahead.
      const mapped = rawToMono(s, t.expires);
      d.vcpus[vcpu]!.timer.hrtimer.queuedMono = mapped > mono ? mapped : mono + 1n;
    }
    const v = d.vcpus[vcpu]!;
    const pcpu = d.pcpus[v.pcpu]!;
    if (pcpu.idle) pcpu.wakeAt = clockeventInstant(d, cfg, v.pcpu);
  },
};
