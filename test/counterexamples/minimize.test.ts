import { describe, expect, it } from 'vitest';
import { runCheck } from '../../check/runCheck.ts';
import { minimizeTrace, type Minimized } from '../../counterexamples/minimize.ts';
import { replayTrace } from '../../counterexamples/replay.ts';
import { parseTraceFile, serializeTrace, type TraceFile } from '../../counterexamples/traceFile.ts';
import { target } from '../helpers.ts';
import { actionsOf, committedFiles, loadCommitted, padTrace } from './committed.ts';

/** The minimized trace as a file, read back: what `clockcheck minimize` writes. */
function written(input: TraceFile, min: Minimized): TraceFile {
  const text = serializeTrace(
    { ...input.meta, params: min.target.params, message: min.message },
    min.states,
    min.actions,
  );
  return parseTraceFile(text, 'min.itf.json');
}

/** The length of the shortest violation breadth-first search finds for the trace's scenario. */
function bfsShortest(trace: TraceFile): number {
  const { scenario, variant, params, invariant } = trace.meta;
  const run = runCheck(target(scenario, variant, params, invariant), { stopOnViolation: true });
  return run.result.violations[0]!.trace.actions.length;
}

function expectReplays(file: TraceFile): void {
  expect(replayTrace(file).outcome).toEqual({
    kind: 'violated',
    step: file.steps.length - 1,
    message: file.meta.message,
  });
}

describe('minimize: traces padded with irrelevant actions', () => {
  it.each(committedFiles())('%s: back to no longer than the BFS shortest', (file) => {
    const trace = loadCommitted(file);
    const padded = padTrace(trace, 6);
    expect(padded.steps.length).toBeGreaterThan(trace.steps.length);
    expectReplays(padded);

    const min = minimizeTrace(padded, { shrinkParams: false });
    expect(min.actions.length).toBeLessThanOrEqual(bfsShortest(trace));
    expect(min.removed.length).toBe(padded.steps.length - 1 - min.actions.length);
    expect(min.paramChanges).toEqual([]);
    expectReplays(written(padded, min));
  });

  it('with parameter shrinking too: shorter, smaller, and replayable', () => {
    const trace = loadCommitted('unsynced-tsc/no-clamp.guest-monotonic.itf.json');
    const padded = padTrace(trace, 6);
    const min = minimizeTrace(padded);
    expect(min.actions.length).toBeLessThanOrEqual(4);
    const skew = min.paramChanges.find((c) => c.name === 'tscSkewPpm');
    expect(skew?.from).toBe(100);
    expect(skew!.to).toBeLessThan(100);
    expect(skew!.to).toBeGreaterThan(0); // no skew, no bug: it cannot shrink to 0
    const file = written(padded, min);
    expect(file.meta.params['tscSkewPpm']).toBe(skew!.to);
    expectReplays(file);
    // The states are recomputed with the new parameters, not copied from the input.
    expect(file.steps.at(-1)!.state).not.toEqual(padded.steps.at(-1)!.state);
  });
});

describe('minimize: a trace that is already minimal', () => {
  it.each(committedFiles())('%s keeps its length and its actions', (file) => {
    const trace = loadCommitted(file);
    const min = minimizeTrace(trace, { shrinkParams: false });
    expect(min.actions.length).toBe(trace.steps.length - 1);
    expect(min.removed).toEqual([]);
    if (min.actionChanges.length === 0) expect(min.actions).toEqual(actionsOf(trace));
    expectReplays(written(trace, min));
  });

  it('shrinks parameters and the values of actions, and says how', () => {
    const trace = loadCommitted('unsynced-tsc/no-clamp.guest-monotonic.itf.json');
    const min = minimizeTrace(trace);
    expect(min.actions.length).toBe(4);
    expect(min.paramChanges.map((c) => c.name)).toEqual(
      expect.arrayContaining(['tscSkewPpm', 'reads', 'migrations']),
    );
    expect(min.paramChanges.find((c) => c.name === 'reads')).toEqual({
      name: 'reads',
      from: 3,
      to: 2,
    });
    const advance = min.actionChanges.find((c) => c.from.kind === 'timeAdvance')!;
    expect(advance.step).toBe(1);
    expect((advance.to as { to: number }).to).toBeLessThan(1_000_000);
    expectReplays(written(trace, min));
  });

  it('leaves an invariant’s tolerance and a platform rate alone', () => {
    const trace = loadCommitted('masterclock-update/update-on-hotplug.kvmclock-step.itf.json');
    const min = minimizeTrace(trace);
    expect(min.target.params['stepBoundNs']).toBe(trace.meta.params['stepBoundNs']);
    // tscKhz shrunk toward its minimum would still step, by another amount: a different bug.
    expect(trace.meta.params['tscKhz']).toBe(2_500_000);
    expect(min.target.params['tscKhz']).toBe(2_500_000);
    expect(min.message).toMatch(/\(bound 100 ns\)$/);
  });

  it('is deterministic', () => {
    const padded = padTrace(
      loadCommitted('pvclock-read/host-bulk-copy.pvti-consistent.itf.json'),
      4,
    );
    const a = minimizeTrace(padded);
    const b = minimizeTrace(padded);
    expect(serializeTrace(padded.meta, a.states, a.actions)).toBe(
      serializeTrace(padded.meta, b.states, b.actions),
    );
    expect(a.paramChanges).toEqual(b.paramChanges);
  });
});
