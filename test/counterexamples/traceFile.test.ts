import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/index.ts';
import { counterexampleText } from '../../check/runCheck.ts';
import { parseTraceFile, TraceFileError } from '../../counterexamples/traceFile.ts';
import { target } from '../helpers.ts';

function noClampText(): string {
  const t = target('unsynced-tsc', 'no-clamp');
  const v = explore(t.model).violations[0]!;
  return counterexampleText(t, v);
}

function parseError(json: unknown): string {
  try {
    parseTraceFile(typeof json === 'string' ? json : JSON.stringify(json), 'f.itf.json');
  } catch (e) {
    expect(e).toBeInstanceOf(TraceFileError);
    return (e as Error).message;
  }
  throw new Error('parsed without error');
}

describe('counterexample files', () => {
  it('round-trip: meta, vars, actions and every integer as #bigint', () => {
    const text = noClampText();
    const doc = JSON.parse(text) as { states: Record<string, unknown>[] };
    expect(JSON.stringify(doc.states[0]!['now'])).toBe('{"#bigint":"0"}');
    const trace = parseTraceFile(text, 'f');
    expect(trace.meta).toMatchObject({
      scenario: 'unsynced-tsc',
      variant: 'no-clamp',
      invariant: 'guest-monotonic',
    });
    expect(trace.meta.params).toMatchObject({ tscSkewPpm: 100 });
    expect(trace.meta.modelHash).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(trace.vars).toEqual([
      'now',
      'tscLead',
      'host',
      'pcpus',
      'kvm',
      'vcpus',
      'tasks',
      'guest',
      'vmm',
      'ext',
    ]);
    expect(trace.steps.map((s) => s.action?.kind ?? 'init')).toEqual([
      'init',
      'timeAdvance',
      'guestRead',
      'taskMigrate',
      'guestRead',
    ]);
  });

  it('is byte-for-byte the same when written twice', () => {
    expect(noClampText()).toBe(noClampText());
  });

  it('rejects text that is not JSON, naming the file', () => {
    expect(parseError('{"#meta":')).toMatch(/^f\.itf\.json: not JSON/);
  });

  it('rejects a foreign ITF trace (no clockcheck #meta)', () => {
    const apalache = {
      '#meta': { format: 'ITF', source: 'MC.tla' },
      vars: ['x'],
      states: [{ '#meta': { index: 0 }, x: { '#bigint': '1' } }],
    };
    expect(parseError(apalache)).toMatch(/^f\.itf\.json: #meta\..*clockcheck counterexample/);
  });

  it('rejects a plain JSON number where ITF wants {"#bigint"}, with its path', () => {
    const doc = JSON.parse(noClampText()) as { states: Record<string, unknown>[] };
    doc.states[2]!['now'] = 1000000;
    expect(parseError(doc)).toBe(
      'f.itf.json: states[2].now: the integer 1000000 must be written {"#bigint": "1000000"}',
    );
  });

  it('rejects malformed #bigint digits, unknown action kinds and missing variables', () => {
    const base = () =>
      JSON.parse(noClampText()) as { vars: string[]; states: Record<string, unknown>[] };
    const a = base();
    a.states[1]!['now'] = { '#bigint': '12x' };
    expect(parseError(a)).toMatch(/states\[1\]\.now: expected \{"#bigint"/);
    const b = base();
    b.states[1]!['#meta'] = { index: 1, action: { kind: 'teleport' } };
    expect(parseError(b)).toMatch(/states\[1\]\.#meta\.action/);
    const c = base();
    delete c.states[3]!['guest'];
    expect(parseError(c)).toMatch(/states\[3\] has variables/);
    const d = base();
    d.states[2]!['#meta'] = { index: 5, action: { kind: 'taskMigrate', task: 0, to: 1 } };
    expect(parseError(d)).toMatch(/states\[2\]\.#meta\.index is 5, expected 2/);
  });
});
