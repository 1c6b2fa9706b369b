/**
 * A scenario as the tools run it (check/scenarioDefinition.ts builds one from a defineScenario
 * definition, the catalogue's and a user's alike): its parameters as a list, its variants with the
 * policies they set and the verdict each invariant must have, the invariants and `sometimes`
 * properties as values, and `configure`, which turns parameter values and a variant into the
 * model's configuration.
 */
import type { ClockInvariant, ClockSometimes } from '../../invariants/invariant.ts';
import type { ClockConfig, Observer } from '../config.ts';
import type { StateExtension } from '../stateExtension.ts';
import type { PolicyChoice, PolicyPoint } from '../policies/index.ts';
import type { TransitionOverrides } from '../transition.ts';
import type { KernelRef, Verdict } from './defineScenario.ts';

export type { KernelRef, Verdict } from './defineScenario.ts';

export interface IntegerParam {
  readonly name: string;
  readonly meaning: string;
  readonly type: 'integer';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** `keep`: `clockcheck minimize` leaves this parameter as it is (see IntegerParamDef). */
  readonly minimize?: 'keep';
}

export interface BooleanParam {
  readonly name: string;
  readonly meaning: string;
  readonly type: 'boolean';
  readonly default: boolean;
}

export type ParamSpec = IntegerParam | BooleanParam;
export type ParamValues = Readonly<Record<string, number | boolean>>;

export interface VariantSpec {
  readonly name: string;
  readonly description: string;
  /** The kernel functions and versions (or the patch) it models. */
  readonly kernel?: KernelRef;
  /** The policy points it sets: a built-in's name, or an implementation (a user's, wrapped). */
  readonly policies: { readonly [P in PolicyPoint]?: PolicyChoice<P> };
  /** The policy points it gives an implementation of its own (a user's). */
  readonly replaced?: readonly PolicyPoint[];
  /** Whole transitions it replaces (a user's). */
  readonly transitions?: TransitionOverrides;
  /** Settings the scenario's configure reads that are not policies (e.g. the stable bit). */
  readonly settings: Readonly<Record<string, number | boolean>>;
  /** The invariants checked for this variant, with the verdict each must have at default parameters. */
  readonly expected: Readonly<Record<string, Verdict>>;
  /** The `sometimes` properties this variant must reach; the scenario's others it drops. */
  readonly sometimes: readonly string[];
  /** Invariants of the variant's own, beyond the scenario's (a user's variant may add some). */
  readonly invariants: readonly ClockInvariant[];
  /** Fields of the variant's own, beside the scenario's (a user's variant may add some). */
  readonly state?: StateExtension;
  /** A monitor of the variant's own, run after the scenario's (see ClockConfig.observe). */
  readonly observe?: Observer;
  /** For a user's variant: the variant of the scenario it starts from. */
  readonly base?: string;
  /** For a user's variant: the file it was defined in, for messages. */
  readonly origin?: string;
  /** Set when the variant runs user code (a replacement): see ClockConfig.userCode. */
  readonly userCode?: ClockConfig['userCode'];
}

export interface Scenario {
  readonly name: string;
  /** One line. */
  readonly title: string;
  /** The source discussion, by title. */
  readonly source: string;
  readonly description: string;
  readonly params: readonly ParamSpec[];
  /** The parameter value that switches the bug's cause off: with it, the baseline holds. */
  readonly causeOff: { readonly param: string; readonly value: number | boolean };
  /**
   * The variant that reproduces the bug: what a proposed fix is compared with (`clockcheck
   * verify-fix`, `check --variant-file`). One of `variants`, expected to violate.
   */
  readonly baseline: string;
  readonly variants: readonly VariantSpec[];
  /** The invariants any variant checks (each variant checks those in its `expected`). */
  readonly invariants: readonly ClockInvariant[];
  readonly sometimes: readonly ClockSometimes[];
  /** The scenario's own state fields (`state.ext`); `{}` when it declares none. */
  readonly state: StateExtension;
  readonly configure: (params: ParamValues, variant: VariantSpec) => ClockConfig;
  /** For a user's scenario: the file it was defined in. */
  readonly origin?: string;
  /** The folder of the scenario's saved counterexamples (absolute). */
  readonly savedCounterexamples: string;
}
