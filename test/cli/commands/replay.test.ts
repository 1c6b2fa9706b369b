import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliAsync } from '../../helpers.ts';
import { COUNTEREXAMPLES } from '../../counterexamples/committed.ts';

const folder = (scenario: string) => join(COUNTEREXAMPLES, scenario);

describe('clockcheck replay FOLDER', () => {
  it('replays every file, one line each, and a summary; exit 0 when all reproduce', () => {
    const r = cli('replay', folder('unsynced-tsc'));
    expect(r.code).toBe(0);
    const lines = r.out
      .trim()
      .split('\n')
      .filter((l) => !l.includes('note: the model changed'));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /graf-swing-cap\.guest-monotonic\.itf\.json: reproduced: guest-monotonic violated at step 6/,
    );
    expect(lines[1]).toMatch(
      /no-clamp\.guest-monotonic\.itf\.json: reproduced: guest-monotonic violated at step 4/,
    );
    expect(lines[3]).toBe('3 files: 3 reproduced, 0 not reproduced, 0 diverged');
  });

  it('--variant: exit 0 only when every trace is neutralized', () => {
    // Graf's capped reads are steps global-clamp's reader has not: that trace diverges.
    const all = cli('replay', folder('unsynced-tsc'), '--variant', 'global-clamp');
    expect(all.code).toBe(1);
    expect(all.out).toContain('3 files: 2 neutralized, 0 still violated, 1 diverged');
    const two = mkdtempSync(join(tmpdir(), 'clockcheck-'));
    for (const f of ['no-clamp', 'stable-bit-with-skew'])
      copyFileSync(
        join(folder('unsynced-tsc'), `${f}.guest-monotonic.itf.json`),
        join(two, `${f}.guest-monotonic.itf.json`),
      );
    const fixed = cli('replay', two, '--variant', 'global-clamp');
    expect(fixed.code).toBe(0);
    expect(fixed.out).toContain('2 files: 2 neutralized, 0 still violated, 0 diverged');

    const notFixed = cli('replay', folder('tsc-deadline-ntp'), '--variant', 'rearm-remaining');
    expect(notFixed.code).toBe(1);
    expect(notFixed.out).toContain('still violated at step 15 under rearm-remaining');
    expect(notFixed.out).toContain(
      'diverged at step 7: timerInject vcpu=0 is not enabled under rearm-remaining',
    );
    expect(notFixed.out.trim().split('\n').at(-1)).toBe(
      '4 files: 1 neutralized, 0 still violated, 2 diverged, 1 not counted',
    );
  });

  it('a folder that check --all --out-dir wrote: the counterexamples in its scenario folders too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clockcheck-out-'));
    expect(cli('check', '--all', '--out-dir', dir, '--quiet').code).toBe(0);
    const r = cli('replay', dir);
    expect(r.code).toBe(0);
    const files = r.out.split('\n').filter((l) => l.includes(': reproduced: '));
    expect(files).toHaveLength(19);
    expect(files[0]).toMatch(
      new RegExp(`^${join(dir, 'arm64-counter-offset', 'per-vcpu-absolute-restore')}\\.`),
    );
    expect(r.out).toContain('19 files: 19 reproduced, 0 not reproduced, 0 diverged');
  });

  it('one file that diverges under the variant is not neutralized: exit 1', () => {
    const r = cli(
      'replay',
      join(folder('tsc-deadline-ntp'), 'recheck-and-block.no-lost-timer.itf.json'),
      '--variant',
      'pending-latch',
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'diverged at step 9: timeAdvance to=3000000 is not enabled under pending-latch',
    );
  });

  it('bad input: an empty folder, a bad file in the folder, an unknown variant; one line, exit 2', () => {
    const empty = mkdtempSync(join(tmpdir(), 'clockcheck-'));
    expect(cli('replay', empty)).toMatchObject({
      code: 2,
      out: '',
      err: expect.stringMatching(/holds no \.itf\.json files.*\n$/),
    });
    const mixed = mkdtempSync(join(tmpdir(), 'clockcheck-'));
    copyFileSync(
      join(folder('unsynced-tsc'), 'no-clamp.guest-monotonic.itf.json'),
      join(mixed, 'a.itf.json'),
    );
    writeFileSync(join(mixed, 'b.itf.json'), '{}');
    const bad = cli('replay', mixed);
    expect(bad.code).toBe(2);
    expect(bad.out).toBe('');
    expect(bad.err).toMatch(/b\.itf\.json: .*clockcheck counterexample/);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    const unknown = cli('replay', folder('unsynced-tsc'), '--variant', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toBe(
      "clockcheck: scenario unsynced-tsc has no variant 'nope' (variants: no-clamp, global-clamp, stable-bit-with-skew, graf-swing-cap, graf-swing-cap-global-clamp); for a variant of your own, give its file with --variant-file\n",
    );
  });
});

describe('clockcheck replay --variant-file', () => {
  const example = (name: string) => join(COUNTEREXAMPLES, '..', 'examples', name);
  const trace = example('rearm-stale-target.no-lost-timer.itf.json');

  it('a trace recorded with a user variant reproduces on it, step by step', async () => {
    const r = await cliAsync('replay', trace, '--variant-file', example('rearm-stale-target.ts'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\n {2}reproduced: no-lost-timer violated at step 15: /);
  });

  it('without the file, one line saying how to give it, exit 2', () => {
    const r = cli('replay', trace);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /has no variant 'rearm-stale-target' .*give its file with --variant-file\n$/,
    );
  });

  it('a folder on a user fix: the summary, exit 1 unless all are neutralized; another scenario’s fix: exit 2', async () => {
    const r = await cliAsync(
      'replay',
      folder('unsynced-tsc'),
      '--variant-file',
      example('rearm-remaining.ts'),
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/belongs to scenario tsc-deadline-ntp, not unsynced-tsc\n$/);
    const fix = await cliAsync(
      'replay',
      folder('tsc-deadline-ntp'),
      '--variant-file',
      example('rearm-remaining.ts'),
    );
    expect(fix.code).toBe(1);
    expect(fix.out.trim().split('\n').at(-1)).toBe(
      '4 files: 1 neutralized, 0 still violated, 2 diverged, 1 not counted',
    );
  });
});
