/**
 * timeAdvance: real time moves forward, and with it every TSC (each pCPU's counter is a function
 * of real time and its rate).
 *
 * Enabled: for each instant from advanceTargets (the next scheduled event, or now plus one of the
 * configured gaps), never past the horizon and never past a scheduled event that is due.
 * Changes: `now`, and the causal lead (causalTime.ts): what of it the TSCs have not caught up with.
 * Abstracts: the passage of time itself (the TSC ticking).
 */
import type { ActionOf } from '../actions.ts';
import { leadAfter } from '../causalTime.ts';
import { leastTscElapsed } from '../clocks.ts';
import { NO_ACTIONS } from '../sharedActions.ts';
import type { Transition } from '../transition.ts';
import { advanceTargets } from '../schedule.ts';

export const timeAdvance: Transition<'timeAdvance'> = {
  kind: 'timeAdvance',
  enabled: (s, cfg) => {
    const targets = advanceTargets(s, cfg);
    return targets.length === 0
      ? NO_ACTIONS
      : targets.map((to): ActionOf<'timeAdvance'> => ({ kind: 'timeAdvance', to }));
  },
  apply: (d, { to }, cfg, s) => {
    d.now = to;
    if (s.tscLead !== 0) d.tscLead = leadAfter(s.tscLead, leastTscElapsed(cfg, s.now, to));
  },
};
