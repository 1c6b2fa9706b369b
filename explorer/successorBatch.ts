/**
 * The successors of a run of frontier states, computed (and their keys staged in the visited set)
 * before any of them is looked up, so that the visited set can overlap the cache misses of those
 * lookups (VisitedSet.prefetch). The explorer then adds them, state by state and action by action,
 * in the same order as if each had been looked up as soon as it was computed: same ids, same
 * findings. Only the model's own calls run ahead: a state's successors are computed before the
 * invariants of its earlier successors are checked, and the states after one where the run stops
 * may have had their successors computed for nothing.
 */
import type { Encoder } from './encoder.ts';
import type { Model } from './model.ts';
import type { VisitedSet } from './visitedSet.ts';

/** Successors per batch: enough lookups in flight to hide most of a miss's latency. */
export const BATCH_SUCCESSORS = 64;

/** Where the model threw while the batch was computed. */
export type Stage = 'actions' | 'next' | 'key';

export class SuccessorBatch<S, A> {
  /** The enabled actions of each state of the batch. */
  readonly actions: (readonly A[])[] = [];
  /** The successors, in order; those of the batch's state j are at [start(j), end(j)). */
  readonly successors: S[] = [];
  /** The states in the batch. */
  size = 0;
  /**
   * The model threw on the batch's last state: in `actions`, or for its action number end(last)
   * in `next` or in writing the successor's key. undefined: it did not.
   */
  failedIn: Stage | undefined;
  error: unknown;
  private readonly ends = new Int32Array(BATCH_SUCCESSORS);

  constructor(
    private readonly model: Model<S, A>,
    private readonly visited: VisitedSet,
    private readonly enc: Encoder,
    /** Writes the key of a state into enc. */
    private readonly key: (state: S) => void,
  ) {}

  start(j: number): number {
    return j === 0 ? 0 : this.ends[j - 1]!;
  }

  end(j: number): number {
    return this.ends[j]!;
  }

  /**
   * Computes the successors of frontier[from], frontier[from + 1], ... until the batch holds
   * BATCH_SUCCESSORS of them (or as many states), the frontier ends or the model throws; stages
   * their keys in the visited set and prefetches them.
   */
  fill(frontier: readonly S[], from: number): void {
    const { model, visited, enc, key, successors, actions, ends } = this;
    const last = Math.min(frontier.length, from + BATCH_SUCCESSORS);
    let t = 0;
    let j = 0;
    let stage: Stage = 'actions';
    this.failedIn = undefined;
    try {
      for (let k = from; k < last && t < BATCH_SUCCESSORS; k++, j++) {
        const state = frontier[k]!;
        stage = 'actions';
        ends[j] = t;
        const enabled = model.actions(state);
        actions[j] = enabled;
        for (let i = 0; i < enabled.length; i++) {
          stage = 'next';
          const successor = model.next(state, enabled[i]!);
          stage = 'key';
          key(successor);
          visited.stage(t, enc.buffer, enc.length);
          successors[t++] = successor;
          ends[j] = t;
        }
      }
    } catch (e) {
      this.failedIn = stage;
      this.error = e;
      j++;
    }
    this.size = j;
    visited.prefetch();
  }
}
