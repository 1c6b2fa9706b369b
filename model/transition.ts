/**
 * The shape of one transition: which instances of its action are enabled in a state, and what the
 * action does to a draft of the state (immer). Each file in transitions/ exports one of these.
 */
import type { Draft } from 'immer';
import type { ActionKind, ActionOf } from './actions.ts';
import type { ClockConfig } from './config.ts';
import type { ClockState } from './state.ts';

export interface Transition<K extends ActionKind> {
  readonly kind: K;
  readonly enabled: (s: ClockState, cfg: ClockConfig) => readonly ActionOf<K>[];
  /**
   * Applies the action to `d`, a draft of `s`. Read what the step does not change from `s`:
   * reading a nested object through the draft makes immer build a proxy for it.
   */
  readonly apply: (
    d: Draft<ClockState>,
    action: ActionOf<K>,
    cfg: ClockConfig,
    s: ClockState,
  ) => void;
}

export type ClockDraft = Draft<ClockState>;

/** Replacements for some transitions, by the kind of action each handles. */
export type TransitionOverrides = { readonly [K in ActionKind]?: Transition<K> };
