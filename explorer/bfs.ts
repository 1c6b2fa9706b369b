/**
 * Breadth-first exploration of a model's bounded state space. Level by level, so the first
 * violation found of each invariant is a shortest one. Visited states are kept as fingerprints (or
 * whole encodings in exact mode); a state object lives only while it waits in the frontier.
 */
import { Encoder } from './encoder.ts';
import { limitsOf } from './limits.ts';
import type { Model } from './model.ts';
import type { ExploreResult, Progress } from './result.ts';
import { Findings, assembleResult } from './findings.ts';
import { exploreParallel, type WorkerOptions } from './parallel/coordinator.ts';
import { StateLog } from './stateLog.ts';
import { SuccessorBatch } from './successorBatch.ts';
import { ExactSet, FingerprintSet, type VisitedSet } from './visitedSet.ts';

export interface ExploreOptions {
  /** States at this depth are not expanded. */
  readonly maxDepth?: number;
  /** Stop before storing more than this many distinct states. */
  readonly maxStates?: number;
  /** Stop after this many milliseconds of the given clock. */
  readonly maxTimeMs?: number;
  /** Stop when the explorer's arrays plus `memoryUsage()` exceed this many bytes. */
  readonly maxMemoryBytes?: number;
  /** Bytes of heap in use (the caller's measure, e.g. process.memoryUsage().heapUsed). */
  readonly memoryUsage?: () => number;
  /** Key the visited set on the full encoding instead of 64-bit fingerprints. */
  readonly exact?: boolean;
  /**
   * Use the model's symmetry reduction (`encodeCanonical`) when it has one (default true). Off,
   * states are keyed on `encode` alone.
   */
  readonly symmetry?: boolean;
  /** Stop at the first violation of any invariant instead of exploring on for the others. */
  readonly stopOnViolation?: boolean;
  /** Milliseconds since some origin; used for the time limit and the rates in the stats only. */
  readonly clock?: () => number;
  /** Called every `progressEvery` expanded states (default 1024) and at every new level. */
  readonly onProgress?: (progress: Progress) => void;
  readonly progressEvery?: number;
  /**
   * Explore on this many worker threads (more than one), each rebuilding the model from the
   * descriptor. Same states, violations and traces as one thread; the calling thread waits. A run
   * stopped early (a limit, an error, stopOnViolation) stops at the end of a level's step, so it
   * may have computed more transitions than one thread (and with stopOnViolation, stored more).
   */
  readonly workers?: WorkerOptions;
}

/** How often (in expanded states) the time and memory limits are looked at. */
const CHECK_EVERY = 1024;
const NO_ACTIONS: readonly never[] = [];

export function explore<S, A>(
  model: Model<S, A>,
  options: ExploreOptions = {},
): ExploreResult<S, A> {
  if (options.workers !== undefined && options.workers.count > 1)
    return exploreParallel(model, options, options.workers);
  const {
    clock,
    started,
    maxDepth,
    maxStates,
    maxTimeMs,
    maxMemory,
    memoryUsage,
    stopOnViolation,
  } = limitsOf(options);
  const progressEvery = Math.max(1, options.progressEvery ?? 1024);
  const onProgress = options.onProgress;

  const visited: VisitedSet = options.exact ? new ExactSet() : new FingerprintSet();
  const log = new StateLog();
  const enc = new Encoder();
  const canonical = options.symmetry === false ? undefined : model.encodeCanonical;
  const findings = new Findings(model);
  const encode = model.encode;

  let transitions = 0;
  let initialGenerated = 0; // initial states computed: with the transitions, the m of the collision estimate
  let depth = 0;
  let deepest = 0;
  let expanded = 0;

  /** Writes the key of `state` into enc: its encoding, or its symmetry class's. */
  const key = (state: S): void => {
    enc.reset();
    if (canonical === undefined) encode(state, enc);
    else canonical(state, enc);
  };
  const batch = new SuccessorBatch(model, visited, enc, key);
  const storedBytes = (): number => visited.bytes + log.bytes;
  // Takes the counters as arguments: a variable a closure reads lives in memory, not a register.
  const progress = (transitionsSoFar: number, atDepth: number, frontier: number): Progress => ({
    distinctStates: log.size,
    transitions: transitionsSoFar,
    depth: atDepth,
    frontier,
    elapsedMs: clock() - started,
    storedBytes: storedBytes(),
  });

  let frontier: S[] = [];
  try {
    for (const [index, state] of model.init().entries()) {
      initialGenerated++;
      key(state);
      if (!visited.add(enc.buffer, enc.length)) continue;
      if (log.size >= maxStates) {
        findings.truncate('states');
        break;
      }
      const id = log.pushInitial(index);
      frontier.push(state);
      findings.discovered(state, id, 0);
    }
  } catch (e) {
    findings.fail(e, -1);
  }

  const checkLimits = (): void => {
    if (clock() - started >= maxTimeMs) findings.truncate('time');
    else if (storedBytes() + memoryUsage() > maxMemory) findings.truncate('memory');
  };

  let firstId = 0; // the id of frontier[0]: a level's states have consecutive ids
  levels: while (frontier.length > 0 && !findings.shouldStop(stopOnViolation)) {
    onProgress?.(progress(transitions, depth, frontier.length));
    checkLimits();
    if (findings.truncatedBy !== undefined) break;
    if (depth >= maxDepth) {
      if (anySuccessorUnseen(model, frontier, key, enc, visited)) findings.truncate('depth');
      break;
    }
    const nextFrontier: S[] = [];
    // The successors of a batch of states are computed first (SuccessorBatch), then added state
    // by state in the order one lookup after another would have: same ids, same findings.
    for (let k = 0; k < frontier.length;) {
      batch.fill(frontier, k);
      const { actions, successors, size } = batch;
      for (let j = 0; j < size; j++, k++) {
        const state = frontier[k]!;
        const id = firstId + k;
        const failed = j === size - 1 ? batch.failedIn : undefined;
        let enabled: readonly A[] = NO_ACTIONS;
        let actionIndex = -1; // of the action whose successor is being added, for an error
        try {
          if (failed === 'actions') throw batch.error;
          enabled = actions[j]!;
          log.beginExpansion(id);
          if (enabled.length === 0) findings.terminal(state, id, depth);
          const start = batch.start(j);
          const end = batch.end(j);
          let cut = false;
          for (let t = start; t < end; t++) {
            transitions++;
            if (!visited.addStaged(t)) continue;
            if (log.size >= maxStates) {
              findings.truncate('states');
              cut = true;
              break;
            }
            actionIndex = t - start;
            deepest = depth + 1;
            const successor = successors[t]!;
            nextFrontier.push(successor);
            findings.discovered(successor, log.pushChild(actionIndex), depth + 1);
          }
          if (failed !== undefined && !cut) {
            // The model threw computing the successor for the action after the last one added.
            actionIndex = end - start;
            if (failed === 'key') transitions++;
            throw batch.error;
          }
        } catch (e) {
          findings.fail(e, id, actionIndex < 0 ? undefined : enabled[actionIndex]);
          break levels;
        }
        // Expanded: the state is let go now, not at the end of its level (a level can be most of
        // the states in memory). The depth check above is the only later reader, before any expansion.
        (frontier as (S | undefined)[])[k] = undefined;
        if (++expanded % CHECK_EVERY === 0) checkLimits();
        if (onProgress !== undefined && expanded % progressEvery === 0)
          onProgress(progress(transitions, depth, frontier.length - k + nextFrontier.length));
        if (findings.shouldStop(stopOnViolation)) break levels;
      }
    }
    firstId += frontier.length;
    frontier = nextFrontier;
    if (nextFrontier.length > 0) depth++;
  }
  findings.finishedWithFrontier(frontier.length > 0, stopOnViolation);

  return assembleResult(model, findings, log, {
    mode: options.exact ? 'exact' : 'fingerprint',
    distinctStates: log.size,
    transitions,
    generated: initialGenerated + transitions,
    maxDepth: deepest,
    elapsedMs: clock() - started,
    storedBytes: storedBytes(),
    symmetry: canonical !== undefined,
  });
}

/** Whether any state of `frontier` has a successor not yet visited (the depth bound cut something off). */
function anySuccessorUnseen<S, A>(
  model: Model<S, A>,
  frontier: readonly S[],
  key: (state: S) => void,
  enc: Encoder,
  visited: VisitedSet,
): boolean {
  for (const state of frontier) {
    for (const action of model.actions(state)) {
      key(model.next(state, action));
      if (!visited.has(enc.buffer, enc.length)) return true;
    }
  }
  return false;
}
