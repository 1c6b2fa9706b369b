/** Every transition of the model, by the kind of action it handles. */
import type { ActionKind } from '../actions.ts';
import type { Transition } from '../transition.ts';
import { counterRestore } from './counterRestore.ts';
import { guestCounterRead } from './guestCounterRead.ts';
import { guestRead } from './guestRead.ts';
import { hostTimekeepingUpdate } from './hostTimekeepingUpdate.ts';
import { hrtimerExpire } from './hrtimerExpire.ts';
import { masterclockUpdate } from './masterclockUpdate.ts';
import { nohzIdleEnter } from './nohzIdleEnter.ts';
import { nohzIdleExit } from './nohzIdleExit.ts';
import { ntpMultChange } from './ntpMultChange.ts';
import { pvclockWrite } from './pvclockWrite.ts';
import { taskMigrate } from './taskMigrate.ts';
import { timeAdvance } from './timeAdvance.ts';
import { timerInject } from './timerInject.ts';
import { timerProgram } from './timerProgram.ts';
import { vcpuBlock } from './vcpuBlock.ts';
import { vcpuMigrate } from './vcpuMigrate.ts';
import { vcpuWakeCheck } from './vcpuWakeCheck.ts';
import { kvmGetClock } from './kvmGetClock.ts';
import { kvmSetClock } from './kvmSetClock.ts';
import { tscRestore } from './tscRestore.ts';
import { vcpuResume } from './vcpuResume.ts';
import { vmPause } from './vmPause.ts';

export const TRANSITIONS: { readonly [K in ActionKind]: Transition<K> } = {
  timeAdvance,
  hostTimekeepingUpdate,
  ntpMultChange,
  nohzIdleEnter,
  nohzIdleExit,
  masterclockUpdate,
  pvclockWrite,
  guestRead,
  guestCounterRead,
  vcpuMigrate,
  taskMigrate,
  timerProgram,
  hrtimerExpire,
  vcpuBlock,
  vcpuWakeCheck,
  timerInject,
  counterRestore,
  vmPause,
  kvmGetClock,
  kvmSetClock,
  tscRestore,
  vcpuResume,
};
