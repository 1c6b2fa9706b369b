/**
 * timeAdvance: real time moves forward, and with it every TSC (each pCPU's counter is a function
 * of real time and its rate).
 *
 * Enabled: for each instant from advanceTargets (the next scheduled event, or now plus one of the
 * configured gaps), never past the horizon and never past a scheduled event that is due.
 * Changes: `now`. Abstracts: the passage of time itself (the TSC ticking).
 */
import type { ActionOf } from '../actions.ts';
import { NO_ACTIONS } from '../sharedActions.ts';
import type { Transition } from '../transition.ts';
import { advanceTargets } from '../schedule.ts';

export const timeAdvance: Transition<'timeAdvance'> = {
  kind: 'timeAdvance',
  enabled: (s, cfg) => {
    const targets = advanceTargets(s, cfg);
    if (targets.length === 0) return NO_ACTIONS;
    const actions: ActionOf<'timeAdvance'>[] = [];
    for (let i = 0; i < targets.length; i++) actions.push({ kind: 'timeAdvance', to: targets[i]! });
    return actions;
  },
  apply: (d, { to }) => {
    d.now = to;
  },
};
