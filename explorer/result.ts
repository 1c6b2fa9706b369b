/** What an exploration returns: plain data. Only the CLI turns it into text and exit codes. */

export interface Trace<S, A> {
  /** states[0] is an initial state; states[i + 1] = next(states[i], actions[i]). */
  readonly states: readonly S[];
  readonly actions: readonly A[];
}

/** Why a run stopped before exhausting the bounded state space. */
export type Truncation = 'depth' | 'states' | 'time' | 'memory' | 'first-violation';

export interface Violation<S, A> {
  readonly invariant: string;
  readonly message: string;
  /** Number of actions from an initial state; with breadth-first search, the shortest possible. */
  readonly depth: number;
  readonly trace: Trace<S, A>;
}

export interface SometimesResult {
  readonly name: string;
  readonly reached: boolean;
  /** Depth of the first state found that satisfies it. */
  readonly depth?: number;
}

export interface ExploreStats {
  readonly distinctStates: number;
  /** Successor computations, including those that led to states already seen. */
  readonly transitions: number;
  readonly maxDepth: number;
  readonly elapsedMs: number;
  readonly statesPerSecond: number;
  readonly transitionsPerSecond: number;
  /** Bytes held by the visited set and the per-state log (the explorer's own arrays). */
  readonly storedBytes: number;
  /** storedBytes divided by the distinct states. */
  readonly bytesPerState: number;
  /** Estimated probability that two distinct states shared a fingerprint: n * (m - n) / 2^64. */
  readonly collisionProbability: number;
  /**
   * Whether states were keyed on their symmetry class (the model's encodeCanonical): then
   * distinctStates counts classes, and a run without the reduction finds more states.
   */
  readonly symmetry: boolean;
  /** Threads that explored (1: the calling thread alone). */
  readonly workers: number;
}

export interface ExploreResult<S, A> {
  readonly status: 'ok' | 'violation' | 'error';
  /** True only when the whole bounded state space was explored. */
  readonly complete: boolean;
  readonly truncatedBy?: Truncation;
  /** The first (shortest) violation of each violated invariant, in the model's invariant order. */
  readonly violations: readonly Violation<S, A>[];
  readonly sometimes: readonly SometimesResult[];
  /** Set when the model itself threw: the message and the path to the state where it happened. */
  readonly error?: { readonly message: string; readonly trace: Trace<S, A>; readonly action?: A };
  readonly mode: 'fingerprint' | 'exact';
  readonly stats: ExploreStats;
}

export interface Progress {
  readonly distinctStates: number;
  readonly transitions: number;
  readonly depth: number;
  readonly frontier: number;
  readonly elapsedMs: number;
  /** Bytes of the visited set and the state log. */
  readonly storedBytes: number;
}
