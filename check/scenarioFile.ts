/**
 * Loading a user's scenario file: it exports one or more defineScenario(...) results (default or
 * named exports). Each is resolved like a built-in scenario (scenarioDefinition.ts); a name that
 * is a built-in scenario's is refused, so a trace's scenario name always means one scenario.
 */
import {
  isDefinedScenario,
  type DefinedScenario,
  type Scenario,
} from '../model/scenarios/index.ts';
import { InputError } from './inputError.ts';
import { scenarioNamed, scenarioOf } from './scenarios.ts';
import { exportsOf, importUserModule } from './userModule.ts';

const EXPECTED =
  "expected a TypeScript module that exports defineScenario({...}) from 'clockcheck' (default or named)";

export async function loadScenarioFile(file: string): Promise<Scenario[]> {
  const module = await importUserModule(file, EXPECTED);
  const found = exportsOf(module, isDefinedScenario) as DefinedScenario[];
  if (found.length === 0) throw new InputError(`${file} exports no scenario (${EXPECTED})`);
  const scenarios = found.map((def) => {
    if (typeof def.name === 'string' && scenarioNamed(def.name) !== undefined)
      throw new InputError(
        `${file}: scenario '${def.name}' has the name of a built-in scenario: choose another`,
      );
    return scenarioOf(def, file);
  });
  const names = scenarios.map((s) => s.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new InputError(`${file} defines scenario '${twice}' twice`);
  return scenarios;
}
