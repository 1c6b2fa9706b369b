/**
 * What a scenario is: a configuration of the model built from named parameters, the variants (the
 * policies under test) with the verdict each must produce per invariant, and the invariants and
 * `sometimes` properties it checks.
 */
import type { Sometimes } from '../../explorer/index.ts';
import type { ClockConfig } from '../config.ts';
import type { PolicyNames } from '../policies/index.ts';
import type { ClockState } from '../state.ts';

export interface IntegerParam {
  readonly name: string;
  readonly meaning: string;
  readonly type: 'integer';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /**
   * `keep`: `clockcheck minimize` leaves this parameter as it is. For an invariant's tolerance
   * (shrinking it only weakens the claim) and for a platform rate (its rounding is an effect of
   * its own, so another rate would show a different cause). Others shrink toward `min`.
   */
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

export type Verdict = 'holds' | 'violated';

/** A `sometimes` property, for every variant or only for those named. */
export interface ScenarioSometimes extends Sometimes<ClockState> {
  readonly variants?: readonly string[];
}

export interface VariantSpec {
  readonly name: string;
  readonly description: string;
  readonly policies: Partial<PolicyNames>;
  /** Variant-specific settings that are not policies (e.g. whether pages carry the stable bit). */
  readonly settings?: Readonly<Record<string, number | boolean>>;
  /** The invariants checked for this variant, with the verdict each must have at default parameters. */
  readonly expected: Readonly<Record<string, Verdict>>;
}

export interface Scenario {
  readonly name: string;
  /** One line. */
  readonly title: string;
  /** The source discussion, by title. */
  readonly source: string;
  readonly description: string;
  readonly params: readonly ParamSpec[];
  /**
   * The variant that reproduces the seed discussion's bug: what a proposed fix is compared with
   * (`clockcheck verify-fix`, `check --variant-file`). One of `variants`, expected to violate.
   */
  readonly baseline: string;
  readonly variants: readonly VariantSpec[];
  /** Names of the invariants any variant checks (each variant checks those in its `expected`). */
  readonly invariants: readonly string[];
  readonly sometimes: readonly ScenarioSometimes[];
  readonly configure: (params: ParamValues, variant: VariantSpec) => ClockConfig;
}

/** An integer parameter's value (the scenario's parameters are validated before configure runs). */
export function int(params: ParamValues, name: string): number {
  const v = params[name];
  if (typeof v !== 'number') throw new Error(`parameter ${name} is not an integer`);
  return v;
}

export function bool(params: ParamValues, name: string): boolean {
  const v = params[name];
  if (typeof v !== 'boolean') throw new Error(`parameter ${name} is not a boolean`);
  return v;
}
