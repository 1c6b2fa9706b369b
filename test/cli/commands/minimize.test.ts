import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializeTrace } from '../../../counterexamples/traceFile.ts';
import { defaultMinimizedName } from '../../../cli/commands/minimize.ts';
import { cli } from '../../helpers.ts';
import { loadCommitted, padTrace } from '../../counterexamples/committed.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'clockcheck-'));

/** A padded copy of a committed counterexample, written to a fresh folder. */
function paddedFile(name: string, extra: number): string {
  const padded = padTrace(loadCommitted(name), extra);
  const file = join(tmp(), 'padded.itf.json');
  const text = serializeTrace(
    padded.meta,
    padded.steps.map((s) => s.state),
    padded.steps.slice(1).map((s) => s.action!),
  );
  writeFileSync(file, text);
  return file;
}

describe('clockcheck minimize', () => {
  it('removes the padding, says which steps went, writes a replayable file beside the input', () => {
    const file = paddedFile('unsynced-tsc/no-clamp.guest-monotonic.itf.json', 2);
    const r = cli('minimize', file, '--keep-params');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/guest-monotonic: 6 steps → 4 /);
    expect(r.out).toMatch(
      /removed 2 steps: 1 \(guestRead task=0 step=whole\), 3 \(timeAdvance to=2000000\)/,
    );
    const out = defaultMinimizedName(file);
    expect(out).toBe(file.replace(/\.itf\.json$/, '.min.itf.json'));
    expect(r.out).toContain(`replay it: npx clockcheck replay ${out}`);
    const replay = cli('replay', out);
    expect(replay.code).toBe(0);
    expect(replay.out).toContain('reproduced: guest-monotonic violated at step 4');
  });

  it('reports parameter changes, and says so when there is nothing to remove', () => {
    const out = join(tmp(), 'min.itf.json');
    const committed = join(
      import.meta.dirname,
      '../../../counterexamples/unsynced-tsc/no-clamp.guest-monotonic.itf.json',
    );
    const r = cli('minimize', committed, '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/4 steps → 4 /);
    expect(r.out).toMatch(/parameters: tscSkewPpm 100 → \d+, /);
    expect(r.out).toMatch(/step 1: timeAdvance to=1000000 → timeAdvance to=\d+/);
    expect(JSON.parse(readFileSync(out, 'utf8'))['#meta'].params.tscSkewPpm).toBeLessThan(100);
    const kept = cli('minimize', committed, '--out', join(tmp(), 'k.itf.json'), '--keep-params');
    expect(kept.out).toContain(
      'already minimal: no step could be removed, no parameter or value shrunk',
    );
  });

  it('never overwrites a file without --force, nor leaves a partial one', () => {
    const file = paddedFile(
      'arm64-counter-offset/per-vcpu-absolute-restore.vcpu-counter-equal.itf.json',
      2,
    );
    const dir = join(file, '..');
    const before = readFileSync(file, 'utf8');
    const same = cli('minimize', file, '--out', file);
    expect(same.code).toBe(2);
    expect(same.err).toBe(`clockcheck: ${file} exists; pass --force to overwrite it\n`);
    expect(readFileSync(file, 'utf8')).toBe(before);
    writeFileSync(defaultMinimizedName(file), 'mine');
    expect(cli('minimize', file).code).toBe(2);
    expect(readFileSync(defaultMinimizedName(file), 'utf8')).toBe('mine');
    expect(cli('minimize', file, '--force').code).toBe(0);
    expect(readFileSync(defaultMinimizedName(file), 'utf8')).toContain('"#meta"');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('bad input: a missing file, a trace that no longer violates; one line, exit 2, nothing written', () => {
    const dir = tmp();
    expect(cli('minimize', join(dir, 'absent.itf.json'))).toMatchObject({
      code: 2,
      err: expect.stringMatching(/cannot read .*absent\.itf\.json: ENOENT\n$/),
    });
    const committed = join(
      import.meta.dirname,
      '../../../counterexamples/unsynced-tsc/no-clamp.guest-monotonic.itf.json',
    );
    const doc = JSON.parse(readFileSync(committed, 'utf8'));
    doc['#meta'].params.tscSkewPpm = 0;
    const file = join(dir, 'noskew.itf.json');
    writeFileSync(file, JSON.stringify(doc));
    const r = cli('minimize', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /the trace does not violate guest-monotonic on today's model, so there is nothing to minimize/,
    );
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(existsSync(defaultMinimizedName(file))).toBe(false);
  });
});
