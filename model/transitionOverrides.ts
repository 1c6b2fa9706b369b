/**
 * The step function when a variant replaces whole transitions (ClockConfig.transitionOverrides):
 * the same as next.ts, except that a replaced kind's enabled actions and successor come from its
 * replacement. Kept apart from next.ts so that the built-in variants' hot path is untouched.
 */
import { produce } from 'immer';
import { countingTscReads } from './causalTime.ts';
import { ACTION_KINDS, type ActionKind, type ClockAction } from './actions.ts';
import type { ClockConfig } from './config.ts';
import { enabledActions, nextState } from './next.ts';
import type { ClockState } from './state.ts';
import type { Transition, TransitionOverrides } from './transition.ts';
import { TRANSITIONS } from './transitions/index.ts';

function transitionFor(overrides: TransitionOverrides, kind: ActionKind): Transition<ActionKind> {
  // A replacement is stored under its own kind, so it handles exactly the actions of that kind.
  return (overrides[kind] ?? TRANSITIONS[kind]) as unknown as Transition<ActionKind>;
}

export function enabledActionsWith(s: ClockState, cfg: ClockConfig): ClockAction[] {
  const overrides = cfg.transitionOverrides;
  if (overrides === undefined) return enabledActions(s, cfg);
  const actions: ClockAction[] = [];
  for (const kind of ACTION_KINDS) {
    if (cfg.transitions.has(kind)) actions.push(...transitionFor(overrides, kind).enabled(s, cfg));
  }
  return actions;
}

export function nextStateWith(s: ClockState, action: ClockAction, cfg: ClockConfig): ClockState {
  const replaced = cfg.transitionOverrides?.[action.kind];
  if (replaced === undefined) return nextState(s, action, cfg);
  const transition = replaced as unknown as Transition<ActionKind>;
  return produce(s, (d) => {
    const lead = countingTscReads(s, () => transition.apply(d, action, cfg, s));
    if (lead !== s.tscLead) d.tscLead = lead;
  });
}
