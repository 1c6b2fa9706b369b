/**
 * The scenario catalogue: the five built-in scenarios, each written with defineScenario (the API a
 * user writes theirs with). check/scenarios.ts turns them into runnable scenarios.
 */
import { arm64CounterOffset } from './arm64CounterOffset.ts';
import type { DefinedScenario } from './defineScenario.ts';
import { masterclockUpdate } from './masterclockUpdate.ts';
import { pvclockRead } from './pvclockRead.ts';
import { tscDeadlineNtp } from './tscDeadlineNtp.ts';
import { unsyncedTsc } from './unsyncedTsc.ts';

export * from './scenario.ts';
export * from './defineScenario.ts';
export { resolveParams, defaultParams, ParamError } from './params.ts';

/** The catalogue with each scenario's literal names, for the types below. */
export const CATALOGUE = [
  tscDeadlineNtp,
  masterclockUpdate,
  pvclockRead,
  unsyncedTsc,
  arm64CounterOffset,
] as const;

type CatalogueScenario = (typeof CATALOGUE)[number];
type ScenarioOf<S extends ScenarioName> = Extract<CatalogueScenario, { readonly name: S }>;
type NamesOf<D> =
  D extends DefinedScenario<string, infer V, infer I, infer M>
    ? { readonly variant: V; readonly invariant: I; readonly sometimes: M }
    : never;

/** The name of a scenario of the catalogue. */
export type ScenarioName = CatalogueScenario['name'];
/** The names of the built-in variants of scenario `S`. */
export type VariantNameOf<S extends ScenarioName> = NamesOf<ScenarioOf<S>>['variant'];
/** The names of the invariants scenario `S` checks. */
export type InvariantNameOf<S extends ScenarioName> = NamesOf<ScenarioOf<S>>['invariant'];
/** The names of scenario `S`'s `sometimes` properties. */
export type SometimesNameOf<S extends ScenarioName> = NamesOf<ScenarioOf<S>>['sometimes'];

/** A scenario a variant can belong to: a built-in one by name, or a user's own (defineScenario's result). */
export type ScenarioRef = ScenarioName | DefinedScenario;
/** The variant, invariant and property names of a scenario reference. */
export type ScenarioNames<S extends ScenarioRef> = S extends ScenarioName
  ? NamesOf<ScenarioOf<S>>
  : NamesOf<S>;
