/**
 * clockcheck as a library, from a user's own project: a throwaway project in a temporary folder
 * with clockcheck in its node_modules (a symlink to this repository, as `npm link` or a `file:`
 * dependency makes it) runs the README's five-line vitest test, once for a fix that holds and once
 * for one that does not. Run twice: as vitest resolves the symlink by default (to this folder), and
 * with resolve.preserveSymlinks, where the sources stay under node_modules/clockcheck as in an
 * installed copy.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as library from '../index.ts';

const REPO = join(import.meta.dirname, '..');

const FIX = (
  name: string,
  body: string,
) => `import { armForRemaining, defineVariant, disarm, kick, latchPending } from 'clockcheck';

export default defineVariant({
  scenario: 'tsc-deadline-ntp',
  name: '${name}',
  description: 'a proposed hrtimer callback',
  policies: {
    hrtimerExpiry: (d, cfg, vcpu) => {
      disarm(d, vcpu);
      ${body}
    },
  },
});
`;

/** The README's test, word for word but for the file it imports. */
const TEST = (fix: string) => `import { expect, test } from 'vitest';
import { checkScenario } from 'clockcheck';
import myFix from './${fix}';

test('my fix holds', () => expect(checkScenario(myFix).problems).toEqual([]));
`;

function consumerProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'clockcheck-consumer-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(REPO, join(dir, 'node_modules', 'clockcheck'), 'dir');
  symlinkSync(join(REPO, 'node_modules', 'vitest'), join(dir, 'node_modules', 'vitest'), 'dir');
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  writeFileSync(
    join(dir, 'good-fix.ts'),
    FIX('good-fix', 'if (!armForRemaining(d, cfg, vcpu)) latchPending(d, vcpu);'),
  );
  writeFileSync(join(dir, 'bad-fix.ts'), FIX('bad-fix', 'kick(d, vcpu);'));
  writeFileSync(join(dir, 'good.test.ts'), TEST('good-fix.ts'));
  writeFileSync(join(dir, 'bad.test.ts'), TEST('bad-fix.ts'));
  return dir;
}

interface Report {
  testResults: {
    name: string;
    assertionResults: { status: string; failureMessages: string[] }[];
  }[];
}

/** Runs vitest in the project: the outcome of each test file, and what vitest printed. */
function runVitest(
  dir: string,
  config?: string,
): { outcomes: Record<string, string>; printed: string } {
  if (config !== undefined) writeFileSync(join(dir, 'vitest.config.mjs'), config);
  // The child is a vitest of its own, not a worker of this one: none of this run's environment.
  const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', NO_COLOR: '1' };
  const r = spawnSync(
    process.execPath,
    [
      join(REPO, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--reporter=default',
      '--reporter=json',
      '--outputFile.json=report.json',
    ],
    { cwd: dir, env, encoding: 'utf8', timeout: 60_000 },
  );
  expect(r.status, r.stderr).toBe(1); // one of the two tests fails
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
  const outcomes = Object.fromEntries(
    report.testResults.map((t) => [
      t.name.slice(dir.length + 1),
      t.assertionResults.map((a) => a.status).join(','),
    ]),
  );
  return { outcomes, printed: r.stdout + r.stderr };
}

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

  it("a user's tsc checks their variant file against clockcheck's types", () => {
    const dir = consumerProject();
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          strict: true,
          noEmit: true,
          // clockcheck ships its TypeScript sources, whose imports end in .ts.
          allowImportingTsExtensions: true,
          typeRoots: [join(REPO, 'node_modules/@types')],
          types: ['node'],
        },
        include: ['*-fix.ts', 'typo.ts'],
      }),
    );
    writeFileSync(
      join(dir, 'typo.ts'),
      FIX('typo', 'if (d.vcpus[vcpu]!.timer.pendng) latchPending(d, vcpu);'),
    );
    const r = spawnSync(
      process.execPath,
      [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', '.'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(r.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^typo\.ts\(\d+,\d+\): error TS2551: Property 'pendng' does not exist on type '.*GuestTimer>'\. Did you mean 'pending'\?$/,
      ),
    ]);
  });

  it("a user's vitest suite passes for a fix that holds and fails, naming the invariant, for one that does not", () => {
    const dir = consumerProject();
    const expectOutcomes = ({ outcomes, printed }: ReturnType<typeof runVitest>) => {
      expect(outcomes).toEqual({ 'bad.test.ts': 'failed', 'good.test.ts': 'passed' });
      // vitest's diff shows the problem: which invariant broke, where, with its numbers.
      expect(printed).toContain(
        'tsc-deadline-ntp / bad-fix: no-lost-timer was expected to hold but is violated at depth 15',
      );
    };
    expectOutcomes(runVitest(dir));
    expectOutcomes(runVitest(dir, 'export default { resolve: { preserveSymlinks: true } };\n'));
  });
});
