/**
 * The model's step function: the enabled actions of a state, and the successor under one of them.
 * Dispatch is an exhaustive match on the action's kind, so adding an action kind without its
 * transition does not compile.
 */
import { Immer } from 'immer';
import { match } from 'ts-pattern';
import { countingTscReads } from './causalTime.ts';
import { ACTION_KINDS, type ActionKind, type ClockAction } from './actions.ts';
import type { ClockConfig } from './config.ts';
import type { ClockState } from './state.ts';
import type { ClockDraft } from './transition.ts';
import { TRANSITIONS } from './transitions/index.ts';

/**
 * The model's own immer instance, configured for speed: states are never mutated by anyone (the
 * explorer and replay only read them), so immer's deep freeze of every new state is pure cost; a
 * state's own properties are plain data, so copies need not preserve property descriptors.
 */
const immer = new Immer({ autoFreeze: false, useStrictShallowCopy: false });
immer.setUseStrictIteration(false);

export function enabledActions(s: ClockState, cfg: ClockConfig): ClockAction[] {
  // Gathered first and copied into a list of the exact length: a list grown by push from empty
  // reserves seventeen slots, and the explorer asks for the actions of every state it expands.
  const kinds = kindsOf(cfg);
  const lists = enabledLists;
  let total = 0;
  for (let k = 0; k < kinds.length; k++) {
    const enabled = TRANSITIONS[kinds[k]!].enabled(s, cfg);
    lists[k] = enabled;
    total += enabled.length;
  }
  const actions = new Array<ClockAction>(total);
  let at = 0;
  for (let k = 0; k < kinds.length; k++) {
    const enabled = lists[k]!;
    lists[k] = undefined;
    for (let i = 0; i < enabled.length; i++) actions[at++] = enabled[i]!;
  }
  return actions;
}

/** enabledActions' scratch list of each kind's enabled actions (emptied after each use). */
const enabledLists: (readonly ClockAction[] | undefined)[] = new Array<undefined>(
  ACTION_KINDS.length,
).fill(undefined);

export function nextState(s: ClockState, action: ClockAction, cfg: ClockConfig): ClockState {
  const apply = applierOf(action);
  return immer.produce(s, (d) => {
    const lead = countingTscReads(s, () => apply(d, action, cfg, s));
    if (lead !== s.tscLead) d.tscLead = lead;
  });
}

/** The action kinds a configuration has, in ACTION_KINDS order (worked out once per configuration). */
const kindsCache = new WeakMap<ClockConfig, readonly ActionKind[]>();
let lastConfig: ClockConfig | undefined;
let lastKinds: readonly ActionKind[] = [];
function kindsOf(cfg: ClockConfig): readonly ActionKind[] {
  if (cfg === lastConfig) return lastKinds;
  let kinds = kindsCache.get(cfg);
  if (kinds === undefined) {
    kinds = ACTION_KINDS.filter((kind) => cfg.transitions.has(kind));
    kindsCache.set(cfg, kinds);
  }
  lastConfig = cfg;
  lastKinds = kinds;
  return kinds;
}

type Apply = (d: ClockDraft, action: ClockAction, cfg: ClockConfig, s: ClockState) => void;

/**
 * The transition that applies an action, chosen by the exhaustive match below once per action
 * kind and remembered: the match builds a chain of matcher objects on every call (0.5 to 4.6 µs
 * per dispatch on the bench machine, more than most transitions cost).
 */
const appliers = new Map<ActionKind, Apply>();
function applierOf(action: ClockAction): Apply {
  let apply = appliers.get(action.kind);
  if (apply === undefined) {
    apply = applierFor(action);
    appliers.set(action.kind, apply);
  }
  return apply;
}

function applierFor(action: ClockAction): Apply {
  const transition = match(action)
    .with({ kind: 'timeAdvance' }, () => TRANSITIONS.timeAdvance)
    .with({ kind: 'hostTimekeepingUpdate' }, () => TRANSITIONS.hostTimekeepingUpdate)
    .with({ kind: 'ntpMultChange' }, () => TRANSITIONS.ntpMultChange)
    .with({ kind: 'nohzIdleEnter' }, () => TRANSITIONS.nohzIdleEnter)
    .with({ kind: 'nohzIdleExit' }, () => TRANSITIONS.nohzIdleExit)
    .with({ kind: 'masterclockUpdate' }, () => TRANSITIONS.masterclockUpdate)
    .with({ kind: 'pvclockWrite' }, () => TRANSITIONS.pvclockWrite)
    .with({ kind: 'guestRead' }, () => TRANSITIONS.guestRead)
    .with({ kind: 'guestCounterRead' }, () => TRANSITIONS.guestCounterRead)
    .with({ kind: 'vcpuMigrate' }, () => TRANSITIONS.vcpuMigrate)
    .with({ kind: 'taskMigrate' }, () => TRANSITIONS.taskMigrate)
    .with({ kind: 'timerProgram' }, () => TRANSITIONS.timerProgram)
    .with({ kind: 'hrtimerExpire' }, () => TRANSITIONS.hrtimerExpire)
    .with({ kind: 'vcpuBlock' }, () => TRANSITIONS.vcpuBlock)
    .with({ kind: 'vcpuWakeCheck' }, () => TRANSITIONS.vcpuWakeCheck)
    .with({ kind: 'timerInject' }, () => TRANSITIONS.timerInject)
    .with({ kind: 'counterRestore' }, () => TRANSITIONS.counterRestore)
    .with({ kind: 'vmPause' }, () => TRANSITIONS.vmPause)
    .with({ kind: 'kvmGetClock' }, () => TRANSITIONS.kvmGetClock)
    .with({ kind: 'kvmSetClock' }, () => TRANSITIONS.kvmSetClock)
    .with({ kind: 'tscRestore' }, () => TRANSITIONS.tscRestore)
    .with({ kind: 'vcpuResume' }, () => TRANSITIONS.vcpuResume)
    .exhaustive();
  // Remembered under the kind just matched, so it is only ever handed actions of that kind.
  return transition.apply as Apply;
}
