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
import type { ActionKind, ActionOf } from '../model/actions.ts';
import type { ClockConfig } from '../model/config.ts';
import type { CounterRestorePolicy } from '../model/policies/counterRestore.ts';
import type { Policies, PolicyNames, PolicyPoint } from '../model/policies/index.ts';
import type {
  InvariantNameOf,
  ScenarioName,
  VariantNameOf,
  Verdict,
} from '../model/scenarios/index.ts';
import type { ClockState } from '../model/state.ts';
import type { ClockDraft } from '../model/transition.ts';

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

/** A whole transition replaced: which of its actions are enabled, what one does (either or both). */
export interface TransitionReplacement<K extends ActionKind> {
  readonly enabled?: (s: ClockState, cfg: ClockConfig) => readonly ActionOf<K>[];
  readonly apply?: (d: ClockDraft, action: ActionOf<K>, cfg: ClockConfig) => DraftResult;
}

export interface VariantDefinition<S extends ScenarioName> {
  /** The scenario the variant belongs to (see `clockcheck list`). */
  readonly scenario: S;
  /** Lowercase words joined by dashes, not the name of one of the scenario's built-in variants. */
  readonly name: string;
  /** One line: what the variant does. */
  readonly description: string;
  /** The built-in variant it starts from; by default the scenario's baseline (its seed bug). */
  readonly base?: VariantNameOf<S>;
  /** Policy points it sets: a built-in implementation by name, or a replacement. */
  readonly policies?: {
    readonly [P in PolicyPoint]?: PolicyNames[P] | PolicyReplacements[P];
  };
  /** Transitions it replaces, by the kind of action each handles. */
  readonly transitions?: { readonly [K in ActionKind]?: TransitionReplacement<K> };
  /**
   * The invariants to check and the verdict each must have. By default: every invariant that some
   * built-in variant of the scenario is expected to keep, each expected to hold.
   */
  readonly expected?: { readonly [I in InvariantNameOf<S>]?: Verdict };
}

/** Marks what defineVariant returns, so a loaded file's exports can be told apart. */
export const VARIANT_MARK: unique symbol = Symbol.for('clockcheck.variant');

export type DefinedVariant<S extends ScenarioName = ScenarioName> = VariantDefinition<S> & {
  readonly [VARIANT_MARK]: true;
};

/** Declares a variant of scenario `S`; the result is what a variant file exports. */
export function defineVariant<const S extends ScenarioName>(
  definition: VariantDefinition<S>,
): DefinedVariant<S> {
  return { ...definition, [VARIANT_MARK]: true };
}

export function isDefinedVariant(value: unknown): value is DefinedVariant {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[VARIANT_MARK] === true
  );
}
