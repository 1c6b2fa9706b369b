/**
 * The model's step function: the enabled actions of a state, and the successor under one of them.
 * Dispatch is an exhaustive match on the action's kind, so adding an action kind without its
 * transition does not compile.
 */
import { produce } from 'immer';
import { match } from 'ts-pattern';
import { ACTION_KINDS, type ClockAction } from './actions.ts';
import type { ClockConfig } from './config.ts';
import type { ClockState } from './state.ts';
import { TRANSITIONS } from './transitions/index.ts';

export function enabledActions(s: ClockState, cfg: ClockConfig): ClockAction[] {
  const actions: ClockAction[] = [];
  for (const kind of ACTION_KINDS) {
    if (cfg.transitions.has(kind)) actions.push(...TRANSITIONS[kind].enabled(s, cfg));
  }
  return actions;
}

export function nextState(s: ClockState, action: ClockAction, cfg: ClockConfig): ClockState {
  return produce(s, (d) => {
    match(action)
      .with({ kind: 'timeAdvance' }, (a) => TRANSITIONS.timeAdvance.apply(d, a, cfg))
      .with({ kind: 'hostTimekeepingUpdate' }, (a) =>
        TRANSITIONS.hostTimekeepingUpdate.apply(d, a, cfg),
      )
      .with({ kind: 'ntpMultChange' }, (a) => TRANSITIONS.ntpMultChange.apply(d, a, cfg))
      .with({ kind: 'nohzIdleEnter' }, (a) => TRANSITIONS.nohzIdleEnter.apply(d, a, cfg))
      .with({ kind: 'nohzIdleExit' }, (a) => TRANSITIONS.nohzIdleExit.apply(d, a, cfg))
      .with({ kind: 'masterclockUpdate' }, (a) => TRANSITIONS.masterclockUpdate.apply(d, a, cfg))
      .with({ kind: 'pvclockWrite' }, (a) => TRANSITIONS.pvclockWrite.apply(d, a, cfg))
      .with({ kind: 'guestRead' }, (a) => TRANSITIONS.guestRead.apply(d, a, cfg))
      .with({ kind: 'guestCounterRead' }, (a) => TRANSITIONS.guestCounterRead.apply(d, a, cfg))
      .with({ kind: 'vcpuMigrate' }, (a) => TRANSITIONS.vcpuMigrate.apply(d, a, cfg))
      .with({ kind: 'taskMigrate' }, (a) => TRANSITIONS.taskMigrate.apply(d, a, cfg))
      .with({ kind: 'timerProgram' }, (a) => TRANSITIONS.timerProgram.apply(d, a, cfg))
      .with({ kind: 'hrtimerExpire' }, (a) => TRANSITIONS.hrtimerExpire.apply(d, a, cfg))
      .with({ kind: 'vcpuBlock' }, (a) => TRANSITIONS.vcpuBlock.apply(d, a, cfg))
      .with({ kind: 'vcpuWakeCheck' }, (a) => TRANSITIONS.vcpuWakeCheck.apply(d, a, cfg))
      .with({ kind: 'timerInject' }, (a) => TRANSITIONS.timerInject.apply(d, a, cfg))
      .with({ kind: 'counterRestore' }, (a) => TRANSITIONS.counterRestore.apply(d, a, cfg))
      .exhaustive();
  });
}
