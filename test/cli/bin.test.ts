import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO, SOURCE_BIN } from '../helpers.ts';

describe('the clockcheck executable', () => {
  it('runs a check end to end and sets the exit code', () => {
    const r = spawnSync(
      process.execPath,
      [...SOURCE_BIN, 'check', 'unsynced-tsc', '--variant', 'no-clamp'],
      {
        cwd: REPO,
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('guest-monotonic violated at depth 4');
  });

  it('bad input: one line on stderr, exit 2, no stack trace', () => {
    const r = spawnSync(process.execPath, [...SOURCE_BIN, 'check', 'no-such-scenario'], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^clockcheck: unknown scenario 'no-such-scenario' \(scenarios: [^\n]*\)\n$/,
    );
    expect(r.stdout).toBe('');
  });

  it('output piped into a reader that stops early (| head) ends quietly, no stack trace', () => {
    const r = spawnSync(
      '/bin/sh',
      [
        '-c',
        `"${process.execPath}" ${SOURCE_BIN.map((a) => `"${a}"`).join(' ')} check unsynced-tsc --no-color | head -n 1`,
      ],
      { cwd: REPO, encoding: 'utf8' },
    );
    expect(r.stdout).toMatch(/^unsynced-tsc \/ no-clamp: /);
    expect(r.stderr).toBe('');
  });
});
