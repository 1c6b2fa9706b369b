/**
 * The shape of a clock invariant and of a `sometimes` property: named predicates over a state, with
 * the configuration at hand for their bounds. The built-in ones (this folder) and a user's own
 * (`defineInvariant`, `defineSometimes` from 'clockcheck') are the same kind of value.
 */
import type { ClockConfig } from '../model/config.ts';
import type { ClockState } from '../model/state.ts';

export interface ClockInvariant<S extends ClockState = ClockState> {
  readonly name: string;
  /** One line: what must hold. */
  readonly meaning: string;
  /** `terminal`: checked only where no action is enabled (bounded response over the horizon). */
  readonly when: 'always' | 'terminal';
  /** undefined when the state is fine; otherwise the numbers that broke it, in one line. */
  readonly check: (s: S, cfg: ClockConfig) => string | undefined;
  /**
   * The check treats interchangeable pCPUs, vCPUs and tasks alike (it never singles one out by its
   * number), so symmetry reduction keeps its verdict. True for every built-in invariant; a user's
   * invariant says so itself (default false: symmetry reduction is then off).
   */
  readonly symmetric?: boolean;
}

/**
 * A state some reachable state must satisfy, or the run proved nothing (it is vacuous): "a
 * migration happened", "an NTP change was applied while a timer was armed".
 */
export interface ClockSometimes<S extends ClockState = ClockState> {
  readonly name: string;
  /** One line: what some reachable state shows. */
  readonly meaning?: string;
  readonly check: (s: S, cfg: ClockConfig) => boolean;
  /** As for ClockInvariant.symmetric. */
  readonly symmetric?: boolean;
}

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Whether `name` is a valid invariant or property name: lowercase words joined by dashes. */
export function isPropertyName(name: unknown): name is string {
  return typeof name === 'string' && NAME.test(name);
}

/**
 * Declares an invariant: a name (lowercase words joined by dashes), its meaning, when it is
 * checked, and a check that returns undefined when the state is fine and otherwise one line with
 * the numbers that broke it. The same function defines the built-in invariants.
 *
 *     export const readNotAhead = defineInvariant({
 *       name: 'read-not-ahead-of-raw',
 *       meaning: 'no read returns more than MONOTONIC_RAW at the time of the read',
 *       when: 'always',
 *       check: (s, cfg) => { ... return `task 0 read ${v} > raw ${r}`; },
 *     });
 *
 * A scenario with fields of its own types its state in the check: `check: (s: MyState, cfg) => …`,
 * with `type MyState = ScenarioState<typeof myFields>`.
 */
export function defineInvariant<const N extends string, S extends ClockState = ClockState>(
  invariant: ClockInvariant<S> & { readonly name: N },
): ClockInvariant & { readonly name: N } {
  // The check is only ever given states of the scenario it is declared for.
  return invariant as unknown as ClockInvariant & { readonly name: N };
}

/** Declares a `sometimes` property (see ClockSometimes); the same function defines the built-in ones. */
export function defineSometimes<const N extends string, S extends ClockState = ClockState>(
  property: ClockSometimes<S> & { readonly name: N },
): ClockSometimes & { readonly name: N } {
  return property as unknown as ClockSometimes & { readonly name: N };
}
