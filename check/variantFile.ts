/**
 * Loading a user's variant file: it exports one or more defineVariant(...) results, as its default
 * export or named exports. Whatever goes wrong (the file does not load, no variant among the
 * exports, a bad name inside one) is an InputError: one line naming the file and what was expected.
 */
import type { Scenario } from '../model/scenarios/index.ts';
import { isDefinedVariant } from './defineVariant.ts';
import { InputError } from './inputError.ts';
import type { CustomVariant } from './resolve.ts';
import { exportsOf, importUserModule } from './userModule.ts';
import { resolveUserVariant } from './userVariant.ts';

const EXPECTED =
  "expected a TypeScript module that exports defineVariant({...}) from 'clockcheck' (default or named)";

/**
 * The variants `file` defines, resolved; only the one named `only` when given. `known`: the user's
 * scenarios loaded so far (a variant may belong to one of them).
 */
export async function loadVariantFile(
  file: string,
  only?: string,
  known: readonly Scenario[] = [],
): Promise<CustomVariant[]> {
  const module = await importUserModule(file, EXPECTED);
  const found = exportsOf(module, isDefinedVariant);
  if (found.length === 0) throw new InputError(`${file} exports no variant (${EXPECTED})`);
  const variants = found.map((v) => resolveUserVariant(v, file, known));
  const names = variants.map((v) => v.spec.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new InputError(`${file} defines variant '${twice}' twice`);
  if (only === undefined) return variants;
  const chosen = variants.filter((v) => v.spec.name === only);
  if (chosen.length === 0)
    throw new InputError(`${file} has no variant '${only}' (it defines: ${names.join(', ')})`);
  return chosen;
}
