/**
 * A plausible-looking fix that does not hold. Like the arm64 fix, it re-arms the hrtimer when it
 * fired before the deadline, but it decides "before the deadline" and "how long is left" in
 * CLOCK_MONOTONIC nanoseconds, against the target the deadline was converted to when the timer was
 * armed (the way lapic.c keeps a timer's target_expiration), instead of reading the guest TSC.
 *
 * That target was computed with the timekeeper's mult at arming time. When NTP then speeds
 * MONOTONIC up, the stale target is reached early; the hrtimer core never runs a callback before
 * its expiry, so at the callback MONOTONIC is always past the target, "time left" is never
 * positive, nothing is re-armed, and the baseline's lost timer is back:
 *
 *     npx clockcheck verify-fix tsc-deadline-ntp --variant-file examples/rearm-stale-target.ts
 *
 * The counterexample the tool finds is rearm-stale-target.no-lost-timer.itf.json beside this file.
 */
import { defineVariant, disarm, kick, monoNow } from 'clockcheck';

export default defineVariant({
  scenario: 'tsc-deadline-ntp',
  name: 'rearm-stale-target',
  description:
    're-arm for the MONOTONIC time left until the target converted at arming (the stale mult)',
  policies: {
    hrtimerExpiry: (d, cfg, vcpu) => {
      const timer = d.vcpus[vcpu]!.timer;
      disarm(d, vcpu);
      const left = timer.hrtimer.expires - monoNow(d, cfg);
      if (left > 0n) {
        timer.hrtimer = { armed: true, ...cfg.policies.timerClock(d, cfg, left) };
        return;
      }
      // The deadline has passed, as far as MONOTONIC can tell: wake the vCPU to take it.
      kick(d, vcpu);
    },
  },
});
