import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, SOURCE_BIN } from '../helpers.ts';

/** A user's fix in a directory of its own: no package.json, no node_modules. */
function userFix(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'clockcheck-fix-')), 'my-fix.ts');
  writeFileSync(file, text);
  return file;
}

describe('the clockcheck executable with a variant file', () => {
  it('verify-fix loads a TypeScript file from anywhere, with no build step, and exits 0 when it holds', () => {
    const file = userFix(`import { defineVariant } from 'clockcheck';

export default defineVariant({
  scenario: 'unsynced-tsc',
  name: 'my-clamp',
  description: 'the guest clamps every read to the largest value returned so far',
  policies: {
    readClamp: (value, _flags, lastValue) =>
      value <= lastValue ? { value: lastValue, lastValue } : { value, lastValue: value },
  },
});
`);
    const r = spawnSync(
      process.execPath,
      [...SOURCE_BIN, 'verify-fix', 'unsynced-tsc', '--variant-file', file],
      {
        cwd: REPO,
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      '- without the fix (no-clamp): guest-monotonic is violated; shortest counterexample: 4 steps',
    );
    expect(r.stdout).toContain('Verdict: the fix holds within these bounds.');
  });

  it('a file that fails to load: one line on stderr, exit 2, no stack trace', () => {
    const file = userFix(
      `import { defineVariant } from 'clockcheck';\nexport default defineVariant(\n`,
    );
    const r = spawnSync(
      process.execPath,
      [...SOURCE_BIN, 'check', 'unsynced-tsc', '--variant-file', file],
      {
        cwd: REPO,
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^clockcheck: \S+my-fix\.ts failed to load: Transform failed with 1 error: \S+my-fix\.ts:3:0: ERROR: Unexpected end of file \(expected a TypeScript module that exports defineVariant\(\{\.\.\.\}\) from 'clockcheck' \(default or named\)\)\n$/,
    );
    expect(r.stdout).toBe('');
  });
});
