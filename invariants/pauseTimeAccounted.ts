/**
 * pause-time-accounted: after a live migration, kvmclock on every vCPU that runs is within
 * `driftBound` ns of the kvmclock the VM would read had it never stopped (the kvmclock base plus
 * the kvmclock_offset it had before its first migration): the time it was paused is not lost, and
 * no restore put it ahead. Checked once the migration's KVM_SET_CLOCK is done, on vCPUs that run
 * guest code with their page up to date (a paused vCPU, one with an update pending or a page write
 * under way reads nothing).
 */
import { kvmclockOn, rawNow } from '../model/clocks.ts';
import { defineInvariant } from './invariant.ts';

export const pauseTimeAccounted = defineInvariant({
  name: 'pause-time-accounted',
  meaning:
    'after a live migration, kvmclock stays within driftBound ns of the kvmclock of a VM that never stopped',
  when: 'always',
  symmetric: true,
  check: (s, cfg) => {
    if (s.vmm.migrations === 0 || !s.vmm.clockSet) return undefined;
    const reference = rawNow(s, cfg) + s.vmm.referenceKvmclockOffset;
    for (let i = 0; i < s.vcpus.length; i++) {
      const v = s.vcpus[i]!;
      if (v.paused || v.clockUpdateRequested || v.pvtiWrite.active) continue;
      const gap = kvmclockOn(s, cfg, i) - reference;
      const size = gap < 0n ? -gap : gap;
      if (size > cfg.driftBoundNs) {
        return `after migration ${s.vmm.migrations}, kvmclock on vCPU${i} is ${size} ns ${gap < 0n ? 'behind' : 'ahead of'} that of a VM that never stopped at t=${s.now}ns (bound ${cfg.driftBoundNs} ns)`;
      }
    }
    return undefined;
  },
});
