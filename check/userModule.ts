/**
 * Importing a user's file (a variant or scenario file): the one place that loads tsx, and only for
 * a TypeScript file (.ts, .mts, .cts), which tsx compiles without type-checking; JavaScript is
 * imported as it is. It loads as an ES module wherever it is, with `clockcheck` resolving to the
 * clockcheck that runs it, from its sources or compiled: before the first load, resolution hooks
 * are registered once per thread (userModuleHooks.mjs). Whatever goes wrong on the way (no such
 * file, a syntax error, an import that does not resolve, a throw at load time) is an InputError:
 * one line naming the file.
 */
import { statSync } from 'node:fs';
import { register } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from './inputError.ts';
import { MODULE_EXT } from './packageRoot.ts';

let hooksRegistered = false;

function registerHooks(): void {
  if (hooksRegistered) return;
  register(new URL('./userModuleHooks.mjs', import.meta.url), {
    data: { self: new URL(`../index${MODULE_EXT}`, import.meta.url).href },
  });
  hooksRegistered = true;
}

/** The gist of a load error in one line (a compile error's heading is followed by its line). */
function firstLine(e: unknown): string {
  const lines = (e instanceof Error ? e.message : String(e))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const [first = 'unknown error', second] = lines;
  return first.endsWith(':') && second !== undefined ? `${first} ${second}` : first;
}

const TYPESCRIPT = /\.[cm]?ts$/;

/** The module at `path` (a file: URL's path): TypeScript through tsx, loaded only then. */
async function load(path: string): Promise<Readonly<Record<string, unknown>>> {
  const url = pathToFileURL(path).href;
  if (!TYPESCRIPT.test(path)) return (await import(url)) as Record<string, unknown>;
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
}

/** The exports of the user's module `file`; `expected` says what it should be, for messages. */
export async function importUserModule(
  file: string,
  expected: string,
): Promise<Readonly<Record<string, unknown>>> {
  const path = resolve(file);
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch (e) {
    throw new InputError(
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)} (${expected})`,
    );
  }
  if (!isFile) throw new InputError(`${file} is not a file (${expected})`);
  registerHooks();
  try {
    return await load(path);
  } catch (e) {
    throw new InputError(`${file} failed to load: ${firstLine(e)} (${expected})`);
  }
}

/** The module's exports that `is` accepts, each once (a default export may also be named). */
export function exportsOf(
  module: Readonly<Record<string, unknown>>,
  is: (v: unknown) => boolean,
): unknown[] {
  const found: unknown[] = [];
  for (const value of Object.values(module))
    if (is(value) && !found.includes(value)) found.push(value);
  return found;
}
