/**
 * kvmclock-step: no single pvclock page update steps guest time by more than `stepBound` ns, in
 * either direction (kvmclock from the new page minus kvmclock from the old one, at one instant).
 */
import { defineInvariant } from './invariant.ts';

export const kvmclockStep = defineInvariant({
  name: 'kvmclock-step',
  meaning: 'no pvclock update steps guest time by more than stepBound ns',
  when: 'always',
  symmetric: true,
  check: (s, cfg) => {
    for (const [i, v] of s.vcpus.entries()) {
      const step = v.lastClockStep;
      if (step > cfg.stepBoundNs || -step > cfg.stepBoundNs) {
        return `the last rewrite of vCPU${i}'s pvclock page stepped kvmclock ${step < 0n ? 'back' : 'forward'} by ${step < 0n ? -step : step} ns (bound ${cfg.stepBoundNs} ns)`;
      }
    }
    return undefined;
  },
});
