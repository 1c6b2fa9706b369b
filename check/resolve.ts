/**
 * From names to a runnable model: a scenario, one of its variants, parameter overrides and an
 * optional invariant, each checked, with errors that name what was wrong and what is allowed. A
 * variant is a built-in one's name, or a CustomVariant already resolved (a user's, from
 * check/userVariant.ts).
 */
import type { ModelDescriptor, Sometimes } from '../explorer/index.ts';
import { INVARIANTS, type ClockInvariant } from '../invariants/index.ts';
import { buildModel, type ClockModel } from '../model/buildModel.ts';
import type { ClockConfig } from '../model/config.ts';
import {
  ParamError,
  resolveParams,
  SCENARIOS,
  scenarioNamed,
  variantNamed,
  type ParamValues,
  type Scenario,
  type VariantSpec,
} from '../model/scenarios/index.ts';
import type { ClockState } from '../model/state.ts';
import { InputError } from './inputError.ts';

/**
 * A variant that is not only a name in the catalogue: a built-in variant's policies by name and
 * settings (`spec`, so the scenario configures it as usual), then its own replacements on top.
 */
export interface CustomVariant {
  readonly scenario: string;
  /** Name, description, policies by name, settings and expected verdicts. */
  readonly spec: VariantSpec;
  /** The built-in variant it starts from: its `sometimes` properties apply. */
  readonly base: VariantSpec;
  /** Where it was defined, for messages (a file path). */
  readonly origin: string;
  /** The configuration with the variant's replacements in place; throws InputError if useless. */
  readonly customize: (config: ClockConfig) => ClockConfig;
}

export interface Target {
  readonly scenario: Scenario;
  readonly variant: VariantSpec;
  /** Set when the variant is a custom one. */
  readonly custom?: CustomVariant;
  readonly params: ParamValues;
  readonly invariants: readonly ClockInvariant[];
  readonly config: ClockConfig;
  readonly model: ClockModel;
}

export function findScenario(name: string): Scenario {
  const scenario = scenarioNamed(name);
  if (scenario === undefined) {
    throw new InputError(
      `unknown scenario '${name}' (scenarios: ${SCENARIOS.map((s) => s.name).join(', ')})`,
    );
  }
  return scenario;
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
  return INVARIANTS.filter((inv) => names.includes(inv.name));
}

/** Any of the scenario's invariants, by name (not only those the variant lists). */
export function findScenarioInvariants(
  scenario: Scenario,
  names: readonly string[],
): ClockInvariant[] {
  for (const name of names) {
    if (!scenario.invariants.includes(name))
      throw new InputError(
        `scenario ${scenario.name} does not check invariant '${name}' (it checks: ${scenario.invariants.join(', ')})`,
      );
  }
  return INVARIANTS.filter((inv) => names.includes(inv.name));
}

export interface TargetOptions {
  readonly scenario: string;
  readonly variant: string | CustomVariant;
  readonly params?: readonly string[] | Readonly<Record<string, number | boolean | string>>;
  /** Check only this one of the variant's invariants. */
  readonly invariant?: string;
  /** Check these of the scenario's invariants instead of the variant's own. */
  readonly invariants?: readonly string[];
}

export function resolveTarget(options: TargetOptions): Target {
  const scenario = findScenario(options.scenario);
  const custom = typeof options.variant === 'string' ? undefined : options.variant;
  if (custom !== undefined && custom.scenario !== scenario.name)
    throw new InputError(
      `${custom.origin}: variant '${custom.spec.name}' belongs to scenario ${custom.scenario}, not ${scenario.name}`,
    );
  const variant = custom?.spec ?? findVariant(scenario, options.variant as string);
  const params = findParams(scenario, options.params ?? []);
  const invariants =
    options.invariants === undefined
      ? findInvariants(scenario, variant, options.invariant)
      : findScenarioInvariants(scenario, options.invariants);
  const configured = scenario.configure(params, variant);
  const config = custom === undefined ? configured : custom.customize(configured);
  const sometimesOf = custom?.base.name ?? variant.name;
  const sometimes: readonly Sometimes<ClockState>[] = scenario.sometimes.filter(
    (p) => p.variants === undefined || p.variants.includes(sometimesOf),
  );
  return {
    scenario,
    variant,
    ...(custom === undefined ? {} : { custom }),
    params,
    invariants,
    config,
    model: buildModel(config, invariants, sometimes),
  };
}

/** Options that resolve to the same target again (the scenario's invariants unless one was picked). */
export function targetOptionsOf(target: Target): TargetOptions {
  const all = findInvariants(target.scenario, target.variant);
  const one =
    target.invariants.length === 1 && all.length > 1 ? target.invariants[0]!.name : undefined;
  return {
    scenario: target.scenario.name,
    variant: target.variant.name,
    params: target.params,
    ...(one === undefined ? {} : { invariant: one }),
  };
}

/**
 * What a worker thread needs to build the same model (explorer/parallel): this module's
 * `targetModel`, with the options as JSON.
 */
export function targetDescriptor(options: TargetOptions): ModelDescriptor {
  return { module: import.meta.url, export: 'targetModel', args: [options] };
}

/** The model of a target, for worker threads (see targetDescriptor). */
export function targetModel(options: TargetOptions): Target['model'] {
  return resolveTarget(options).model;
}
