/**
 * Loading a user's variant file (TypeScript, compiled as it loads: userModule.ts). The file exports
 * one or more defineVariant(...) results, as its default export or named exports. Whatever goes
 * wrong (no such file, a syntax error, an import that does not resolve, a throw at load time, no
 * variant among the exports, a bad name inside one) is an InputError: one line naming the file
 * and what was expected.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isDefinedVariant } from './defineVariant.ts';
import { InputError } from './inputError.ts';
import { importUserModule } from './userModule.ts';
import type { ModelDescriptor } from '../explorer/index.ts';
import {
  resolveTarget,
  targetOptionsOf,
  type CustomVariant,
  type Target,
  type TargetOptions,
} from './resolve.ts';
import { resolveUserVariant } from './userVariant.ts';

const EXPECTED =
  "expected a TypeScript module that exports defineVariant({...}) from 'clockcheck' (default or named)";

/** The gist of a load error in one line (a compile error's heading is followed by its line). */
function firstLine(e: unknown): string {
  const lines = (e instanceof Error ? e.message : String(e))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const [first = 'unknown error', second] = lines;
  return first.endsWith(':') && second !== undefined ? `${first} ${second}` : first;
}

/** The module's exports that are variants, each once (a default export may also be named). */
function variantsIn(module: Readonly<Record<string, unknown>>): unknown[] {
  const found: unknown[] = [];
  for (const value of Object.values(module))
    if (isDefinedVariant(value) && !found.includes(value)) found.push(value);
  return found;
}

/** The variants `file` defines, resolved; only the one named `only` when given. */
export async function loadVariantFile(file: string, only?: string): Promise<CustomVariant[]> {
  const path = resolve(file);
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch (e) {
    throw new InputError(
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)} (${EXPECTED})`,
    );
  }
  if (!isFile) throw new InputError(`${file} is not a file (${EXPECTED})`);
  let module: Record<string, unknown>;
  try {
    module = await importUserModule(path);
  } catch (e) {
    throw new InputError(`${file} failed to load: ${firstLine(e)} (${EXPECTED})`);
  }
  const found = variantsIn(module);
  if (found.length === 0) throw new InputError(`${file} exports no variant (${EXPECTED})`);
  const variants = found.map((v) => resolveUserVariant(v, file));
  const names = variants.map((v) => v.spec.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new InputError(`${file} defines variant '${twice}' twice`);
  if (only === undefined) return variants;
  const chosen = variants.filter((v) => v.spec.name === only);
  if (chosen.length === 0)
    throw new InputError(`${file} has no variant '${only}' (it defines: ${names.join(', ')})`);
  return chosen;
}

/**
 * What a worker thread needs to rebuild a user's variant's model (explorer/parallel): models are
 * functions and cannot be sent to a thread, so each worker loads the variant's file again.
 */
export function variantFileDescriptor(target: Target): ModelDescriptor {
  const custom = target.custom;
  let isFile = false;
  try {
    isFile = custom !== undefined && statSync(custom.origin).isFile();
  } catch {
    isFile = false;
  }
  if (custom === undefined || !isFile) {
    throw new InputError(
      `--workers rebuilds the model in each worker thread from the variant's file; variant '${target.variant.name}' has none: use one worker`,
    );
  }
  return {
    module: import.meta.url,
    export: 'variantFileModel',
    args: [{ ...targetOptionsOf(target), variant: custom.spec.name }, resolve(custom.origin)],
  };
}

/** The model of a user's variant, loaded from its file (see variantFileDescriptor). */
export async function variantFileModel(
  options: TargetOptions & { readonly variant: string },
  file: string,
): Promise<Target['model']> {
  const [custom] = await loadVariantFile(file, options.variant);
  return resolveTarget({ ...options, variant: custom! }).model;
}
