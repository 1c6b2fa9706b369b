import { describe, expect, it } from 'vitest';
import { cli, cliAsync } from '../helpers.ts';

describe('clockcheck check --workers', () => {
  it('explores on worker threads and prints the same verdicts, counts and trace as one thread', () => {
    const args = ['check', 'unsynced-tsc', '--variant', 'no-clamp', '--param', 'reads=4'];
    const one = cli(...args);
    const two = cli(...args, '--workers', '2');
    expect(two.code).toBe(one.code);
    expect(two.out).toContain('on 2 worker threads');
    const withoutTime = (text: string) => text.replace(/ in [\d.]+ s( on \d+ worker threads)?/, '');
    expect(withoutTime(two.out)).toBe(withoutTime(one.out));
  });

  it('a user variant file is loaded again in each worker: same counts and verdicts', async () => {
    const args = ['check', 'tsc-deadline-ntp', '--variant-file', 'examples/rearm-stale-target.ts'];
    const one = await cliAsync(...args, '--quiet');
    const two = await cliAsync(...args, '--quiet', '--workers', '2');
    expect(one.code).toBe(1);
    expect(two.code).toBe(1);
    expect(two.out).toContain('on 2 worker threads');
    const withoutTime = (text: string) =>
      text.replace(/ in [\d.]+ s( on \d+ worker threads)?/g, '');
    expect(withoutTime(two.out)).toBe(withoutTime(one.out));
  });

  it('--workers takes a whole number from 1 to 64, and not with --exact', () => {
    for (const bad of ['0', '65', '1.5', 'two']) {
      const r = cli('check', 'unsynced-tsc', '--workers', bad);
      expect(r.code).toBe(2);
      expect(r.err).toBe(
        `clockcheck: --workers must be a whole number from 1 to 64, not '${bad}'\n`,
      );
    }
    const exact = cli('check', 'unsynced-tsc', '--workers', '2', '--exact');
    expect(exact.code).toBe(2);
    expect(exact.err).toBe('clockcheck: --exact runs on one thread: drop --workers or --exact\n');
  });
});
