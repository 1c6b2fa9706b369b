/** Every transition of the model, by the kind of action it handles. */
import type { ActionKind } from '../actions.ts';
import type { Transition } from '../transition.ts';
import { guestRead } from './guestRead.ts';
import { taskMigrate } from './taskMigrate.ts';
import { timeAdvance } from './timeAdvance.ts';

export const TRANSITIONS: { readonly [K in ActionKind]: Transition<K> } = {
  timeAdvance,
  guestRead,
  taskMigrate,
};
