/**
 * A fix that holds: the arm64 fix for tsc-deadline-ntp (tglx's option 2), written as a user's
 * variant file. When the host hrtimer fires and the guest TSC is still short of the deadline
 * (NTP sped CLOCK_MONOTONIC up after the timer was armed), re-arm the hrtimer for the time left,
 * converted now; only when no whole nanosecond is left, latch the interrupt.
 *
 * It starts from the scenario's baseline, recheck-and-block (arm64 before 2016), and replaces only
 * the hrtimer callback: the woken vCPU still re-checks the deadline before running.
 *
 *     npx clockcheck verify-fix tsc-deadline-ntp --variant-file examples/rearm-remaining.ts
 */
import { armForRemaining, defineVariant, disarm, latchPending } from 'clockcheck';

export default defineVariant({
  scenario: 'tsc-deadline-ntp',
  name: 'rearm-remaining-user',
  description:
    'on expiry, if the guest TSC is short of the deadline, re-arm for the time left, converted now',
  policies: {
    hrtimerExpiry: (d, cfg, vcpu) => {
      disarm(d, vcpu);
      // armForRemaining reads the guest TSC now and converts what is left with the lapic's
      // formula; false when the deadline has passed (or less than 1 ns is left).
      if (!armForRemaining(d, cfg, vcpu)) latchPending(d, vcpu);
    },
  },
});
