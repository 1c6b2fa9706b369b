/**
 * A hash of the model's source (model/ and invariants/), recorded in every counterexample so that a
 * replay can say when the model changed since the trace was written. From the sources it is
 * computed from the files; the build computes it the same way and writes it beside the compiled
 * module (modelHash.json), since the installed package has no model sources to read.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { COMPILED, PACKAGE_ROOT } from '../check/packageRoot.ts';

export { toolVersion } from '../check/packageRoot.ts';

const SOURCES = ['model', 'invariants'];
/** Written by the build (scripts/build.ts) beside dist/counterexamples/modelHash.js. */
export const BUILT_HASH_FILE = 'modelHash.json';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? sourceFiles(join(dir, e.name))
        : e.name.endsWith('.ts')
          ? [join(dir, e.name)]
          : [],
    )
    .sort();
}

/** The hash of the model sources under `root` (a clockcheck checkout). */
export function hashModelSources(root: string): string {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap((d) => sourceFiles(join(root, d)))) {
    hash.update(relative(root, file).replaceAll('\\', '/'));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return `sha256:${hash.digest('hex').slice(0, 16)}`;
}

function builtHash(): string {
  const file = new URL(BUILT_HASH_FILE, import.meta.url);
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { modelHash: string }).modelHash;
  } catch {
    throw new Error(
      `${file.pathname} is missing: clockcheck was compiled without its build step (npm run build)`,
    );
  }
}

let cached: string | undefined;

export function modelHash(): string {
  cached ??= COMPILED ? builtHash() : hashModelSources(PACKAGE_ROOT);
  return cached;
}
