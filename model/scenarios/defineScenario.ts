/**
 * The public API for a scenario: what a kernel developer writes in their own file to ask clockcheck
 * a question the catalogue does not (`clockcheck check --scenario-file F`), and what the five
 * built-in scenarios are written with. A scenario declares:
 *
 * - its parameters (name, meaning, default, range) and the one that switches the bug's cause off;
 * - `configure`: from the parameters (typed) and the variant, the system: the topology (pCPUs with
 *   rate and offset, vCPUs on their pCPUs, tasks on their vCPUs), the TSC rate KVM believes, the
 *   horizon and time steps, which transitions are in play and with which limits, the scenario's
 *   default policies, and any other setting of ClockConfig;
 * - the invariants it checks (built-in ones by name, or a user's own from defineInvariant) and its
 *   `sometimes` properties (defineSometimes): a run that never reaches one is vacuous;
 * - its own state fields, if any (`state`, see stateExtension.ts), and a monitor that updates them
 *   after every step (`observe`);
 * - the variants: the policies each sets, the verdict each invariant must have, and the `sometimes`
 *   properties it keeps (a variant that removes an event, e.g. NOHZ=n, drops the property that
 *   expects it; by default a variant keeps them all); `baseline` names the one that shows the bug.
 *
 * The compiler rejects an unknown parameter (in `configure` and `causeOff`), invariant, property,
 * baseline, policy point or built-in policy name; check/ checks the same at run time for files that
 * were never type-checked. defineScenario only marks the definition; check/scenarioDefinition.ts
 * turns it into something runnable.
 */
import type { ActionKind } from '../actions.ts';
import type { ClockConfig, Limits, PcpuConfig } from '../config.ts';
import type { ClockInvariant, ClockSometimes } from '../../invariants/invariant.ts';
import type { InvariantName } from '../../invariants/index.ts';
import type { PolicyChoices, TransitionReplacements } from '../policies/replacements.ts';
import type { ClockState } from '../state.ts';
import type { ExtOf, ExtPer, ExtScalar, StateExtension } from '../stateExtension.ts';
import type { ClockDraft } from '../transition.ts';
import type { ClockAction } from '../actions.ts';

export type Verdict = 'holds' | 'violated';

export interface IntegerParamDef {
  readonly meaning: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /**
   * `keep`: `clockcheck minimize` leaves this parameter as it is: an invariant's tolerance
   * (shrinking it only weakens the claim) or a platform rate (its rounding is an effect of its
   * own). Others shrink toward `min`.
   */
  readonly minimize?: 'keep';
}

export interface BooleanParamDef {
  readonly meaning: string;
  readonly default: boolean;
}

export type ParamDefs = { readonly [name: string]: IntegerParamDef | BooleanParamDef };

/** The parameter values `configure` gets: numbers and booleans by name. */
export type ParamsOf<P extends ParamDefs> = {
  readonly [K in keyof P]: P[K] extends BooleanParamDef ? boolean : number;
};

/** The parameter whose value switches the bug's cause off (the negative control), and that value. */
export type CauseOff<P extends ParamDefs> = {
  readonly [K in keyof P & string]: { readonly param: K; readonly value: ParamsOf<P>[K] };
}[keyof P & string];

/** A state of a scenario that declares fields `E` of its own. */
export type ScenarioState<E extends StateExtension> = Omit<ClockState, 'ext'> & {
  readonly ext: ExtOf<E>;
};

/** `ext` as a monitor or policy writes it on a draft. */
export type DraftExt<E extends StateExtension> = {
  -readonly [K in keyof E]: E[K] extends { readonly per: ExtPer } ? ExtScalar[] : ExtOf<E>[K];
};

/** A monitor: after every step, updates the scenario's own fields on a draft of the successor. */
export type ScenarioObserver<E extends StateExtension> = (
  d: Omit<ClockDraft, 'ext'> & { ext: DraftExt<E> },
  step: {
    readonly before: ScenarioState<E>;
    readonly action: ClockAction;
    readonly cfg: ClockConfig;
  },
) => void;

/** An invariant of a scenario: a built-in one's name, or a user's own. */
export type InvariantRef<E extends StateExtension = StateExtension> =
  InvariantName | ClockInvariant<ScenarioState<E>>;

/** The name an invariant reference stands for. */
export type RefName<R> = R extends string
  ? R
  : R extends { readonly name: infer N extends string }
    ? N
    : never;

/**
 * What `configure` returns: the system a run explores. Any ClockConfig field may be set; those
 * left out keep the defaults of model/scenarios/baseConfig.ts (nothing in play).
 */
export type SystemConfig = Partial<
  Omit<
    ClockConfig,
    'transitions' | 'limits' | 'policies' | 'transitionOverrides' | 'ext' | 'observe' | 'userCode'
  >
> & {
  readonly pcpus: readonly PcpuConfig[];
  readonly vcpus: ClockConfig['vcpus'];
  readonly tasks: ClockConfig['tasks'];
  readonly horizonNs: number;
  /** The transitions in play; every other one is never enabled. */
  readonly transitions: readonly ActionKind[];
  /** How often each limited event may happen (0 for any not given). */
  readonly limits?: Partial<Limits>;
  /** The scenario's policies where a variant sets none. */
  readonly policies?: PolicyChoices;
};

/** What `configure` knows of the variant being checked. */
export interface VariantView {
  readonly name: string;
  /** The variant's settings (ScenarioVariant.settings), `{}` when it has none. */
  readonly settings: Readonly<Record<string, number | boolean>>;
}

/**
 * What a variant models in the kernel, so a verdict can be followed back to the code: the kernel
 * functions whose behaviour it is (file: function), and the versions in which the kernel did that
 * ('v3.8–v4.4', 'since v4.8'), or the posted patch or proposal it is, by title and date.
 */
export interface KernelRef {
  readonly functions: readonly string[];
  readonly versions: string;
}

export interface ScenarioVariant<I extends string, M extends string, V extends string> {
  /** Lowercase words joined by dashes. */
  readonly name: V;
  /** One line: what the variant does (and which kernel, or which patch, does that). */
  readonly description: string;
  /** The kernel code (or patch) the variant models; every built-in variant names it. */
  readonly kernel?: KernelRef;
  readonly policies?: PolicyChoices;
  /** Whole transitions the variant replaces, by the kind of action each handles. */
  readonly transitions?: TransitionReplacements;
  /** Settings `configure` reads that are not policies (e.g. whether pages carry the stable bit). */
  readonly settings?: Readonly<Record<string, number | boolean>>;
  /** The invariants checked for this variant, with the verdict each must have at default parameters. */
  readonly expected: { readonly [K in I]?: Verdict };
  /** The `sometimes` properties this variant must reach (default: all of the scenario's). */
  readonly sometimes?: readonly M[];
}

export interface ScenarioDefinition<
  N extends string,
  P extends ParamDefs,
  I extends InvariantRef<E>,
  M extends string,
  V extends string,
  E extends StateExtension,
> {
  /** Lowercase words joined by dashes; not the name of a built-in scenario. */
  readonly name: N;
  /** One line. */
  readonly title: string;
  /** The discussion, patch or bug report it comes from. */
  readonly source?: string;
  readonly description: string;
  readonly params: P;
  readonly causeOff: CauseOff<P>;
  readonly state?: E;
  readonly invariants: readonly I[];
  readonly sometimes?: readonly (ClockSometimes<ScenarioState<E>> & { readonly name: M })[];
  readonly baseline: NoInfer<V>;
  readonly variants: readonly ScenarioVariant<RefName<I>, NoInfer<M>, V>[];
  readonly configure: (p: ParamsOf<P>, variant: VariantView) => SystemConfig;
  readonly observe?: ScenarioObserver<E>;
  /**
   * Your word that your own code (policies, transitions, invariants, properties, monitor) treats
   * interchangeable pCPUs, vCPUs and tasks alike, so symmetry reduction may stay on (default false
   * when there is any; the model's own code always does).
   */
  readonly symmetric?: boolean;
  /**
   * Where this scenario's saved counterexamples are (verify-fix replays them against a fix),
   * relative to the scenario's file: by default `counterexamples/<name>/` beside it.
   */
  readonly counterexamples?: string;
}

/** Marks what defineScenario returns, so a loaded file's exports can be told apart. */
export const SCENARIO_MARK: unique symbol = Symbol.for('clockcheck.scenario');

/** A scenario as defineScenario returns it; its type keeps the names for defineVariant. */
export type DefinedScenario<
  N extends string = string,
  V extends string = string,
  I extends string = string,
  M extends string = string,
> = ScenarioDefinition<N, ParamDefs, InvariantRef, string, string, StateExtension> & {
  readonly [SCENARIO_MARK]: true;
  /** Type-level only: the variant, invariant and property names. */
  readonly __names?: { readonly variant: V; readonly invariant: I; readonly sometimes: M };
};

/** Declares a scenario (see the header); the result is what a scenario file exports. */
export function defineScenario<
  const N extends string,
  const P extends ParamDefs,
  const I extends InvariantRef<E>,
  const M extends string,
  const V extends string,
  const E extends StateExtension = Record<never, never>,
>(definition: ScenarioDefinition<N, P, I, M, V, E>): DefinedScenario<N, V, RefName<I>, M> {
  return {
    ...(definition as unknown as ScenarioDefinition<
      N,
      ParamDefs,
      InvariantRef,
      string,
      string,
      StateExtension
    >),
    [SCENARIO_MARK]: true,
  };
}

export function isDefinedScenario(value: unknown): value is DefinedScenario {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[SCENARIO_MARK] === true
  );
}
