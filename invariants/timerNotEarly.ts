/**
 * timer-not-early: when the guest timer interrupt is delivered, the guest's TSC is at or past the
 * deadline it programmed. A warning-level property: guests tolerate early interrupts (tglx), and
 * some fixes accept them on purpose.
 */
import { defineInvariant } from './invariant.ts';

const cycles = (n: bigint): string => (n === 1n ? '1 cycle' : `${n} cycles`);

export const timerNotEarly = defineInvariant({
  name: 'timer-not-early',
  meaning: "the timer interrupt arrives when the guest's TSC is >= the deadline (warning level)",
  when: 'always',
  symmetric: true,
  check: (s) => {
    for (const [i, v] of s.vcpus.entries()) {
      const t = v.timer;
      if (t.delivered && t.deliveredTsc < t.deadline) {
        return `vCPU${i}'s timer interrupt arrived at guest TSC ${t.deliveredTsc} (t=${t.deliveredAt}ns), ${cycles(t.deadline - t.deliveredTsc)} before its deadline ${t.deadline}`;
      }
    }
    return undefined;
  },
});
