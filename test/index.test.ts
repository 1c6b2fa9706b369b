/**
 * clockcheck as a library: what `import ... from 'clockcheck'` offers, and where package.json
 * sends it. test/package.test.ts installs the packed package into a fresh project and uses it
 * from there (node, tsc, vitest).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as library from '../index.ts';

const REPO = join(import.meta.dirname, '..');

describe("import { checkScenario } from 'clockcheck'", () => {
  it('package.json exports the library and its types compiled into dist/', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(pkg['exports']).toEqual({
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './schemas/*': './dist/schemas/*',
      './package.json': './package.json',
    });
    expect(pkg['types']).toBe('./dist/index.d.ts');
    expect(Object.keys(library)).toEqual(
      expect.arrayContaining([
        'checkScenario',
        'defineVariant',
        'verifyFix',
        'guestTsc',
        'armForRemaining',
        'latchPending',
        'u64',
      ]),
    );
  });
});
