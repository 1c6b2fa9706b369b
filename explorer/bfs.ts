/**
 * Breadth-first exploration of a model's bounded state space. Level by level, so the first
 * violation found of each invariant is a shortest one. Visited states are kept as fingerprints (or
 * whole encodings in exact mode); a state object lives only while it waits in the frontier.
 */
import { Encoder } from './encoder.ts';
import type { Invariant, Model } from './model.ts';
import type {
  ExploreResult,
  Progress,
  SometimesResult,
  Trace,
  Truncation,
  Violation,
} from './result.ts';
import { NO_PARENT, StateLog } from './stateLog.ts';
import { replayPath } from './trace.ts';
import { ExactSet, FingerprintSet, type VisitedSet } from './visitedSet.ts';

export interface ExploreOptions {
  /** States at this depth are not expanded. */
  readonly maxDepth?: number;
  /** Stop after this many distinct states. */
  readonly maxStates?: number;
  /** Stop after this many milliseconds of the given clock. */
  readonly maxTimeMs?: number;
  /** Key the visited set on the full encoding instead of 64-bit fingerprints. */
  readonly exact?: boolean;
  /** Stop at the first violation of any invariant instead of exploring on for the others. */
  readonly stopOnViolation?: boolean;
  /** Milliseconds since some origin; used for the time limit and the rates in the stats only. */
  readonly clock?: () => number;
  /** Called every `progressEvery` distinct states (default 65536). */
  readonly onProgress?: (progress: Progress) => void;
  readonly progressEvery?: number;
}

interface Frontier<S> {
  states: S[];
  ids: number[];
}

interface Found {
  readonly invariant: Invariant<unknown>;
  readonly message: string;
  readonly id: number;
  readonly depth: number;
}

export function explore<S, A>(
  model: Model<S, A>,
  options: ExploreOptions = {},
): ExploreResult<S, A> {
  const clock = options.clock ?? (() => 0);
  const started = clock();
  const maxDepth = options.maxDepth ?? Infinity;
  const maxStates = options.maxStates ?? Infinity;
  const maxTimeMs = options.maxTimeMs ?? Infinity;
  const progressEvery = options.progressEvery ?? 65536;

  const visited: VisitedSet = options.exact ? new ExactSet() : new FingerprintSet();
  const log = new StateLog();
  const enc = new Encoder();
  const always = model.invariants.filter((inv) => inv.when === 'always');
  const terminal = model.invariants.filter((inv) => inv.when === 'terminal');
  const sometimes = model.sometimes ?? [];
  const sometimesDepth: (number | undefined)[] = sometimes.map(() => undefined);
  const found = new Map<string, Found>();

  let transitions = 0;
  let generated = 0; // initial states plus successors computed: the m of the collision estimate
  let depth = 0;
  let deepest = 0;
  let expanded = 0;
  let truncatedBy: Truncation | undefined;
  let failure: { message: string; id: number; action?: A } | undefined;

  const isNew = (state: S): boolean => {
    enc.reset();
    model.encode(state, enc);
    return visited.add(enc.words());
  };
  const checkAll = (
    invariants: readonly Invariant<S>[],
    state: S,
    id: number,
    at: number,
  ): void => {
    for (const inv of invariants) {
      if (found.has(inv.name)) continue;
      const message = inv.check(state);
      if (message !== undefined)
        found.set(inv.name, { invariant: inv as Invariant<unknown>, message, id, depth: at });
    }
  };
  const discovered = (state: S, id: number, at: number): void => {
    checkAll(always, state, id, at);
    for (let i = 0; i < sometimes.length; i++) {
      if (sometimesDepth[i] === undefined && sometimes[i]!.check(state)) sometimesDepth[i] = at;
    }
  };
  const shouldStop = (): boolean =>
    (options.stopOnViolation === true && found.size > 0) || truncatedBy !== undefined;

  let frontier: Frontier<S> = { states: [], ids: [] };
  try {
    for (const [index, state] of model.init().entries()) {
      generated++;
      if (!isNew(state)) continue;
      const id = log.push(NO_PARENT, index);
      frontier.states.push(state);
      frontier.ids.push(id);
      discovered(state, id, 0);
    }
  } catch (e) {
    failure = { message: errorMessage(e), id: -1 };
  }

  levels: while (failure === undefined && frontier.states.length > 0 && !shouldStop()) {
    if (depth >= maxDepth) {
      if (anySuccessorUnseen(model, frontier, enc, visited)) truncatedBy = 'depth';
      break;
    }
    const next: Frontier<S> = { states: [], ids: [] };
    for (let k = 0; k < frontier.states.length; k++) {
      const state = frontier.states[k]!;
      const id = frontier.ids[k]!;
      let action: A | undefined;
      try {
        const actions = model.actions(state);
        if (actions.length === 0) checkAll(terminal, state, id, depth);
        for (let i = 0; i < actions.length; i++) {
          action = actions[i]!;
          const successor = model.next(state, action);
          transitions++;
          generated++;
          if (!isNew(successor)) continue;
          deepest = depth + 1;
          const childId = log.push(id, i);
          next.states.push(successor);
          next.ids.push(childId);
          discovered(successor, childId, depth + 1);
          if (log.size % progressEvery === 0) {
            options.onProgress?.({
              distinctStates: log.size,
              transitions,
              depth: depth + 1,
              frontier: frontier.states.length - k + next.states.length,
              elapsedMs: clock() - started,
            });
          }
          if (log.size >= maxStates) truncatedBy = 'states';
        }
      } catch (e) {
        failure = { message: errorMessage(e), id, ...(action === undefined ? {} : { action }) };
        break levels;
      }
      if ((++expanded & 1023) === 0 && clock() - started >= maxTimeMs) truncatedBy = 'time';
      if (shouldStop()) break levels;
    }
    frontier = next;
    if (next.states.length > 0) depth++;
  }
  if (
    truncatedBy === undefined &&
    options.stopOnViolation === true &&
    found.size > 0 &&
    frontier.states.length > 0
  ) {
    truncatedBy = 'first-violation';
  }

  const elapsedMs = clock() - started;
  const n = log.size;
  const seconds = elapsedMs / 1000;
  const violations: Violation<S, A>[] = [];
  for (const inv of model.invariants) {
    const f = found.get(inv.name);
    if (f === undefined) continue;
    violations.push({
      invariant: inv.name,
      message: f.message,
      depth: f.depth,
      trace: replayPath(model, log.pathTo(f.id)),
    });
  }
  const sometimesResults: SometimesResult[] = sometimes.map((s, i) => {
    const at = sometimesDepth[i];
    return at === undefined
      ? { name: s.name, reached: false }
      : { name: s.name, reached: true, depth: at };
  });
  const complete = failure === undefined && truncatedBy === undefined;
  return {
    status: failure !== undefined ? 'error' : violations.length > 0 ? 'violation' : 'ok',
    complete,
    ...(truncatedBy === undefined ? {} : { truncatedBy }),
    violations,
    sometimes: sometimesResults,
    ...(failure === undefined ? {} : { error: errorWithTrace(model, log, failure) }),
    mode: options.exact ? 'exact' : 'fingerprint',
    stats: {
      distinctStates: n,
      transitions,
      maxDepth: deepest,
      elapsedMs,
      statesPerSecond: seconds > 0 ? n / seconds : 0,
      transitionsPerSecond: seconds > 0 ? transitions / seconds : 0,
      bytesPerState: n > 0 ? (visited.bytes + log.bytes) / n : 0,
      collisionProbability: options.exact ? 0 : (n * (generated - n)) / 2 ** 64,
    },
  };
}

/** Whether any state of `frontier` has a successor not yet visited (the depth bound cut something off). */
function anySuccessorUnseen<S, A>(
  model: Model<S, A>,
  frontier: Frontier<S>,
  enc: Encoder,
  visited: VisitedSet,
): boolean {
  for (const state of frontier.states) {
    for (const action of model.actions(state)) {
      enc.reset();
      model.encode(model.next(state, action), enc);
      if (!visited.has(enc.words())) return true;
    }
  }
  return false;
}

function errorWithTrace<S, A>(
  model: Model<S, A>,
  log: StateLog,
  failure: { message: string; id: number; action?: A },
): { message: string; trace: Trace<S, A>; action?: A } {
  const trace =
    failure.id < 0 ? { states: [], actions: [] } : replayPath(model, log.pathTo(failure.id));
  return {
    message: failure.message,
    trace,
    ...(failure.action === undefined ? {} : { action: failure.action }),
  };
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
