/**
 * cross-vcpu-order: a read that completes before another starts returns a value <= the later one,
 * whichever tasks and vCPUs did them. Each read remembers the largest value any read had returned
 * when it started; it must not return less.
 */
import { defineInvariant } from './invariant.ts';

export const crossVcpuOrder = defineInvariant({
  name: 'cross-vcpu-order',
  meaning: 'a read that completes before another starts returns a value <= the later one',
  when: 'always',
  symmetric: true,
  check: (s) => {
    for (const [i, t] of s.tasks.entries()) {
      const r = t.lastRead;
      if (r.valid && r.value < r.floorAtStart) {
        return (
          `task ${i} read ${r.value} on vCPU${r.vcpu} at t=${r.at}ns, but a read that had completed before it ` +
          `started returned ${r.floorAtStart} (${r.floorAtStart - r.value} more)`
        );
      }
    }
    return undefined;
  },
});
