import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main.ts';
import { cli } from '../../helpers.ts';
import { COUNTEREXAMPLES } from '../../counterexamples/committed.ts';

const file = join(COUNTEREXAMPLES, 'unsynced-tsc/no-clamp.guest-monotonic.itf.json');
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

function onTerminal(...argv: string[]): string {
  let out = '';
  main(argv, { out: (t) => void (out += t), err: () => undefined, isTTY: true });
  return out;
}

describe('clockcheck show', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('prints the table and the message; exit 0', () => {
    const r = cli('show', file);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^step │ t \(ns\)/m);
    expect(r.out).toContain(
      '✗ guest-monotonic violated at step 4 (t=1000000 ns): task 0 read 1000999999',
    );
    expect(r.out).not.toMatch(ANSI);
  });

  it('colours as Node decides: on a colour terminal, never with --no-color, NO_COLOR, FORCE_COLOR=0 or TERM=dumb', () => {
    for (const name of [
      'FORCE_COLOR',
      'NO_COLOR',
      'NODE_DISABLE_COLORS',
      'CI',
      'COLORTERM',
      'TMUX',
    ])
      vi.stubEnv(name, undefined);
    vi.stubEnv('TERM', 'xterm-256color');
    expect(onTerminal('show', file)).toMatch(ANSI);
    expect(onTerminal('--no-color', 'show', file)).not.toMatch(ANSI);
    expect(cli('show', file).out).not.toMatch(ANSI); // not a terminal
    vi.stubEnv('NO_COLOR', '1');
    expect(onTerminal('show', file)).not.toMatch(ANSI);
    vi.stubEnv('NO_COLOR', undefined);
    vi.stubEnv('TERM', 'dumb');
    expect(onTerminal('show', file)).not.toMatch(ANSI);
    vi.stubEnv('TERM', 'xterm-256color');
    vi.stubEnv('FORCE_COLOR', '0');
    expect(onTerminal('show', file)).not.toMatch(ANSI);
    vi.stubEnv('FORCE_COLOR', '1');
    expect(cli('show', file).out).toMatch(ANSI); // forced on, even off a terminal
  });

  it('--html never overwrites without --force and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clockcheck-'));
    const out = join(dir, 'view.html');
    writeFileSync(out, 'mine');
    const r = cli('show', file, '--html', out);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`clockcheck: ${out} exists; pass --force to overwrite it\n`);
    expect(readFileSync(out, 'utf8')).toBe('mine');
    expect(cli('show', file, '--html', out, '--force')).toMatchObject({
      code: 0,
      out: `timeline of ${file} written to ${out}\n`,
    });
    expect(readFileSync(out, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(readdirSync(dir)).toEqual(['view.html']);
  });

  it('bad input: not a counterexample; one line, exit 2, no page written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clockcheck-'));
    const junk = join(dir, 'junk.itf.json');
    writeFileSync(junk, '[]');
    const r = cli('show', junk, '--html', join(dir, 'out.html'));
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/junk\.itf\.json: /);
    expect(existsSync(join(dir, 'out.html'))).toBe(false);
  });
});
