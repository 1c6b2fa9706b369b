/**
 * Replaying a counterexample on today's model: re-execute each recorded action from the initial
 * state, checking that it is enabled, and (on the variant it was recorded with) that each
 * recomputed state equals the recorded one; then confirm the recorded invariant is violated. On
 * another variant of the same scenario, states are expected to differ and are not compared: the
 * question is whether the trace still breaks the invariant there. That other variant is a built-in
 * one's name or a CustomVariant (a user's proposed fix), checked for the trace's invariant even if
 * it does not list it.
 */
import { isDeepStrictEqual } from 'node:util';
import { InputError } from '../check/inputError.ts';
import { resolveTarget, type CustomVariant, type Target } from '../check/resolve.ts';
import { describeAction, type ClockAction } from '../model/actions.ts';
import type { ClockState } from '../model/state.ts';
import { diffItf, toItf, type ItfValue } from './itf.ts';
import type { TraceFile } from './traceFile.ts';

export type ReplayOutcome =
  /** The invariant fails at `step` (the recorded last step, or earlier). */
  | { readonly kind: 'violated'; readonly step: number; readonly message: string }
  /** Every action replayed and the invariant held throughout. */
  | { readonly kind: 'holds' }
  /** The action recorded for `step` is not enabled in the state before it. */
  | {
      readonly kind: 'not-enabled';
      readonly step: number;
      readonly action: ClockAction;
      readonly enabled: readonly ClockAction[];
    }
  /** Same variant: the recomputed state of `step` differs from the recorded one at `path`. */
  | {
      readonly kind: 'mismatch';
      readonly step: number;
      readonly path: string;
      readonly expected: string;
      readonly actual: string;
    };

export interface Replay {
  readonly target: Target;
  readonly sameVariant: boolean;
  readonly outcome: ReplayOutcome;
  /** The states as replayed (up to where the replay stopped). */
  readonly states: readonly ClockState[];
}

function firstDifference(recorded: Readonly<Record<string, ItfValue>>, actual: ClockState) {
  const [path, expected, got] = diffItf(recorded as ItfValue, toItf(actual))[0] ?? [];
  return path === undefined ? undefined : { path, expected: expected!, actual: got! };
}

export function replayTrace(
  trace: TraceFile,
  options: { readonly variant?: string | CustomVariant } = {},
): Replay {
  const { meta } = trace;
  const variant = options.variant ?? meta.variant;
  const target = resolveTarget({
    scenario: meta.scenario,
    variant,
    params: meta.params,
    ...(typeof variant === 'string'
      ? { invariant: meta.invariant }
      : { invariants: [meta.invariant] }),
  });
  const sameVariant = target.variant.name === meta.variant;
  const invariant = target.model.invariants[0];
  if (invariant === undefined)
    throw new InputError(`scenario ${meta.scenario} does not check ${meta.invariant}`);
  const { model } = target;

  const violatedAt = (state: ClockState, isLast: boolean): string | undefined =>
    invariant.when === 'always' || (isLast && model.actions(state).length === 0)
      ? invariant.check(state)
      : undefined;

  let state = model.init()[0]!;
  const states = [state];
  const done = (outcome: ReplayOutcome): Replay => ({ target, sameVariant, outcome, states });
  const last = trace.steps.length - 1;
  for (const [i, step] of trace.steps.entries()) {
    if (i > 0) {
      const enabled = model.actions(state);
      const action = enabled.find((a) => isDeepStrictEqual(a, step.action));
      if (action === undefined)
        return done({ kind: 'not-enabled', step: i, action: step.action!, enabled });
      state = model.next(state, action);
      states.push(state);
    }
    if (sameVariant) {
      const diff = firstDifference(step.state, state);
      if (diff !== undefined) return done({ kind: 'mismatch', step: i, ...diff });
    }
    const message = violatedAt(state, i === last);
    if (message !== undefined) return done({ kind: 'violated', step: i, message });
  }
  return done({ kind: 'holds' });
}

/** One line per outcome, as the CLI prints it. */
export function describeOutcome(replay: Replay, recordedSteps: number): string {
  const { outcome, target } = replay;
  const last = recordedSteps - 1;
  switch (outcome.kind) {
    case 'violated':
      return replay.sameVariant
        ? `reproduced: ${target.invariants[0]!.name} violated at step ${outcome.step}${outcome.step < last ? ` (recorded at step ${last})` : ''}: ${outcome.message}`
        : `still violated at step ${outcome.step} under ${target.variant.name}: ${outcome.message}`;
    case 'holds':
      return replay.sameVariant
        ? `not reproduced: every step replayed but ${target.invariants[0]!.name} holds at the end`
        : `neutralized: ${target.invariants[0]!.name} holds on this trace under ${target.variant.name}`;
    case 'not-enabled':
      return (
        `diverged at step ${outcome.step}: ${describeAction(outcome.action)} is not enabled` +
        `${replay.sameVariant ? '' : ` under ${target.variant.name}`} (enabled: ${outcome.enabled.map(describeAction).join('; ') || 'nothing'})`
      );
    case 'mismatch':
      return `diverged at step ${outcome.step}: ${outcome.path} is ${outcome.actual}, the trace recorded ${outcome.expected}`;
  }
}
