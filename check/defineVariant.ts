/**
 * The typed API for a variant defined outside the catalogue, in a user's own TypeScript file: which
 * scenario it belongs to, which built-in variant it starts from, which policy points or whole
 * transitions it replaces, and (optionally) the verdict each invariant must have.
 *
 *     export default defineVariant({
 *       scenario: 'tsc-deadline-ntp',
 *       name: 'my-rearm',
 *       description: 'on expiry, re-arm for the time left while the guest TSC is short',
 *       policies: {
 *         hrtimerExpiry: (d, cfg, vcpu) => {
 *           disarm(d, vcpu);
 *           if (!armForRemaining(d, cfg, vcpu)) latchPending(d, vcpu);
 *         },
 *       },
 *     });
 *
 * Names are checked by the compiler: an unknown scenario, base variant, policy point, built-in
 * policy name, transition, invariant, or a state field the replacement touches, is a type error.
 * A replacement is pure: it changes the immer draft it is given, or returns a whole new state
 * (not both), and depends on nothing but its arguments. check/userVariant.ts checks the same
 * things again at run time, for files loaded without a type check.
 */
import type { ClockInvariant } from '../invariants/invariant.ts';
import type { ActionKind } from '../model/actions.ts';
import type { PolicyNames, PolicyPoint } from '../model/policies/index.ts';
import type { PolicyReplacements, TransitionReplacement } from '../model/policies/replacements.ts';
import type {
  KernelRef,
  ScenarioNames,
  ScenarioObserver,
  ScenarioRef,
  Verdict,
} from '../model/scenarios/index.ts';
import type { StateExtension } from '../model/stateExtension.ts';

export type {
  DraftResult,
  PolicyReplacements,
  TransitionReplacement,
} from '../model/policies/replacements.ts';

export interface VariantDefinition<
  S extends ScenarioRef,
  I extends string = never,
  E extends StateExtension = Record<never, never>,
> {
  /**
   * The scenario the variant belongs to: a built-in one by name (see `clockcheck list`), or your
   * own scenario (the value your scenario file exports).
   */
  readonly scenario: S;
  /** Lowercase words joined by dashes, not the name of one of the scenario's variants. */
  readonly name: string;
  /** One line: what the variant does. */
  readonly description: string;
  /** The kernel code, or the patch, the variant models (shown by list and kept in traces). */
  readonly kernel?: KernelRef;
  /** The variant it starts from; by default the scenario's baseline (its bug). */
  readonly base?: ScenarioNames<S>['variant'];
  /** Policy points it sets: a built-in implementation by name, or a replacement. */
  readonly policies?: {
    readonly [P in PolicyPoint]?: PolicyNames[P] | PolicyReplacements[P];
  };
  /** Transitions it replaces, by the kind of action each handles. */
  readonly transitions?: { readonly [K in ActionKind]?: TransitionReplacement<K> };
  /** Invariants of your own (defineInvariant) to check beside the scenario's. */
  readonly invariants?: readonly (ClockInvariant & { readonly name: I })[];
  /**
   * The invariants to check and the verdict each must have. By default: every invariant that some
   * variant of the scenario is expected to keep, each expected to hold, and your own invariants.
   */
  readonly expected?: { readonly [K in ScenarioNames<S>['invariant'] | NoInfer<I>]?: Verdict };
  /**
   * The scenario's `sometimes` properties this variant must reach (by default its base's): a fix
   * that removes an event (NOHZ=n removes NOHZ idle) drops the property that expects it.
   */
  readonly sometimes?: readonly ScenarioNames<S>['sometimes'][];
  /** State fields of your own (see defineScenario's `state`), kept by `observe`. */
  readonly state?: E;
  /** A monitor: after every step, updates your fields on a draft of the successor. */
  readonly observe?: ScenarioObserver<E>;
  /**
   * Your word that your replacements treat interchangeable pCPUs, vCPUs and tasks alike, so
   * symmetry reduction may stay on (default false).
   */
  readonly symmetric?: boolean;
}

/** Marks what defineVariant returns, so a loaded file's exports can be told apart. */
export const VARIANT_MARK: unique symbol = Symbol.for('clockcheck.variant');

export type DefinedVariant<S extends ScenarioRef = ScenarioRef> = VariantDefinition<
  S,
  string,
  StateExtension
> & {
  readonly [VARIANT_MARK]: true;
};

/** Declares a variant of scenario `S`; the result is what a variant file exports. */
export function defineVariant<
  const S extends ScenarioRef,
  const I extends string = never,
  const E extends StateExtension = Record<never, never>,
>(definition: VariantDefinition<S, I, E>): DefinedVariant<S> {
  return {
    ...(definition as unknown as VariantDefinition<S, string, StateExtension>),
    [VARIANT_MARK]: true,
  };
}

export function isDefinedVariant(value: unknown): value is DefinedVariant {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[VARIANT_MARK] === true
  );
}
