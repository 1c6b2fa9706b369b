/**
 * From names to a runnable model: a scenario (built in, or a user's already resolved), one of its
 * variants (by name, or a user's CustomVariant), parameter overrides and an optional invariant,
 * each checked, with errors that name what was wrong and what is allowed.
 */
import type { ModelDescriptor } from '../explorer/index.ts';
import { INVARIANTS, type ClockInvariant, type ClockSometimes } from '../invariants/index.ts';
import { buildModel, type ClockModel } from '../model/buildModel.ts';
import type { ClockConfig } from '../model/config.ts';
import {
  ParamError,
  resolveParams,
  type ParamValues,
  type Scenario,
  type VariantSpec,
} from '../model/scenarios/index.ts';
import { InputError } from './inputError.ts';
import { findScenario, variantNamed } from './scenarios.ts';

export { findScenario } from './scenarios.ts';

/** A user's variant: a variant of `scenario` with replacements of its own, from `origin`. */
export interface CustomVariant {
  readonly scenario: Scenario;
  /** Name, description, policies, settings, expected verdicts, kept properties. */
  readonly spec: VariantSpec;
  /** The variant of the scenario it starts from. */
  readonly base: VariantSpec;
  /** Where it was defined, for messages (a file path). */
  readonly origin: string;
}

export interface Target {
  readonly scenario: Scenario;
  readonly variant: VariantSpec;
  /** Set when the variant is a user's. */
  readonly custom?: CustomVariant;
  readonly params: ParamValues;
  readonly invariants: readonly ClockInvariant[];
  readonly sometimes: readonly ClockSometimes[];
  readonly config: ClockConfig;
  readonly model: ClockModel;
}

export function findVariant(scenario: Scenario, name: string): VariantSpec {
  const variant = variantNamed(scenario, name);
  if (variant === undefined) {
    const known = scenario.variants.map((v) => v.name).join(', ');
    throw new InputError(`scenario ${scenario.name} has no variant '${name}' (variants: ${known})`);
  }
  return variant;
}

export function findParams(
  scenario: Scenario,
  overrides: readonly string[] | Readonly<Record<string, number | boolean | string>>,
): ParamValues {
  try {
    return resolveParams(scenario, overrides);
  } catch (e) {
    if (e instanceof ParamError) throw new InputError(e.message);
    throw e;
  }
}

/**
 * Every invariant a variant can be checked against: the scenario's and the variant's own, the
 * built-in ones in the catalogue's order (so every report lists them alike), a user's after them.
 */
export function checkableInvariants(scenario: Scenario, variant: VariantSpec): ClockInvariant[] {
  const all = [...scenario.invariants, ...variant.invariants];
  const rank = (inv: ClockInvariant): number => {
    const i = INVARIANTS.indexOf(inv);
    return i < 0 ? INVARIANTS.length + all.indexOf(inv) : i;
  };
  return all.sort((a, b) => rank(a) - rank(b));
}

/** The invariants the variant checks (those it has an expected verdict for), or just the one named. */
export function findInvariants(
  scenario: Scenario,
  variant: VariantSpec,
  only?: string,
): ClockInvariant[] {
  const checked = Object.keys(variant.expected);
  if (only !== undefined && !checked.includes(only)) {
    throw new InputError(
      `${scenario.name} / ${variant.name} does not check invariant '${only}' (it checks: ${checked.join(', ')})`,
    );
  }
  const names = only === undefined ? checked : [only];
  return checkableInvariants(scenario, variant).filter((inv) => names.includes(inv.name));
}

/** Any of the scenario's (or the variant's own, or `more`) invariants, by name. */
export function findScenarioInvariants(
  scenario: Scenario,
  variant: VariantSpec,
  names: readonly string[],
  more: readonly ClockInvariant[] = [],
): ClockInvariant[] {
  const all = [
    ...checkableInvariants(scenario, variant),
    ...more.filter((inv) => !variant.invariants.includes(inv)),
  ];
  for (const name of names) {
    if (!all.some((inv) => inv.name === name))
      throw new InputError(
        `scenario ${scenario.name} does not check invariant '${name}' (it checks: ${all.map((i) => i.name).join(', ')})`,
      );
  }
  return all.filter((inv) => names.includes(inv.name));
}

export interface TargetOptions {
  /** A scenario: built in, by name, or a resolved one (a user's). */
  readonly scenario: string | Scenario;
  readonly variant: string | CustomVariant;
  readonly params?: readonly string[] | Readonly<Record<string, number | boolean | string>>;
  /** Check only this one of the variant's invariants. */
  readonly invariant?: string;
  /** Check these of the scenario's invariants instead of the variant's own. */
  readonly invariants?: readonly string[];
  /**
   * Invariants from elsewhere that `invariants` may name (a user's variant's own, checked on the
   * variant it starts from, to compare the two).
   */
  readonly invariantsFrom?: readonly ClockInvariant[];
}

export function resolveTarget(options: TargetOptions): Target {
  const scenario =
    typeof options.scenario === 'string' ? findScenario(options.scenario) : options.scenario;
  const custom = typeof options.variant === 'string' ? undefined : options.variant;
  if (custom !== undefined && custom.scenario.name !== scenario.name)
    throw new InputError(
      `${custom.origin}: variant '${custom.spec.name}' belongs to scenario ${custom.scenario.name}, not ${scenario.name}`,
    );
  const variant = custom?.spec ?? findVariant(scenario, options.variant as string);
  const params = findParams(scenario, options.params ?? []);
  const invariants =
    options.invariants === undefined
      ? findInvariants(scenario, variant, options.invariant)
      : findScenarioInvariants(scenario, variant, options.invariants, options.invariantsFrom);
  const config = scenario.configure(params, variant);
  const sometimes = scenario.sometimes.filter((p) => variant.sometimes.includes(p.name));
  return {
    scenario,
    variant,
    ...(custom === undefined ? {} : { custom }),
    params,
    invariants,
    sometimes,
    config,
    model: buildModel(config, invariants, sometimes),
  };
}

/** Options that resolve to the same target again (the scenario's invariants unless one was picked). */
export function targetOptionsOf(target: Target): TargetOptions & {
  readonly scenario: string;
  readonly variant: string;
} {
  const all = findInvariants(target.scenario, target.variant);
  const same =
    all.length === target.invariants.length && all.every((inv) => target.invariants.includes(inv));
  return {
    scenario: target.scenario.name,
    variant: target.variant.name,
    params: target.params,
    ...(same ? {} : { invariants: target.invariants.map((inv) => inv.name) }),
  };
}

/**
 * What a worker thread needs to build the same model (explorer/parallel): this module's
 * `targetModel`, with the options as JSON. Only for the catalogue's scenarios and variants (a
 * user's file is reloaded instead: see userFiles.ts).
 */
export function targetDescriptor(options: TargetOptions): ModelDescriptor {
  return { module: import.meta.url, export: 'targetModel', args: [options] };
}

/** The model of a target, for worker threads (see targetDescriptor). */
export function targetModel(options: TargetOptions): Target['model'] {
  return resolveTarget(options).model;
}
