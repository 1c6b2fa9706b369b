/**
 * Loading a module of the user's own (a variant file): the one place that loads tsx, and only for
 * a TypeScript file (.ts, .mts, .cts), which tsx compiles without type-checking; JavaScript is
 * imported as it is. Before the first load, resolution hooks are registered once per thread
 * (userModuleHooks.mjs): `clockcheck` in the user's file means this clockcheck, from its sources
 * or compiled, and a .ts file outside node_modules is an ES module. Errors are the loader's own;
 * the caller words them.
 */
import { register } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MODULE_EXT } from './packageRoot.ts';

let hooksRegistered = false;

function registerHooks(): void {
  if (hooksRegistered) return;
  register(new URL('./userModuleHooks.mjs', import.meta.url), {
    data: { self: new URL(`../index${MODULE_EXT}`, import.meta.url).href },
  });
  hooksRegistered = true;
}

const TYPESCRIPT = /\.[cm]?ts$/;

/** The exports of the user's module at `path`. */
export async function importUserModule(path: string): Promise<Record<string, unknown>> {
  registerHooks();
  const url = pathToFileURL(resolve(path)).href;
  if (!TYPESCRIPT.test(path)) return (await import(url)) as Record<string, unknown>;
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
}
