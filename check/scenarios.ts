/**
 * The scenarios the tools know: the catalogue's, and a user's own once loaded from their file.
 * Each definition is resolved once (scenarioDefinition.ts) and remembered by identity, so a variant
 * file that imports a scenario file's definition gets the same scenario as `--scenario-file` did.
 */
import {
  CATALOGUE,
  type DefinedScenario,
  type Scenario,
  type VariantSpec,
} from '../model/scenarios/index.ts';
import { InputError } from './inputError.ts';
import { markBuiltIn, resolveScenario } from './scenarioDefinition.ts';

markBuiltIn(CATALOGUE);

const resolved = new WeakMap<object, Scenario>();

/** The scenario of a definition, resolved on first use (`origin`: the file it comes from). */
export function scenarioOf(def: DefinedScenario, origin?: string): Scenario {
  let s = resolved.get(def);
  if (s === undefined) {
    s = resolveScenario(def, origin);
    resolved.set(def, s);
  }
  return s;
}

export const SCENARIOS: readonly Scenario[] = CATALOGUE.map((def) => scenarioOf(def));

export function scenarioNamed(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

export function variantNamed(scenario: Scenario, name: string): VariantSpec | undefined {
  return scenario.variants.find((v) => v.name === name);
}

/** A built-in scenario by name, or an InputError listing them (and how to give your own). */
export function findScenario(name: string, known: readonly Scenario[] = []): Scenario {
  const scenario = known.find((s) => s.name === name) ?? scenarioNamed(name);
  if (scenario === undefined) {
    const names = [...known, ...SCENARIOS].map((s) => s.name).join(', ');
    throw new InputError(
      `unknown scenario '${name}' (scenarios: ${names}; for a scenario of your own, give its file with --scenario-file)`,
    );
  }
  return scenario;
}
