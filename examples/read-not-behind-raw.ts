// An invariant of your own, checked on a built-in scenario: no guest read of kvmclock lags the
// host's CLOCK_MONOTONIC_RAW (kvmclock's base) by more than 50 ns. unsynced-tsc's host clocksource
// is pCPU0's TSC, the fast one, so RAW runs fast with it; reads on vCPU1 fall behind it, and even
// the last_value clamp cannot bring them back up.
import { defineInvariant, defineVariant, rawNow } from 'clockcheck';

const LAG_NS = 50n;

export const readNotBehindRaw = defineInvariant({
  name: 'read-not-behind-raw',
  meaning: `no read returns more than ${LAG_NS} ns less than MONOTONIC_RAW at that instant`,
  when: 'always',
  // It looks at every task alike, so symmetry reduction may stay on.
  symmetric: true,
  check: (s, cfg) => {
    const raw = rawNow(s, cfg);
    for (const [i, t] of s.tasks.entries()) {
      const r = t.lastRead;
      // Only a read completed at this instant: RAW has moved on since older ones.
      if (r.valid && r.at === s.now && raw - r.value > LAG_NS)
        return `task ${i} read ${r.value} on vCPU${r.vcpu} at t=${r.at}ns while MONOTONIC_RAW was ${raw}: ${raw - r.value} ns behind`;
    }
    return undefined;
  },
});

export default defineVariant({
  scenario: 'unsynced-tsc',
  name: 'clamp-vs-raw',
  description: 'the last_value clamp, also held to reads that keep up with MONOTONIC_RAW',
  base: 'global-clamp',
  invariants: [readNotBehindRaw],
  expected: { 'guest-monotonic': 'holds', 'read-not-behind-raw': 'violated' },
});
