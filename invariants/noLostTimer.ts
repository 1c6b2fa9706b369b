/**
 * no-lost-timer: every guest timer whose deadline falls at least `latenessBound` before the
 * horizon is delivered by the horizon, on every path. A bounded-response property, checked on the
 * terminal states of the finite graph (where nothing can happen any more): assuming the system
 * does not idle forever at one instant, every path ends in one of them.
 */
import { defineInvariant } from './invariant.ts';

export const noLostTimer = defineInvariant({
  name: 'no-lost-timer',
  meaning:
    'every timer whose deadline is latenessBound before the horizon is delivered by the horizon',
  when: 'terminal',
  symmetric: true,
  check: (s, cfg) => {
    for (const [i, v] of s.vcpus.entries()) {
      const t = v.timer;
      if (!t.programmed || t.delivered || t.deadlineAt > cfg.horizonNs - cfg.latenessBoundNs)
        continue;
      const why =
        v.halted && !t.hrtimer.armed && !t.pending
          ? ': it is halted with nothing armed to wake it'
          : '';
      return (
        `vCPU${i}'s timer (deadline TSC ${t.deadline}, reached at t=${t.deadlineAt}ns) was never delivered ` +
        `by t=${s.now}ns${why}`
      );
    }
    return undefined;
  },
});
