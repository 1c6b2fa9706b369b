/** The scenario catalogue. */
import type { Scenario, VariantSpec } from './scenario.ts';
import { arm64CounterOffset } from './arm64CounterOffset.ts';
import { masterclockUpdate } from './masterclockUpdate.ts';
import { pvclockRead } from './pvclockRead.ts';
import { tscDeadlineNtp } from './tscDeadlineNtp.ts';
import { unsyncedTsc } from './unsyncedTsc.ts';

export * from './scenario.ts';
export { resolveParams, defaultParams, ParamError } from './params.ts';

/** The catalogue with each scenario's literal names, for the types below. */
const CATALOGUE = [
  tscDeadlineNtp,
  masterclockUpdate,
  pvclockRead,
  unsyncedTsc,
  arm64CounterOffset,
] as const;

export const SCENARIOS: readonly Scenario[] = CATALOGUE;

type CatalogueScenario = (typeof CATALOGUE)[number];
type ScenarioOf<S extends ScenarioName> = Extract<CatalogueScenario, { readonly name: S }>;

/** The name of a scenario of the catalogue. */
export type ScenarioName = CatalogueScenario['name'];
/** The names of the built-in variants of scenario `S`. */
export type VariantNameOf<S extends ScenarioName> = ScenarioOf<S>['variants'][number]['name'];
/** The names of the invariants scenario `S` checks. */
export type InvariantNameOf<S extends ScenarioName> = ScenarioOf<S>['invariants'][number];

export function scenarioNamed(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

export function variantNamed(scenario: Scenario, name: string): VariantSpec | undefined {
  return scenario.variants.find((v) => v.name === name);
}
