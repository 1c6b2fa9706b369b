/**
 * host-monotonic: host CLOCK_MONOTONIC and MONOTONIC_RAW never go backwards. Between updates both
 * are non-decreasing functions of the TSC; what can break them is an update (accumulation, an NTP
 * change of mult), so each update records both clocks just before and just after, at the same
 * TSC value, and they must not decrease.
 */
import { defineInvariant } from './invariant.ts';

export const hostMonotonic = defineInvariant({
  name: 'host-monotonic',
  meaning: 'host CLOCK_MONOTONIC and MONOTONIC_RAW never go backwards, across NTP mult changes too',
  when: 'always',
  symmetric: true,
  check: (s) => {
    const u = s.host.lastUpdate;
    if (u.monoAfter < u.monoBefore) {
      return `CLOCK_MONOTONIC went from ${u.monoBefore} to ${u.monoAfter} ns at the update at t=${s.host.lastUpdateAt}ns (mult ${s.host.mono.mult}): back ${u.monoBefore - u.monoAfter} ns`;
    }
    if (u.rawAfter < u.rawBefore) {
      return `CLOCK_MONOTONIC_RAW went from ${u.rawBefore} to ${u.rawAfter} ns at the update at t=${s.host.lastUpdateAt}ns: back ${u.rawBefore - u.rawAfter} ns`;
    }
    return undefined;
  },
});
