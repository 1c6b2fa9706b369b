/** The committed counterexamples, and padding one with irrelevant actions (for minimize tests). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Minimizer } from '../../counterexamples/minimize.ts';
import { replayTarget } from '../../counterexamples/replay.ts';
import { parseTraceFile, serializeTrace, type TraceFile } from '../../counterexamples/traceFile.ts';
import type { ClockAction } from '../../model/actions.ts';

export const COUNTEREXAMPLES = join(import.meta.dirname, '../../counterexamples');

/** Paths relative to counterexamples/, sorted. */
export function committedFiles(): string[] {
  return readdirSync(COUNTEREXAMPLES, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.itf.json'))
    .sort();
}

export function loadCommitted(file: string): TraceFile {
  return parseTraceFile(readFileSync(join(COUNTEREXAMPLES, file), 'utf8'), file);
}

export function actionsOf(trace: TraceFile): ClockAction[] {
  return trace.steps.slice(1).map((s) => s.action!);
}

/**
 * `trace` with up to `extra` actions inserted that were enabled where they were inserted, such
 * that every recorded action still replays in turn and the invariant still fails only at the
 * end. Positions are visited round-robin from the start; at each, the enabled actions are tried
 * from the last listed (deterministic, and varied: later-listed ones differ from the recorded).
 * Written through the file format, as a user's padded trace would be.
 */
export function padTrace(trace: TraceFile, extra: number): TraceFile {
  const m = new Minimizer(trace);
  const target = replayTarget(trace.meta).target;
  let actions = actionsOf(trace);
  let inserted = 0;
  let progress = true;
  while (inserted < extra && progress) {
    progress = false;
    for (let at = 0; at <= actions.length && inserted < extra; at++) {
      const before = m.run(
        actions.slice(0, at).map((action, i) => ({ origin: i + 1, action })),
        target,
        false,
      );
      // A prefix that already fails cannot take an insertion without failing early.
      if (before !== undefined) continue;
      let state = target.model.init()[0]!;
      for (const a of actions.slice(0, at)) state = target.model.next(state, a);
      const candidates = target.model
        .actions(state)
        .filter((a) => !isDeepStrictEqual(a, actions[at]))
        .reverse();
      for (const extraAction of candidates) {
        const padded = [...actions.slice(0, at), extraAction, ...actions.slice(at)];
        const run = m.run(
          padded.map((action, i) => ({ origin: i + 1, action })),
          target,
          false,
        );
        if (run !== undefined && run.steps.length === padded.length) {
          actions = padded;
          inserted++;
          progress = true;
          at++;
          break;
        }
      }
    }
  }
  const run = m.run(
    actions.map((action, i) => ({ origin: i + 1, action })),
    target,
    false,
  )!;
  const text = serializeTrace({ ...trace.meta, message: run.message }, run.states, actions);
  return parseTraceFile(text, 'padded.itf.json');
}
