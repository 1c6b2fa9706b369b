/**
 * Where clockcheck's own files are. It runs either from its TypeScript sources (development, the
 * tests, `npx tsx`) or compiled into dist/ (the installed package), where every module sits one
 * folder deeper; the extension of this very module tells which.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Running compiled (dist/check/packageRoot.js), not from the sources (check/packageRoot.ts). */
export const COMPILED = !new URL(import.meta.url).pathname.endsWith('.ts');

/** The folder of package.json, README.md, counterexamples/ and examples/. */
export const PACKAGE_ROOT = fileURLToPath(new URL(COMPILED ? '../../' : '../', import.meta.url));

/** The extension of clockcheck's modules as they run: `.ts` from the sources, `.js` compiled. */
export const MODULE_EXT = COMPILED ? '.js' : '.ts';

let version: string | undefined;

/** The version in clockcheck's package.json. */
export function toolVersion(): string {
  version ??= (
    JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
  ).version;
  return version;
}
