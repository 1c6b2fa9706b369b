/**
 * A hash of the model's source (model/ and invariants/), recorded in every counterexample so that a
 * replay can say when the model changed since the trace was written.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['model', 'invariants'];

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

let cached: string | undefined;

export function modelHash(): string {
  if (cached === undefined) {
    const hash = createHash('sha256');
    for (const file of SOURCES.flatMap((d) => sourceFiles(join(ROOT, d)))) {
      hash.update(relative(ROOT, file).replaceAll('\\', '/'));
      hash.update('\0');
      hash.update(readFileSync(file));
      hash.update('\0');
    }
    cached = `sha256:${hash.digest('hex').slice(0, 16)}`;
  }
  return cached;
}

export function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
