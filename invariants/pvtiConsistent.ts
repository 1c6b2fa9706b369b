/**
 * pvti-consistent: a read that passes the version check used fields that all come from one write.
 * A read records whether the page was half-written (some fields new, some old) when it read the
 * fields; a completed read must not have.
 */
import { defineInvariant } from './invariant.ts';

export const pvtiConsistent = defineInvariant({
  name: 'pvti-consistent',
  meaning: 'a read that passes the version check used fields from a single host write',
  when: 'always',
  symmetric: true,
  check: (s) => {
    for (const [i, t] of s.tasks.entries()) {
      const r = t.lastRead;
      if (r.valid && r.torn) {
        return `task ${i}'s read at t=${r.at}ns passed the version check with fields from two host writes (half-written page) and returned ${r.value}`;
      }
    }
    return undefined;
  },
});
