/**
 * Replaying a counterexample on today's model: re-execute each recorded action from the initial
 * state, checking that it is enabled, and (on the variant it was recorded with) that each
 * recomputed state equals the recorded one; then confirm the recorded invariant is violated. On
 * another variant of the same scenario (a proposed fix, built in or a user's own), states are
 * expected to differ and are not compared: the question is whether the trace still breaks the
 * invariant there.
 */
import { isDeepStrictEqual } from 'node:util';
import { InputError } from '../check/inputError.ts';
import { findScenario, resolveTarget, type CustomVariant, type Target } from '../check/resolve.ts';
import type { Scenario } from '../model/scenarios/index.ts';
import { describeAction, type ClockAction } from '../model/actions.ts';
import type { ClockState } from '../model/state.ts';
import { diffItf, toItf, type ItfValue } from './itf.ts';
import type { TraceFile, TraceMeta } from './traceFile.ts';

/** A difference between a recorded state and the recomputed one. */
export interface StateDifference {
  readonly path: string;
  readonly expected: string;
  readonly actual: string;
}

export type ReplayOutcome =
  /** The invariant fails at `step` (the recorded last step, or earlier). */
  | { readonly kind: 'violated'; readonly step: number; readonly message: string }
  /** Every action replayed and the invariant held throughout. */
  | { readonly kind: 'holds' }
  /**
   * The action recorded for `step` is not enabled in the state before it. On another variant,
   * `before` is where that state first differs from the recorded one (the likely reason).
   */
  | {
      readonly kind: 'not-enabled';
      readonly step: number;
      readonly action: ClockAction;
      readonly enabled: readonly ClockAction[];
      readonly before?: StateDifference;
    }
  /**
   * The invariant is judged only where no action is enabled (a bounded-response property), and
   * after the last recorded action some still are: the trace does not say how the run ends.
   */
  | { readonly kind: 'unfinished'; readonly step: number; readonly enabled: readonly ClockAction[] }
  /** Same variant: the recomputed state of `step` differs from the recorded one at `path`. */
  | ({ readonly kind: 'mismatch'; readonly step: number } & StateDifference);

export interface Replay {
  readonly target: Target;
  readonly sameVariant: boolean;
  readonly outcome: ReplayOutcome;
  /** The states as replayed (up to where the replay stopped). */
  readonly states: readonly ClockState[];
}

/** A variant to replay on: a name from the trace's scenario, or a user's own (CustomVariant). */
export type VariantChoice = string | CustomVariant;

/**
 * The model a trace replays on: the trace's scenario, parameters and invariant, with the variant
 * asked for (the recorded one by default). The recorded invariant is checked even when the variant
 * does not list it among its expected verdicts: the question is about this trace.
 */
export function replayTarget(
  meta: Pick<TraceMeta, 'scenario' | 'variant' | 'params' | 'invariant'>,
  variant: VariantChoice = meta.variant,
  known: readonly Scenario[] = [],
): { readonly target: Target; readonly sameVariant: boolean } {
  const scenario = findScenario(meta.scenario, known);
  if (typeof variant === 'string' && scenario.variants.every((v) => v.name !== variant)) {
    const known = scenario.variants.map((v) => v.name).join(', ');
    throw new InputError(
      `scenario ${scenario.name} has no variant '${variant}' (variants: ${known}); ` +
        `for a variant of your own, give its file with --variant-file`,
    );
  }
  const target = resolveTarget({
    scenario,
    variant,
    params: meta.params,
    invariants: [meta.invariant],
  });
  // A user's variant recorded under its own name replays on itself, state by state.
  return { target, sameVariant: target.variant.name === meta.variant };
}

function firstDifference(
  recorded: Readonly<Record<string, ItfValue>>,
  actual: ClockState,
): StateDifference | undefined {
  const [path, expected, got] = diffItf(recorded as ItfValue, toItf(actual))[0] ?? [];
  return path === undefined ? undefined : { path, expected: expected!, actual: got! };
}

/** Replays `trace` on a resolved target; `sameVariant` says whether to compare recorded states. */
export function replayOn(trace: TraceFile, target: Target, sameVariant: boolean): Replay {
  const { model } = target;
  const invariant = model.invariants[0];
  if (invariant === undefined) throw new InputError(`no invariant to replay against`);

  let state = model.init()[0]!;
  const states = [state];
  const done = (outcome: ReplayOutcome): Replay => ({ target, sameVariant, outcome, states });
  const last = trace.steps.length - 1;
  for (const [i, step] of trace.steps.entries()) {
    if (i > 0) {
      const enabled = model.actions(state);
      const action = enabled.find((a) => isDeepStrictEqual(a, step.action));
      if (action === undefined) {
        const before = sameVariant ? undefined : firstDifference(trace.steps[i - 1]!.state, state);
        return done({
          kind: 'not-enabled',
          step: i,
          action: step.action!,
          enabled,
          ...(before === undefined ? {} : { before }),
        });
      }
      state = model.next(state, action);
      states.push(state);
    }
    if (sameVariant) {
      const diff = firstDifference(step.state, state);
      if (diff !== undefined) return done({ kind: 'mismatch', step: i, ...diff });
    }
    if (invariant.when === 'always' || i === last) {
      const enabled = invariant.when === 'terminal' ? model.actions(state) : [];
      if (enabled.length > 0) return done({ kind: 'unfinished', step: i, enabled });
      const message = invariant.check(state);
      if (message !== undefined) return done({ kind: 'violated', step: i, message });
    }
  }
  return done({ kind: 'holds' });
}

/** Replays `trace` on the variant it was recorded with, or on another one. */
export function replayTrace(
  trace: TraceFile,
  options: { readonly variant?: VariantChoice; readonly scenarios?: readonly Scenario[] } = {},
): Replay {
  const { target, sameVariant } = replayTarget(trace.meta, options.variant, options.scenarios);
  return replayOn(trace, target, sameVariant);
}

/**
 * What a replay means. On the recorded variant: `reproduced` (violated at the recorded last step)
 * or not. On another variant (a fix): `neutralized` (every action replayed and the invariant
 * held), `still-violated`, or `diverged` (the trace could not be followed to its end, so it says
 * nothing about the fix).
 */
export type ReplayVerdict =
  'reproduced' | 'not-reproduced' | 'diverged' | 'neutralized' | 'still-violated';

export function replayVerdict(replay: Replay, recordedSteps: number): ReplayVerdict {
  const o = replay.outcome;
  if (replay.sameVariant) {
    if (o.kind === 'violated')
      return o.step === recordedSteps - 1 ? 'reproduced' : 'not-reproduced';
    return o.kind === 'mismatch' || o.kind === 'not-enabled' ? 'diverged' : 'not-reproduced';
  }
  if (o.kind === 'violated') return 'still-violated';
  return o.kind === 'holds' ? 'neutralized' : 'diverged';
}

/** Whether a replay is what the user hoped for: reproduced, or (on a fix) neutralized. */
export function replaySucceeded(verdict: ReplayVerdict): boolean {
  return verdict === 'reproduced' || verdict === 'neutralized';
}

const list = (actions: readonly ClockAction[]): string =>
  actions.map(describeAction).join('; ') || 'nothing';

/** One line per outcome, as the CLI prints it. */
export function describeOutcome(replay: Replay, recordedSteps: number): string {
  const { outcome, target } = replay;
  const last = recordedSteps - 1;
  const invariant = target.invariants[0]!.name;
  const under = replay.sameVariant ? '' : ` under ${target.variant.name}`;
  switch (outcome.kind) {
    case 'violated':
      return replay.sameVariant
        ? `reproduced: ${invariant} violated at step ${outcome.step}${outcome.step < last ? ` (recorded at step ${last})` : ''}: ${outcome.message}`
        : `still violated at step ${outcome.step}${under}: ${outcome.message}`;
    case 'holds':
      return replay.sameVariant
        ? `not reproduced: every step replayed but ${invariant} holds at the end`
        : `neutralized: ${invariant} holds on this trace${under}`;
    case 'not-enabled': {
      const why =
        outcome.before === undefined
          ? ''
          : `; the state before it differs from the recording at ${outcome.before.path} (${outcome.before.actual}, recorded ${outcome.before.expected})`;
      return `diverged at step ${outcome.step}: ${describeAction(outcome.action)} is not enabled${under}${why} (enabled: ${list(outcome.enabled)})`;
    }
    case 'unfinished':
      return (
        `diverged at step ${outcome.step}: the trace ends here but the run goes on${under}, ` +
        `so ${invariant} (judged where nothing is enabled) cannot be decided (enabled: ${list(outcome.enabled)})`
      );
    case 'mismatch':
      return `diverged at step ${outcome.step}: ${outcome.path} is ${outcome.actual}, the trace recorded ${outcome.expected}`;
  }
}
