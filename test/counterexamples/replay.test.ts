import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayTrace } from '../../counterexamples/replay.ts';
import { parseTraceFile } from '../../counterexamples/traceFile.ts';

const DIR = join(import.meta.dirname, '../../counterexamples');

function committed(): string[] {
  return readdirSync(DIR, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.itf.json'))
    .sort();
}

function load(file: string) {
  return parseTraceFile(readFileSync(join(DIR, file), 'utf8'), file);
}

describe('committed counterexamples', () => {
  it('include the shortest unsynced-tsc no-clamp violation', () => {
    expect(committed()).toContain('unsynced-tsc/no-clamp.guest-monotonic.itf.json');
  });

  it.each(committed())('%s still reproduces step for step', (file) => {
    const trace = load(file);
    const replay = replayTrace(trace);
    expect(replay.outcome).toEqual({
      kind: 'violated',
      step: trace.steps.length - 1,
      message: trace.meta.message,
    });
  });
});

describe('replay', () => {
  const file = 'unsynced-tsc/no-clamp.guest-monotonic.itf.json';

  it('names the step, field, expected and actual value when a recorded state differs', () => {
    const doc = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as {
      states: { tasks: { lastRead: { value: unknown } }[] }[];
    };
    doc.states[2]!.tasks[0]!.lastRead.value = { '#bigint': '1001000100' };
    const replay = replayTrace(parseTraceFile(JSON.stringify(doc), 'tampered'));
    expect(replay.outcome).toEqual({
      kind: 'mismatch',
      step: 2,
      path: 'tasks[0].lastRead.value',
      expected: '1001000100',
      actual: '1001000099',
    });
  });

  it('reports an action that is not enabled, with what is', () => {
    const doc = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as {
      states: { '#meta': { action: unknown } }[];
    };
    doc.states[3]!['#meta'].action = { kind: 'taskMigrate', task: 0, to: 0 };
    const replay = replayTrace(parseTraceFile(JSON.stringify(doc), 'tampered'));
    expect(replay.outcome.kind).toBe('not-enabled');
    expect(replay.outcome).toMatchObject({
      step: 3,
      action: { kind: 'taskMigrate', task: 0, to: 0 },
    });
  });

  it('on the fixed variant the same actions no longer break the invariant', () => {
    const replay = replayTrace(load(file), { variant: 'global-clamp' });
    expect(replay.sameVariant).toBe(false);
    expect(replay.outcome).toEqual({ kind: 'holds' });
  });
});
