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
   * encodings are equal.
   */
  readonly encode: (state: S, out: Encoder) => void;
  /**
   * Optional symmetry reduction, for a model with interchangeable components: writes the encoding
   * of one fixed representative of the state's symmetry class (equal for two states exactly when
   * a permutation of those components maps one to the other). The explorer then stores one state
   * per class. It still expands the states as reached, so traces show the original names. Sound
   * when the permutations commute with `actions`/`next` and leave every property's verdict alone;
   * distances are preserved, so shortest counterexamples keep their length.
   */
  readonly encodeCanonical?: (state: S, out: Encoder) => void;
  /**
   * Optional: the state whose `encode` wrote `words`, so that states can be handed between worker
   * threads as encodings. decode(encode(s)) must equal s, field for field.
   */
  readonly decode?: (words: Int32Array) => S;
}
