/**
 * Minimizing a counterexample: a shorter trace with smaller numbers that still breaks the same
 * invariant on the same scenario and variant.
 *
 * 1. Delta debugging over the action list (ddmin): a candidate is a subsequence of the actions,
 *    replayed from the initial state; every action must be enabled in turn, and the invariant must
 *    fail at the end, or earlier (the candidate is then cut there).
 * 2. Value shrinking: each scenario parameter the scenario lets shrink, toward its minimum, and
 *    each action's magnitude (an instant, an adjustment, a distance), toward smaller values. The
 *    actions are replayed with the new values; where a recorded action is no longer enabled, the
 *    enabled action of the same kind on the same things with the nearest magnitudes stands in.
 * 3. Again from 1, until nothing changes.
 *
 * Every step only accepts a failing candidate that is no longer than the current one, so the result
 * is never longer than the input. Deterministic: no randomness, fixed orders.
 */
import { isDeepStrictEqual } from 'node:util';
import { InputError } from '../check/inputError.ts';
import type { Target } from '../check/resolve.ts';
import { MAGNITUDE_FIELDS, type ClockAction } from '../model/actions.ts';
import type { ParamValues } from '../model/scenarios/index.ts';
import type { ClockState } from '../model/state.ts';
import { ddmin } from './ddmin.ts';
import type { Scenario } from '../model/scenarios/index.ts';
import { describeOutcome, replayTarget, replayTrace, type VariantChoice } from './replay.ts';
import { shrinkInteger } from './shrinkInteger.ts';
import type { TraceFile } from './traceFile.ts';

/** An action of the trace being minimized, with the step of the input trace it came from. */
interface Step {
  readonly origin: number;
  readonly action: ClockAction;
}

/** A failing run: the steps as executed (possibly cut short), the states and the message. */
interface Run {
  readonly steps: readonly Step[];
  readonly states: readonly ClockState[];
  readonly message: string;
}

export interface ParamChange {
  readonly name: string;
  readonly from: number | boolean;
  readonly to: number | boolean;
}

export interface ActionChange {
  /** Step in the minimized trace. */
  readonly step: number;
  /** Step of the input trace it stands for. */
  readonly origin: number;
  readonly from: ClockAction;
  readonly to: ClockAction;
}

export interface Minimized {
  readonly target: Target;
  readonly actions: readonly ClockAction[];
  /** Recomputed on today's model: the initial state, then one per action. */
  readonly states: readonly ClockState[];
  readonly message: string;
  /** Steps of the input trace (1-based, as `show` numbers them) that are gone, with their actions. */
  readonly removed: readonly { readonly step: number; readonly action: ClockAction }[];
  readonly paramChanges: readonly ParamChange[];
  readonly actionChanges: readonly ActionChange[];
  /** How many candidate traces were replayed, and rounds of value shrinking run. */
  readonly replays: number;
  readonly rounds: number;
}

export interface MinimizeOptions {
  /** Shrink the scenario's parameters too (default); false keeps them as recorded. */
  readonly shrinkParams?: boolean;
  /** The variant the trace was recorded with, when it is a user's (else found by name). */
  readonly variant?: VariantChoice;
  /** The user's scenarios, besides the catalogue's. */
  readonly scenarios?: readonly Scenario[];
}

/**
 * A cap on rounds of value shrinking and ddmin. Each round that changes something makes a value or
 * the length strictly smaller, so the loop ends anyway; but where failures are sparse (a 1 ns
 * rounding effect that shows only at some instants) a round may gain little, and parameters that
 * bound each other (a horizon and a gap) shrink in turns.
 */
const MAX_ROUNDS = 200;

function magnitudes(action: ClockAction): number[] {
  const fields = MAGNITUDE_FIELDS[action.kind] ?? [];
  return fields.map((f) => (action as unknown as Record<string, number>)[f]!);
}

function size(action: ClockAction): number {
  return magnitudes(action).reduce((sum, v) => sum + Math.abs(v), 0);
}

/** Same kind, and the same values in every field that is not a magnitude. */
function sameShape(a: ClockAction, b: ClockAction): boolean {
  if (a.kind !== b.kind) return false;
  const fields = MAGNITUDE_FIELDS[a.kind] ?? [];
  const rest = (x: ClockAction) =>
    Object.entries(x).filter(([k]) => !fields.includes(k) && k !== 'kind');
  return isDeepStrictEqual(rest(a), rest(b));
}

/** The enabled stand-in for `wanted`: same shape, nearest magnitudes, the smaller on a tie. */
function standIn(wanted: ClockAction, enabled: readonly ClockAction[]): ClockAction | undefined {
  const want = magnitudes(wanted);
  if (want.length === 0) return undefined;
  const distance = (a: ClockAction) =>
    magnitudes(a).reduce((sum, v, i) => sum + Math.abs(v - want[i]!), 0);
  return enabled
    .filter((a) => sameShape(a, wanted))
    .sort((a, b) => distance(a) - distance(b) || size(a) - size(b))[0];
}

export class Minimizer {
  replays = 0;
  private readonly targets = new Map<string, Target>();

  constructor(
    private readonly trace: TraceFile,
    private readonly options: Pick<MinimizeOptions, 'variant' | 'scenarios'> = {},
  ) {}

  target(params: ParamValues): Target {
    const key = JSON.stringify(params);
    let t = this.targets.get(key);
    if (t === undefined) {
      t = replayTarget(
        { ...this.trace.meta, params },
        this.options.variant,
        this.options.scenarios,
      ).target;
      this.targets.set(key, t);
    }
    return t;
  }

  /**
   * Replays `steps` from the initial state; the failing run if the invariant breaks (at the end
   * or earlier), else undefined. With `standIns`, an action that is not enabled may be replaced
   * by an enabled one of the same shape.
   */
  run(steps: readonly Step[], target: Target, standIns: boolean): Run | undefined {
    this.replays++;
    const { model } = target;
    const invariant = model.invariants[0]!;
    let state = model.init()[0]!;
    const states = [state];
    const done: Step[] = [];
    const violated = () => invariant.check(state);
    if (invariant.when === 'always' && violated() !== undefined) return undefined;
    for (const step of steps) {
      const enabled = model.actions(state);
      const action =
        enabled.find((a) => isDeepStrictEqual(a, step.action)) ??
        (standIns ? standIn(step.action, enabled) : undefined);
      if (action === undefined) return undefined;
      state = model.next(state, action);
      states.push(state);
      done.push({ origin: step.origin, action });
      if (invariant.when === 'always') {
        const message = violated();
        if (message !== undefined) return { steps: done, states, message };
      }
    }
    if (invariant.when === 'terminal' && model.actions(state).length === 0) {
      const message = violated();
      if (message !== undefined) return { steps: done, states, message };
    }
    return undefined;
  }
}

export function minimizeTrace(trace: TraceFile, options: MinimizeOptions = {}): Minimized {
  const replay = replayTrace(trace, {
    ...(options.variant === undefined ? {} : { variant: options.variant }),
    ...(options.scenarios === undefined ? {} : { scenarios: options.scenarios }),
  });
  const m = new Minimizer(trace, options);
  const original: Step[] = trace.steps
    .slice(1)
    .map((s, i) => ({ origin: i + 1, action: s.action! }));
  let params: ParamValues = replay.target.params;
  let best = m.run(original, m.target(params), false);
  if (best === undefined) {
    throw new InputError(
      `${trace.meta.scenario} / ${trace.meta.variant}: the trace does not violate ${trace.meta.invariant} on today's model, so there is nothing to minimize (${describeOutcome(replay, trace.steps.length)})`,
    );
  }

  const deltaDebug = (run: Run): Run => {
    let last = run;
    const target = m.target(params);
    ddmin(run.steps, (candidate) => {
      const r = m.run(candidate, target, false);
      if (r !== undefined) last = r;
      return r?.steps;
    });
    return last;
  };

  best = deltaDebug(best);
  let rounds = 0;
  while (rounds < MAX_ROUNDS) {
    rounds++;
    const before = best;
    if (options.shrinkParams !== false) {
      const shrunk = shrinkParams(m, best, params);
      best = shrunk.run;
      params = shrunk.params;
    }
    best = shrinkMagnitudes(m, best, params);
    if (best === before) break;
    best = deltaDebug(best);
  }

  const recorded = trace.meta.params;
  const kept = new Set(best.steps.map((s) => s.origin));
  return {
    target: m.target(params),
    actions: best.steps.map((s) => s.action),
    states: best.states,
    message: best.message,
    removed: original.filter((s) => !kept.has(s.origin)).map((s) => ({ step: s.origin, ...s })),
    paramChanges: Object.keys(params)
      .filter((name) => params[name] !== recorded[name])
      .map((name) => ({ name, from: recorded[name]!, to: params[name]! })),
    actionChanges: best.steps.flatMap((s, i) => {
      const from = original[s.origin - 1]!.action;
      return isDeepStrictEqual(from, s.action)
        ? []
        : [{ step: i + 1, origin: s.origin, from, to: s.action }];
    }),
    replays: m.replays,
    rounds,
  };
}

/** Each parameter in the scenario's order, to the smallest value that still fails. */
function shrinkParams(
  m: Minimizer,
  run: Run,
  params: ParamValues,
): { run: Run; params: ParamValues } {
  let best = run;
  let current = params;
  const scenario = m.target(params).scenario;
  for (const spec of scenario.params) {
    const value = current[spec.name];
    const attempt = (v: number | boolean) => {
      const next = { ...current, [spec.name]: v };
      const target = m.target(next);
      // A parameter this variant does not use (its configuration is the same) is left alone.
      if (isDeepStrictEqual(target.config, m.target(current).config)) return undefined;
      const r = m.run(best.steps, target, true);
      return r !== undefined && r.steps.length <= best.steps.length ? r : undefined;
    };
    if (spec.type === 'boolean') {
      const r = value === true ? attempt(false) : undefined;
      if (r !== undefined) [best, current] = [r, { ...current, [spec.name]: false }];
      continue;
    }
    if (spec.minimize === 'keep' || typeof value !== 'number') continue;
    const found = shrinkInteger(spec.min, value, attempt);
    if (found !== undefined)
      [best, current] = [found.result, { ...current, [spec.name]: found.value }];
  }
  return { run: best, params: current };
}

/** Each action with magnitudes, first to last, to the smallest enabled one that still fails. */
function shrinkMagnitudes(m: Minimizer, run: Run, params: ParamValues): Run {
  const target = m.target(params);
  const { model } = target;
  let best = run;
  for (let i = 0; i < best.steps.length; i++) {
    const step = best.steps[i]!;
    if (magnitudes(step.action).length === 0) continue;
    const alternatives = model
      .actions(best.states[i]!)
      .filter((a) => sameShape(a, step.action) && size(a) < size(step.action))
      .sort((a, b) => size(a) - size(b));
    for (const action of alternatives) {
      const candidate = [...best.steps];
      candidate[i] = { origin: step.origin, action };
      const r = m.run(candidate, target, true);
      if (r !== undefined && r.steps.length <= best.steps.length) {
        best = r;
        break;
      }
    }
  }
  return best;
}
