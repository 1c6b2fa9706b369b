import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveTarget } from '../../check/resolve.ts';
import { runCheck } from '../../check/runCheck.ts';
import { loadVariantFile } from '../../check/variantFile.ts';

const EXAMPLES = join(import.meta.dirname, '../../examples');
const EXPECTED =
  "expected a TypeScript module that exports defineVariant({...}) from 'clockcheck' (default or named)";

/** A file in a fresh directory with no package.json above it, as a user's might be. */
function userFile(text: string, name = 'fix.ts'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'clockcheck-variant-')), name);
  writeFileSync(file, text);
  return file;
}

const VARIANT = (name: string) => `defineVariant({
  scenario: 'unsynced-tsc',
  name: '${name}',
  description: 'clamp every read to the largest value returned so far',
  policies: { readClamp: 'last-value' },
})`;

describe('loadVariantFile', () => {
  it('loads the shipped examples', async () => {
    const [holds] = await loadVariantFile(join(EXAMPLES, 'rearm-remaining.ts'));
    const [broken] = await loadVariantFile(join(EXAMPLES, 'rearm-stale-target.ts'));
    expect([holds?.spec.name, broken?.spec.name]).toEqual([
      'rearm-remaining-user',
      'rearm-stale-target',
    ]);
    expect(holds?.base.name).toBe('recheck-and-block');
  });

  it("loads a file outside any package, resolving 'clockcheck' to this clockcheck", async () => {
    const file = userFile(
      `import { defineVariant, type ReadRecord } from 'clockcheck';\n` +
        `const unused: ReadRecord | undefined = undefined;\n` +
        `export default ${VARIANT('clamp')};\n`,
    );
    const variants = await loadVariantFile(file);
    expect(variants.map((v) => [v.scenario.name, v.spec.name, v.spec.policies])).toEqual([
      ['unsynced-tsc', 'clamp', { readClamp: 'last-value' }],
    ]);
    expect(variants[0]?.origin).toBe(file);
  });

  it('loads a reader of the user’s own, a few lines of the building blocks, and explores it', async () => {
    const file = userFile(
      `import { defineReader, defineVariant, rdtscp, readFields, readVersion, recheck,\n` +
        `  tscBeforeTimestamp, versionChanged } from 'clockcheck';\n` +
        `// Lutomirski (2014): rdtscp, that CPU's page, retry if the TSC predates the page's stamp.\n` +
        `const reader = defineReader({\n` +
        `  name: 'rdtscp',\n` +
        `  steps: [rdtscp(), readVersion({ clearLowBit: true }), readFields(),\n` +
        `    recheck({ retryIf: [tscBeforeTimestamp, versionChanged] })],\n` +
        `});\n` +
        `export default defineVariant({ scenario: 'pvclock-read', name: 'rdtscp-reader',\n` +
        `  description: 'rdtscp, retry if tsc < tsc_timestamp', base: 'host-odd-even',\n` +
        `  policies: { reader } });\n`,
    );
    const [variant] = await loadVariantFile(file);
    const { result } = runCheck(resolveTarget({ scenario: 'pvclock-read', variant: variant! }));
    expect(result.complete).toBe(true);
    expect(result.violations).toEqual([]);
    expect(result.stats.distinctStates).toBe(39804);
    const replaced = resolveTarget({ scenario: 'pvclock-read', variant: variant! }).config;
    expect(replaced.policies.reader.steps.map((s) => s.name)).toEqual([
      'rdtscp',
      'version',
      'fields',
      'check',
    ]);
  });

  it('collects named exports too, and picks one by name', async () => {
    const file = userFile(
      `import { defineVariant } from 'clockcheck';\n` +
        `export const a = ${VARIANT('clamp-a')};\nexport const b = ${VARIANT('clamp-b')};\n` +
        `export default a;\nexport const helper = 3;\n`,
    );
    expect((await loadVariantFile(file)).map((v) => v.spec.name)).toEqual(['clamp-a', 'clamp-b']);
    expect((await loadVariantFile(file, 'clamp-b')).map((v) => v.spec.name)).toEqual(['clamp-b']);
    await expect(loadVariantFile(file, 'clamp-c')).rejects.toThrow(
      `${file} has no variant 'clamp-c' (it defines: clamp-a, clamp-b)`,
    );
  });

  it('two variants of one name are an error', async () => {
    const file = userFile(
      `import { defineVariant } from 'clockcheck';\n` +
        `export const a = ${VARIANT('clamp')};\nexport const b = ${VARIANT('clamp')};\n`,
    );
    await expect(loadVariantFile(file)).rejects.toThrow(`${file} defines variant 'clamp' twice`);
  });

  const broken: [string, string, (file: string) => string][] = [
    [
      'a syntax error',
      `import { defineVariant } from 'clockcheck';\nexport default defineVariant({ scenario: ;\n`,
      (f) =>
        `${f} failed to load: Transform failed with 1 error: ${f}:2:41: ERROR: Unexpected ";" (${EXPECTED})`,
    ],
    [
      'a throw at load time',
      `throw new Error('half-written fix');\n`,
      (f) => `${f} failed to load: half-written fix (${EXPECTED})`,
    ],
    [
      'an import that does not resolve',
      `import { fix } from './elsewhere.ts';\nexport default fix;\n`,
      (f) =>
        `${f} failed to load: Cannot find module '${join(f, '../elsewhere.ts')}' imported from ${f} (${EXPECTED})`,
    ],
    [
      'no variant among the exports',
      `export const answer = 42;\n`,
      (f) => `${f} exports no variant (${EXPECTED})`,
    ],
    [
      'a variant with a bad name inside',
      `import { defineVariant } from 'clockcheck';\nexport default ${VARIANT('No Good')};\n`,
      (f) => `${f}: variant name "No Good" must be lowercase words joined by dashes`,
    ],
  ];
  it.each(broken)('%s: one line saying what was expected', async (_, text, message) => {
    const file = userFile(text);
    const error = await loadVariantFile(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).constructor.name).toBe('InputError');
    expect((error as Error).message).toBe(message(file));
  });

  it('a missing file or a directory is bad input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clockcheck-variant-'));
    await expect(loadVariantFile(join(dir, 'nope.ts'))).rejects.toThrow(
      `cannot read ${join(dir, 'nope.ts')}: ENOENT (${EXPECTED})`,
    );
    await expect(loadVariantFile(dir)).rejects.toThrow(`${dir} is not a file (${EXPECTED})`);
  });
});
