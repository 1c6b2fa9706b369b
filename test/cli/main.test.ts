import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'clockcheck-'));

describe('clockcheck list', () => {
  it('lists each scenario with its variants and expected verdicts', () => {
    const r = cli('list');
    expect(r.code).toBe(0);
    expect(r.out).toContain('unsynced-tsc');
    expect(r.out).toMatch(/--variant no-clamp\s+guest-monotonic ✗/);
    expect(r.out).toMatch(/--variant global-clamp\s+guest-monotonic ✓/);
  });

  it('--json describes each parameter: name, meaning, default, range', () => {
    const list = JSON.parse(cli('list', '--json').out) as {
      scenarios: { name: string; params: { name: string; default: unknown; min?: number }[] }[];
    };
    const skew = list.scenarios
      .find((s) => s.name === 'unsynced-tsc')!
      .params.find((p) => p.name === 'tscSkewPpm')!;
    expect(skew).toMatchObject({ default: 100, min: 0, max: 10000, type: 'integer' });
  });

  it('lists one scenario when named; an unknown name is one line and exit 2', () => {
    const one = cli('list', 'unsynced-tsc');
    expect(one.code).toBe(0);
    expect(one.out).toMatch(/^unsynced-tsc: /);
    expect(one.out).not.toContain('pvclock-read');
    const bad = cli('list', 'unsynced');
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    expect(bad.err).toContain("unknown scenario 'unsynced'");
  });

  it('names each scenario’s baseline, what a fix is compared with', () => {
    expect(cli('list').out).toMatch(/--variant no-clamp .*\n.*\(baseline: the seed bug\)\n/);
    const list = JSON.parse(cli('list', '--json').out) as {
      scenarios: { name: string; baseline: string }[];
    };
    expect(list.scenarios.find((s) => s.name === 'tsc-deadline-ntp')?.baseline).toBe(
      'recheck-and-block',
    );
  });
});

describe('clockcheck check', () => {
  it('no-clamp: prints the violation with its numbers and the trace, writes the counterexample, exits 1', () => {
    const out = join(tmp(), 'cex.itf.json');
    const r = cli('check', 'unsynced-tsc', '--variant', 'no-clamp', '--out', out);
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ guest-monotonic violated at depth 4');
    expect(r.out).toContain(
      'task 0 read 1000999999 on vCPU1 at t=1000000ns after reading 1001000099 on vCPU0',
    );
    expect(r.out).toMatch(/4 {2}guestRead task=0 step=whole/);
    expect(r.out).toContain(`replay it: npx clockcheck replay ${out}`);
    expect(JSON.parse(readFileSync(out, 'utf8'))['#meta'].invariant).toBe('guest-monotonic');
  });

  it('global-clamp: says complete, no violation, exits 0', () => {
    const r = cli('check', 'unsynced-tsc', '--variant', 'global-clamp');
    expect(r.code).toBe(0);
    expect(r.out).toContain(': complete');
    expect(r.out).toContain('✓ guest-monotonic holds in every reachable state within the bounds');
  });

  it('a truncated run is never called verified: exit 3, or 0 with --allow-truncated', () => {
    const args = ['check', 'unsynced-tsc', '--variant', 'global-clamp', '--max-depth', '2'];
    const r = cli(...args);
    expect(r.code).toBe(3);
    expect(r.out).toContain('truncated by the depth limit');
    expect(r.out).toContain('not verified');
    // The same report (timings aside), with exit 0.
    const untimed = (out: string) => out.replace(/in \d+\.\d+ s/g, 'in T s');
    const allowed = cli(...args, '--allow-truncated');
    expect(allowed.code).toBe(0);
    expect(untimed(allowed.out)).toBe(untimed(r.out));
    // --require-complete asked for what is now the default; scripts that pass it keep working.
    expect(cli(...args, '--require-complete').code).toBe(3);
    // A violation is a violation, however the run ended.
    expect(cli('check', 'unsynced-tsc', '--variant', 'no-clamp', '--max-states', '100').code).toBe(
      1,
    );
  });

  it('never overwrites an existing file without --force, and leaves it intact', () => {
    const out = join(tmp(), 'mine.itf.json');
    writeFileSync(out, 'precious');
    const r = cli('check', 'unsynced-tsc', '--variant', 'no-clamp', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`clockcheck: ${out} exists; pass --force to overwrite it\n`);
    expect(readFileSync(out, 'utf8')).toBe('precious');
    expect(
      cli('check', 'unsynced-tsc', '--variant', 'no-clamp', '--out', out, '--force').code,
    ).toBe(1);
    expect(readFileSync(out, 'utf8')).toContain('"#meta"');
  });

  it.each([
    [
      ['check', 'nope'],
      "clockcheck: unknown scenario 'nope' (scenarios: tsc-deadline-ntp, masterclock-update, pvclock-read, unsynced-tsc, arm64-counter-offset; for a scenario of your own, give its file with --scenario-file)",
    ],
    [
      ['check', 'unsynced-tsc', '--variant', 'x'],
      "clockcheck: scenario unsynced-tsc has no variant 'x' (variants: no-clamp, global-clamp, stable-bit-with-skew, graf-swing-cap, graf-swing-cap-global-clamp)",
    ],
    [
      ['check', 'unsynced-tsc', '--param', 'skew=1'],
      "clockcheck: scenario unsynced-tsc has no parameter 'skew'",
    ],
    [
      ['check', 'unsynced-tsc', '--param', 'reads=many'],
      "clockcheck: parameter reads must be an integer from 0 to 8, not 'many'",
    ],
    [
      ['check', 'unsynced-tsc', '--param', 'splitReads=yes'],
      "clockcheck: parameter splitReads must be true or false, not 'yes'",
    ],
    [
      ['check', 'unsynced-tsc', '--max-states', 'lots'],
      "clockcheck: --max-states must be a non-negative integer, not 'lots'",
    ],
    [
      ['check', 'unsynced-tsc', '--max-time', '0'],
      "clockcheck: --max-time must be a positive number of seconds, not '0'",
    ],
    [
      ['check', 'unsynced-tsc', '--variant', 'no-clamp', '--invariant', 'no-lost-timer'],
      "clockcheck: unsynced-tsc / no-clamp does not check invariant 'no-lost-timer' (it checks: guest-monotonic)",
    ],
    [
      ['check', 'unsynced-tsc', '--invariant', 'no-lost-timer'],
      "clockcheck: no variant of unsynced-tsc checks invariant 'no-lost-timer' (it checks: guest-monotonic)",
    ],
    [['frobnicate'], "clockcheck: unknown command 'frobnicate'"],
  ])('bad input %j: one line naming what was wrong, exit 2', (argv, message) => {
    const r = cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err.startsWith(message)).toBe(true);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
  });
});

describe('check --invariant without --variant', () => {
  it('checks only the variants that check that invariant', () => {
    const r = cli('check', 'tsc-deadline-ntp', '--invariant', 'timer-lateness', '--quiet');
    expect(r.code).toBe(1);
    expect(r.out.match(/^tsc-deadline-ntp \/ [a-z-]+/gm)).toEqual([
      'tsc-deadline-ntp / raw-correlated',
    ]);
    expect(r.out).toContain('✗ timer-lateness violated at depth 15');
  });
});

describe('clockcheck replay', () => {
  const committed = join(
    import.meta.dirname,
    '../../counterexamples/unsynced-tsc/no-clamp.guest-monotonic.itf.json',
  );

  it('exits 0 when the recorded violation reproduces', () => {
    const r = cli('replay', committed);
    expect(r.code).toBe(0);
    expect(r.out).toContain('reproduced: guest-monotonic violated at step 4');
  });

  it('exits 1 naming the step, field, expected and actual values when the trace diverges', () => {
    const file = join(tmp(), 'tampered.itf.json');
    const doc = JSON.parse(readFileSync(committed, 'utf8'));
    doc.states[4].tasks[0].lastRead.vcpu = { '#bigint': '0' };
    writeFileSync(file, JSON.stringify(doc));
    const r = cli('replay', file);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'diverged at step 4: tasks[0].lastRead.vcpu is 1, the trace recorded 0',
    );
  });

  it('bad input: missing, not JSON, foreign; one line, exit 2', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'junk.itf.json'), 'not json');
    writeFileSync(join(dir, 'foreign.itf.json'), JSON.stringify({ vars: [], states: [] }));
    expect(cli('replay', join(dir, 'absent.itf.json'))).toMatchObject({
      code: 2,
      err: expect.stringMatching(/cannot read .*absent\.itf\.json: ENOENT\n$/),
    });
    expect(cli('replay', join(dir, 'junk.itf.json'))).toMatchObject({
      code: 2,
      err: expect.stringMatching(/junk\.itf\.json: not JSON/),
    });
    expect(cli('replay', join(dir, 'foreign.itf.json'))).toMatchObject({
      code: 2,
      err: expect.stringMatching(/foreign\.itf\.json: .*clockcheck counterexample/),
    });
    expect(existsSync(join(dir, 'absent.itf.json'))).toBe(false);
  });
});
