/**
 * What an exploration has found so far (the first violation of each invariant, the depth at which
 * each `sometimes` property was first reached, why it stopped early, an error thrown by the
 * model), and the assembly of the final result from it: shared by the single-threaded explorer
 * and the coordinator of the worker threads.
 */
import type { Invariant, Model } from './model.ts';
import type { ExploreResult, SometimesResult, Trace, Truncation, Violation } from './result.ts';
import type { StateLog } from './stateLog.ts';
import { replayPath } from './trace.ts';

export interface Found {
  readonly message: string;
  /** Id of the violating state (in discovery order). */
  readonly id: number;
  readonly depth: number;
}

export interface Failure<A> {
  readonly message: string;
  /** Id of the state being expanded when the model threw (-1: while computing the initial states). */
  readonly id: number;
  readonly action?: A;
}

export class Findings<S, A> {
  readonly found = new Map<string, Found>();
  readonly sometimesDepth: (number | undefined)[];
  truncatedBy: Truncation | undefined;
  failure: Failure<A> | undefined;
  private readonly always: readonly Invariant<S>[];
  private readonly terminals: readonly Invariant<S>[];

  constructor(private readonly model: Model<S, A>) {
    this.always = model.invariants.filter((inv) => inv.when === 'always');
    this.terminals = model.invariants.filter((inv) => inv.when === 'terminal');
    this.sometimesDepth = (model.sometimes ?? []).map(() => undefined);
  }

  /** A new state: check the `always` invariants and the `sometimes` properties on it. */
  discovered(state: S, id: number, depth: number): void {
    this.check(this.always, state, id, depth);
    const sometimes = this.model.sometimes;
    if (sometimes === undefined) return;
    for (let i = 0; i < sometimes.length; i++) {
      if (this.sometimesDepth[i] === undefined && sometimes[i]!.check(state))
        this.sometimesDepth[i] = depth;
    }
  }

  /** A state without enabled actions: check the `terminal` invariants on it. */
  terminal(state: S, id: number, depth: number): void {
    this.check(this.terminals, state, id, depth);
  }

  /** Records a violation found elsewhere (a worker), keeping the first in discovery order. */
  record(invariant: string, found: Found): void {
    const known = this.found.get(invariant);
    if (known === undefined || found.id < known.id) this.found.set(invariant, found);
  }

  /** Records that a `sometimes` property was reached at `depth`, keeping the smallest. */
  reached(index: number, depth: number): void {
    const known = this.sometimesDepth[index];
    if (known === undefined || depth < known) this.sometimesDepth[index] = depth;
  }

  truncate(by: Truncation): void {
    this.truncatedBy ??= by;
  }

  fail(e: unknown, id: number, action?: A): void {
    this.failure = {
      message: e instanceof Error ? e.message : String(e),
      id,
      ...(action === undefined ? {} : { action }),
    };
  }

  shouldStop(stopOnViolation: boolean): boolean {
    return (
      this.failure !== undefined ||
      this.truncatedBy !== undefined ||
      (stopOnViolation && this.found.size > 0)
    );
  }

  /** At the end: a run stopped at its first violation with states left to expand was cut short. */
  finishedWithFrontier(frontierLeft: boolean, stopOnViolation: boolean): void {
    if (this.truncatedBy === undefined && stopOnViolation && this.found.size > 0 && frontierLeft)
      this.truncatedBy = 'first-violation';
  }

  private check(invariants: readonly Invariant<S>[], state: S, id: number, depth: number): void {
    for (let i = 0; i < invariants.length; i++) {
      const inv = invariants[i]!;
      if (this.found.has(inv.name)) continue;
      const message = inv.check(state);
      if (message !== undefined) this.found.set(inv.name, { message, id, depth });
    }
  }
}

export interface RunFigures {
  readonly mode: 'fingerprint' | 'exact';
  readonly distinctStates: number;
  readonly transitions: number;
  /** Initial states plus successors computed: the m of the collision estimate. */
  readonly generated: number;
  readonly maxDepth: number;
  readonly elapsedMs: number;
  /** Bytes of the visited set and the state log. */
  readonly storedBytes: number;
  /** Whether states were keyed on their symmetry class. */
  readonly symmetry: boolean;
  readonly workers?: number;
}

export function assembleResult<S, A>(
  model: Model<S, A>,
  findings: Findings<S, A>,
  log: StateLog,
  figures: RunFigures,
): ExploreResult<S, A> {
  const n = figures.distinctStates;
  const seconds = figures.elapsedMs / 1000;
  const violations: Violation<S, A>[] = [];
  for (const inv of model.invariants) {
    const f = findings.found.get(inv.name);
    if (f === undefined) continue;
    violations.push({
      invariant: inv.name,
      message: f.message,
      depth: f.depth,
      trace: replayPath(model, log.pathTo(f.id)),
    });
  }
  const sometimes: SometimesResult[] = (model.sometimes ?? []).map((s, i) => {
    const at = findings.sometimesDepth[i];
    return at === undefined
      ? { name: s.name, reached: false }
      : { name: s.name, reached: true, depth: at };
  });
  const failure = findings.failure;
  const truncatedBy = findings.truncatedBy;
  return {
    status: failure !== undefined ? 'error' : violations.length > 0 ? 'violation' : 'ok',
    complete: failure === undefined && truncatedBy === undefined,
    ...(truncatedBy === undefined ? {} : { truncatedBy }),
    violations,
    sometimes,
    ...(failure === undefined ? {} : { error: errorWithTrace(model, log, failure) }),
    mode: figures.mode,
    stats: {
      distinctStates: n,
      transitions: figures.transitions,
      maxDepth: figures.maxDepth,
      elapsedMs: figures.elapsedMs,
      statesPerSecond: seconds > 0 ? n / seconds : 0,
      transitionsPerSecond: seconds > 0 ? figures.transitions / seconds : 0,
      storedBytes: figures.storedBytes,
      bytesPerState: n > 0 ? figures.storedBytes / n : 0,
      collisionProbability: figures.mode === 'exact' ? 0 : (n * (figures.generated - n)) / 2 ** 64,
      symmetry: figures.symmetry,
      workers: figures.workers ?? 1,
    },
  };
}

function errorWithTrace<S, A>(
  model: Model<S, A>,
  log: StateLog,
  failure: Failure<A>,
): { message: string; trace: Trace<S, A>; action?: A } {
  const trace =
    failure.id < 0 ? { states: [], actions: [] } : replayPath(model, log.pathTo(failure.id));
  return {
    message: failure.message,
    trace,
    ...(failure.action === undefined ? {} : { action: failure.action }),
  };
}
