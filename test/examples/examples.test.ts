import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadVariantFile } from '../../check/variantFile.ts';
import { replayTrace } from '../../counterexamples/replay.ts';
import { parseTraceFile } from '../../counterexamples/traceFile.ts';

const DIR = join(import.meta.dirname, '../../examples');

async function variantOf(file: string) {
  const [variant] = await loadVariantFile(join(DIR, file));
  return variant!;
}

describe('examples/', () => {
  it('ships a fix that holds and one that does not, each with a test below', () => {
    expect(readdirSync(DIR).sort()).toEqual([
      'rearm-remaining.ts',
      'rearm-stale-target.no-lost-timer.itf.json',
      'rearm-stale-target.ts',
    ]);
  });

  // test/cli/verifyFix.test.ts runs `clockcheck verify-fix` on both: the first is verified, the
  // second is not.
  it('each defines one variant of tsc-deadline-ntp, starting from its baseline', async () => {
    for (const file of ['rearm-remaining.ts', 'rearm-stale-target.ts']) {
      const v = await variantOf(file);
      expect([v.scenario.name, v.base.name]).toEqual(['tsc-deadline-ntp', 'recheck-and-block']);
    }
  });

  it('the counterexample found for rearm-stale-target.ts replays step for step on it', async () => {
    const file = 'rearm-stale-target.no-lost-timer.itf.json';
    const trace = parseTraceFile(readFileSync(join(DIR, file), 'utf8'), file);
    expect(trace.meta).toMatchObject({
      scenario: 'tsc-deadline-ntp',
      variant: 'rearm-stale-target',
      invariant: 'no-lost-timer',
    });
    const replay = replayTrace(trace, { variant: await variantOf('rearm-stale-target.ts') });
    expect(replay.sameVariant).toBe(true);
    expect(replay.outcome).toEqual({
      kind: 'violated',
      step: trace.steps.length - 1,
      message: trace.meta.message,
    });
  });

  it('and the fix that holds neutralizes it', async () => {
    const file = 'rearm-stale-target.no-lost-timer.itf.json';
    const trace = parseTraceFile(readFileSync(join(DIR, file), 'utf8'), file);
    const replay = replayTrace(trace, { variant: await variantOf('rearm-remaining.ts') });
    expect(replay.sameVariant).toBe(false);
    expect(replay.outcome.kind).not.toBe('violated');
  });
});
