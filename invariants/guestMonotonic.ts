/**
 * guest-monotonic: every value a guest task reads is >= the previous value that task read,
 * whichever vCPU either read ran on. Checked on the task's last two completed reads, so a single
 * backwards step is caught in the state right after the read that took it.
 */
import { defineInvariant } from './invariant.ts';

export const guestMonotonic = defineInvariant({
  name: 'guest-monotonic',
  meaning: 'every value a guest task reads is >= the previous value that task read, on any vCPU',
  when: 'always',
  symmetric: true,
  check: (s) => {
    // An index loop: tasks.entries() would allocate an iterator for every state checked.
    for (let i = 0; i < s.tasks.length; i++) {
      const { prevRead: prev, lastRead: last } = s.tasks[i]!;
      if (prev.valid && last.valid && last.value < prev.value) {
        return (
          `task ${i} read ${last.value} on vCPU${last.vcpu} at t=${last.at}ns after reading ${prev.value} ` +
          `on vCPU${prev.vcpu} at t=${prev.at}ns: time went backwards by ${prev.value - last.value} ns`
        );
      }
    }
    return undefined;
  },
});
