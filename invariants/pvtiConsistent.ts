/**
 * pvti-consistent: a read that passes its checks returns a value a whole page gives. A read that
 * took its fields in the middle of a host page write (some fields new, some old) may still return
 * the right value, when the fields it mixed agree for the TSC it used (a masterclock update at a
 * rate where the old and new page give the same time, say); it is violated only when the value is
 * one neither the page before that write nor the page it was writing gives for that TSC. The read
 * keeps the TSC and the write's two pages while it is under way (ReadProgress.overlapOld,
 * overlapNew, set by model/transitions/guestRead.ts) and its record says whether the value was
 * such a mix (ReadRecord.torn).
 */
import { defineInvariant } from './invariant.ts';

export const pvtiConsistent = defineInvariant({
  name: 'pvti-consistent',
  meaning:
    'a read that passes its checks returns what the old or the new page gives for its TSC, even if it read a half-written page',
  when: 'always',
  symmetric: true,
  check: (s) => {
    for (const [i, t] of s.tasks.entries()) {
      const r = t.lastRead;
      if (r.valid && r.torn) {
        return `task ${i}'s read at t=${r.at}ns took its fields from a half-written page and returned ${r.value}, which neither the old page nor the new one gives for the TSC it read`;
      }
    }
    return undefined;
  },
});
