/**
 * kvmclock-drift: kvmclock on every vCPU stays within `driftBound` ns of the host's
 * MONOTONIC_RAW (the clock KVM anchors it to), at every instant.
 */
import { kvmclockOn, rawNow } from '../model/clocks.ts';
import { defineInvariant } from './invariant.ts';

export const kvmclockDrift = defineInvariant({
  name: 'kvmclock-drift',
  meaning: "kvmclock stays within driftBound ns of the host's MONOTONIC_RAW",
  when: 'always',
  symmetric: true,
  check: (s, cfg) => {
    const raw = rawNow(s, cfg);
    for (let i = 0; i < s.vcpus.length; i++) {
      // A half-written page is not a clock anyone reads (a reader retries); pvti-consistent covers it.
      if (s.vcpus[i]!.pvtiWrite.active) continue;
      const drift = kvmclockOn(s, cfg, i) - raw;
      const size = drift < 0n ? -drift : drift;
      if (size > cfg.driftBoundNs) {
        return `kvmclock on vCPU${i} is ${drift > 0n ? 'ahead of' : 'behind'} MONOTONIC_RAW by ${size} ns at t=${s.now}ns (bound ${cfg.driftBoundNs} ns)`;
      }
    }
    return undefined;
  },
});
