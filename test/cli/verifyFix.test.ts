import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliAsync } from '../helpers.ts';

const ROOT = join(import.meta.dirname, '../..');
const EXAMPLES = join(ROOT, 'examples');
const HOLDS = join(EXAMPLES, 'rearm-remaining.ts');
const BROKEN = join(EXAMPLES, 'rearm-stale-target.ts');
const tmp = () => mkdtempSync(join(tmpdir(), 'clockcheck-'));

describe('clockcheck verify-fix', () => {
  it('a fix that holds: the baseline’s bug with its trace, the fix complete, every counterexample neutralized, exit 0', async () => {
    const json = join(tmp(), 'verdict.json');
    // As the README runs it, from the clockcheck folder.
    const file = 'examples/rearm-remaining.ts';
    expect(join(process.cwd(), file)).toBe(HOLDS);
    const r = await cliAsync(
      'verify-fix',
      'tsc-deadline-ntp',
      '--variant-file',
      file,
      '--json',
      json,
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // The README shows this very output (timings and the model's hash aside).
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const command = `$ npx clockcheck verify-fix tsc-deadline-ntp --variant-file ${file}\n`;
    const shown = readme.slice(readme.indexOf(command) + command.length);
    const timeless = (text: string) =>
      text
        .replace(/ in \d+\.\d+ s$/gm, ' in … s')
        .replace(/model sha256:[0-9a-f]+/g, 'model sha256:…')
        // Whether the saved traces carry today's model hash is not the README's concern.
        .replace(/^ {2}note: \d+ of them were written by an earlier model.*\n/gm, '')
        .replace(/ +$/gm, '')
        .trimEnd();
    expect(timeless(shown.slice(0, shown.indexOf('\n```')))).toBe(timeless(r.out));
    // (1) the baseline violates, with its shortest counterexample printed step by step
    expect(r.out).toContain('1. the baseline, recheck-and-block: does the bug reproduce?');
    expect(r.out).toContain('✗ no-lost-timer violated at depth 15');
    expect(r.out).toMatch(/ {4}15 {2}nohzIdleEnter pcpu=1/);
    // (2) the fix, exhaustively
    expect(r.out).toMatch(
      /tsc-deadline-ntp \/ rearm-remaining-user: .*\n.*\n {2}explored 7,842 states, 12,395 transitions, max depth 21: complete/,
    );
    // (3) every saved counterexample, replayed
    expect(r.out).toContain(
      'recheck-and-block.no-lost-timer.itf.json (15 steps)\n      diverged at step 13: timeAdvance to=4000000 is not enabled under rearm-remaining-user',
    );
    expect(r.out).toContain(
      'inject-always.timer-not-early.itf.json (6 steps)\n      neutralized: timer-not-early holds on every step under rearm-remaining-user',
    );
    expect(r.out).toContain(
      '(timer-lateness is not required of rearm-remaining-user: not counted)',
    );
    // (4) the verdict
    expect(r.out).toContain(
      '- with the fix (rearm-remaining-user): host-monotonic, no-lost-timer and timer-not-early hold in every interleaving within the bounds (7,842 states, depth 21, complete)',
    );
    expect(r.out).toContain('Verdict: the fix holds within these bounds.');

    const data = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown> & {
      fix: { distinctStates: number; complete: boolean };
      counterexamples: { file: string; outcome: string; required: boolean }[];
      verdict: string[];
    };
    expect(data).toMatchObject({ scenario: 'tsc-deadline-ntp', verified: true, problems: [] });
    expect(data.fix).toMatchObject({
      variant: 'rearm-remaining-user',
      distinctStates: 7842,
      complete: true,
    });
    expect(data.counterexamples.map((c) => [c.file, c.outcome, c.required])).toEqual([
      [
        'counterexamples/tsc-deadline-ntp/inject-always.timer-not-early.itf.json',
        'neutralized',
        true,
      ],
      ['counterexamples/tsc-deadline-ntp/pending-latch.timer-not-early.itf.json', 'diverged', true],
      [
        'counterexamples/tsc-deadline-ntp/raw-correlated.timer-lateness.itf.json',
        'still-violated',
        false,
      ],
      [
        'counterexamples/tsc-deadline-ntp/recheck-and-block.no-lost-timer.itf.json',
        'diverged',
        true,
      ],
    ]);
    // The printed verdict and the JSON's are the same lines.
    for (const line of data.verdict) expect(r.out).toContain(`  ${line}`);
  });

  it('a fix that does not hold: its counterexample, the baseline’s trace still violating, exit 1', async () => {
    const r = await cliAsync('verify-fix', 'tsc-deadline-ntp', '--variant-file', BROKEN);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'recheck-and-block.no-lost-timer.itf.json (15 steps)\n      still violated at step 15: vCPU0',
    );
    expect(r.out).toContain(
      '- saved counterexamples: 3 for these invariants, 1 still violates: recheck-and-block.no-lost-timer at step 15',
    );
    expect(r.out).toContain('! no-lost-timer was expected to hold but is violated at depth 15');
    expect(r.out).toContain('Verdict: the fix is NOT verified.');
  });

  it('a run truncated by a bound does not verify the fix', async () => {
    const r = await cliAsync(
      'verify-fix',
      'tsc-deadline-ntp',
      '--variant-file',
      HOLDS,
      '--max-depth',
      '10',
      '--quiet',
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain('! the baseline recheck-and-block violates nothing it is expected to');
    expect(r.out).toContain('! not complete (depth), so nothing it holds is proved');
  });

  it('bad input: one line naming what was wrong, exit 2, no output file', async () => {
    const dir = tmp();
    const json = join(dir, 'verdict.json');
    const nothing = join(dir, 'nothing.ts');
    writeFileSync(nothing, 'export const x = 1;\n');
    const cases: [string[], RegExp][] = [
      [
        ['verify-fix', 'tsc-deadline-ntp', '--variant-file', nothing, '--json', json],
        /^clockcheck: .*nothing\.ts exports no variant \(expected a TypeScript module that exports defineVariant\(\{\.\.\.\}\) from 'clockcheck' \(default or named\)\)\n$/,
      ],
      [
        ['verify-fix', 'unsynced-tsc', '--variant-file', HOLDS],
        /^clockcheck: .*rearm-remaining\.ts: variant 'rearm-remaining-user' belongs to scenario tsc-deadline-ntp, not unsynced-tsc\n$/,
      ],
      [
        ['verify-fix', 'no-such', '--variant-file', HOLDS],
        /^clockcheck: unknown scenario 'no-such' \(scenarios: .*\)\n$/,
      ],
      [
        ['verify-fix', 'tsc-deadline-ntp', '--variant-file', join(dir, 'missing.ts')],
        /^clockcheck: cannot read .*missing\.ts: ENOENT \(expected .*\)\n$/,
      ],
      [
        ['verify-fix', 'tsc-deadline-ntp', '--variant-file', HOLDS, '--variant', 'other'],
        /^clockcheck: .*rearm-remaining\.ts has no variant 'other' \(it defines: rearm-remaining-user\)\n$/,
      ],
      [
        ['verify-fix', 'tsc-deadline-ntp'],
        /^clockcheck: give the fix: --variant-file FILE \(your own variant\), or --variant NAME \(one of the scenario’s\)\n$/,
      ],
      [
        ['verify-fix', 'unsynced-tsc', '--variant', 'no-clamp'],
        /^clockcheck: no-clamp is unsynced-tsc's baseline \(its bug\), not a fix: name another variant\n$/,
      ],
    ];
    for (const [argv, message] of cases) {
      const r = await cliAsync(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.out).toBe('');
    }
    expect(existsSync(json)).toBe(false);
  });

  it('never overwrites the JSON file without --force', async () => {
    const json = join(tmp(), 'verdict.json');
    writeFileSync(json, 'precious');
    const r = await cliAsync(
      'verify-fix',
      'tsc-deadline-ntp',
      '--variant-file',
      HOLDS,
      '--json',
      json,
    );
    expect(r.code).toBe(2);
    expect(r.err).toBe(`clockcheck: ${json} exists; pass --force to overwrite it\n`);
    expect(readFileSync(json, 'utf8')).toBe('precious');
  });

  it('the synchronous entry point refuses it rather than finishing after returning', () => {
    const r = cli('verify-fix', 'tsc-deadline-ntp', '--variant-file', HOLDS);
    expect(r.code).toBe(1);
    expect(r.err).toContain('run it with mainAsync');
  });
});

describe('clockcheck check --variant-file', () => {
  it('checks the file’s variant like a built-in one and shows it beside the baseline', async () => {
    const r = await cliAsync('check', 'tsc-deadline-ntp', '--variant-file', HOLDS);
    expect(r.code).toBe(0);
    const table = r.out.slice(r.out.indexOf(`tsc-deadline-ntp: ${HOLDS}`));
    expect(table.split('\n').map((l) => l.replace(/\s+/g, ' ').trim())).toEqual([
      `tsc-deadline-ntp: ${HOLDS} side by side with the variant it starts from`,
      `invariant recheck-and-block (baseline) rearm-remaining-user (${HOLDS})`,
      'no-lost-timer ✗ at depth 15 ✓ holds',
      'timer-not-early ✓ holds ✓ holds',
      'host-monotonic ✓ holds ✓ holds',
      'explored 8,610 states, complete 7,842 states, complete',
      '',
    ]);
  });

  /** Two variants of the small unsynced-tsc scenario: one clamps reads, one does not. */
  function clampFile(): string {
    const file = join(tmp(), 'clamps.ts');
    const variant = (name: string, clamp: string) =>
      `defineVariant({ scenario: 'unsynced-tsc', name: '${name}', description: '${name}', policies: { readClamp: '${clamp}' } })`;
    writeFileSync(
      file,
      `import { defineVariant } from 'clockcheck';\n` +
        `export const clamp = ${variant('my-clamp', 'last-value')};\n` +
        `export const none = ${variant('my-none', 'none')};\n`,
    );
    return file;
  }

  it('checks every variant of the file; exit 1 when one violates; --out writes its counterexample', async () => {
    const file = clampFile();
    const all = await cliAsync('check', 'unsynced-tsc', '--variant-file', file);
    expect(all.code).toBe(1);
    expect(all.out.slice(all.out.indexOf('side by side')).split('\n')[1]).toMatch(
      /invariant +no-clamp \(baseline\) +my-clamp \(.*\) +my-none \(.*\)/,
    );
    const out = join(tmp(), 'cex.itf.json');
    const one = await cliAsync(
      'check',
      'unsynced-tsc',
      '--variant-file',
      file,
      '--variant',
      'my-none',
      '--out',
      out,
    );
    expect(one.code).toBe(1);
    expect(one.out).toContain(`counterexample written to ${out}`);
    expect(one.out).toContain(`replay it: npx clockcheck replay ${out} --variant-file ${file}`);
    const meta = (JSON.parse(readFileSync(out, 'utf8')) as { '#meta': Record<string, unknown> })[
      '#meta'
    ];
    expect(meta).toMatchObject({ variant: 'my-none', invariant: 'guest-monotonic' });
    const held = await cliAsync(
      'check',
      'unsynced-tsc',
      '--variant-file',
      file,
      '--variant',
      'my-clamp',
    );
    expect(held.code).toBe(0);
  });

  it('with --invariant, both sides check only that one', async () => {
    const r = await cliAsync(
      'check',
      'tsc-deadline-ntp',
      '--variant-file',
      HOLDS,
      '--invariant',
      'host-monotonic',
      '--param',
      'horizonNs=2000000',
    );
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('no-lost-timer');
    expect(r.out).toContain('host-monotonic   ✓ holds');
  });

  it('bad combinations are one line and exit 2', async () => {
    const all = await cliAsync('check', '--all', '--variant-file', HOLDS);
    expect([all.code, all.err]).toEqual([
      2,
      'clockcheck: --variant-file applies to one scenario, not to --all\n',
    ]);
    // Without a scenario name, the scenario is the one the file's variants belong to.
    const implied = await cliAsync('check', '--variant-file', HOLDS);
    expect([implied.code, implied.err]).toEqual([0, '']);
    expect(implied.out).toContain(`tsc-deadline-ntp: ${HOLDS} side by side`);
  });
});
