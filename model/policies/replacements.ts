/**
 * What a user may put at a policy point or in place of a transition: a built-in implementation by
 * name, or a function of their own with the policy's signature. Types only: check/ turns a user's
 * replacement into what the model calls (checked, and wrapped so that a draft-changing one may
 * return a whole new state instead).
 */
import type { ActionKind, ActionOf } from '../actions.ts';
import type { ClockConfig } from '../config.ts';
import type { ClockState } from '../state.ts';
import type { ClockDraft } from '../transition.ts';
import type { CounterRestorePolicy } from './counterRestore.ts';
import type { Policies, PolicyNames, PolicyPoint } from './index.ts';

/** A replacement that changes the draft returns nothing; one that builds a new state returns it. */
export type DraftResult = void | ClockState;

/** What may replace each policy point: the policy's own signature, drafts may be returned anew. */
export interface PolicyReplacements {
  /** A reader of your own: defineReader({ name, steps }) from the building blocks. */
  readonly reader: Policies['reader'];
  readonly readPage: Policies['readPage'];
  readonly readClamp: Policies['readClamp'];
  readonly pvclockWrite: Policies['pvclockWrite'];
  readonly timerClock: Policies['timerClock'];
  readonly hrtimerExpiry: (d: ClockDraft, cfg: ClockConfig, vcpu: number) => DraftResult;
  readonly wakeCheck: (d: ClockDraft, cfg: ClockConfig, vcpu: number) => DraftResult;
  readonly counterRestore: {
    readonly enabled: CounterRestorePolicy['enabled'];
    readonly apply: (
      d: ClockDraft,
      cfg: ClockConfig,
      action: ActionOf<'counterRestore'>,
    ) => DraftResult;
  };
}

/** Policy points set by a variant: a built-in implementation's name, or a replacement. */
export type PolicyChoices = {
  readonly [P in PolicyPoint]?: PolicyNames[P] | PolicyReplacements[P];
};

/** A whole transition replaced: which of its actions are enabled, what one does (either or both). */
export interface TransitionReplacement<K extends ActionKind> {
  readonly enabled?: (s: ClockState, cfg: ClockConfig) => readonly ActionOf<K>[];
  readonly apply?: (d: ClockDraft, action: ActionOf<K>, cfg: ClockConfig) => DraftResult;
}

export type TransitionReplacements = {
  readonly [K in ActionKind]?: TransitionReplacement<K>;
};
