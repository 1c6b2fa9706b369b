/**
 * The contract between the explorer and whatever it explores. A model is a plain value, in the
 * shape of Stateright's `Model`: initial states, the actions enabled in a state (as values), the
 * successor of a state under an action, the properties to check, and a canonical encoding used to
 * recognise states already seen. The explorer knows nothing else about the model.
 */
import type { Encoder } from './encoder.ts';

/** A state predicate. `check` returns undefined when the state is fine, else a message with the numbers. */
export interface Invariant<S> {
  readonly name: string;
  /**
   * `always`: checked on every reachable state.
   * `terminal`: checked only on states with no enabled action (the ends of the finite graph); this is
   * how bounded-response properties such as "every timer is delivered by the horizon" are stated.
   */
  readonly when: 'always' | 'terminal';
  readonly check: (state: S) => string | undefined;
}

/** A state predicate that some reachable state must satisfy, or the run proved nothing (vacuous). */
export interface Sometimes<S> {
  readonly name: string;
  readonly check: (state: S) => boolean;
}

export interface Model<S, A> {
  readonly init: () => readonly S[];
  /** The actions enabled in `state`, in a deterministic order. */
  readonly actions: (state: S) => readonly A[];
  /** The successor of `state` under `action`; must not mutate `state`. */
  readonly next: (state: S, action: A) => S;
  readonly invariants: readonly Invariant<S>[];
  readonly sometimes?: readonly Sometimes<S>[];
  /**
   * Writes a canonical encoding of `state`: two states are the same state exactly when their
   * encodings are equal. A model with interchangeable components may encode a canonical
   * representative (symmetry reduction); traces still show the states as reached.
   */
  readonly encode: (state: S, out: Encoder) => void;
}
