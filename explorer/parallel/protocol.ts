/**
 * The messages between the coordinator (the calling thread) and the worker threads of a parallel
 * exploration, and the layout of the shared control block they synchronise on.
 *
 * Each level takes four steps, each ending when every worker has reported:
 *   expand:  each worker expands its share of the frontier; a successor goes to the worker that
 *            owns its fingerprint (hi % workers) as a candidate (fingerprint, parent id, action
 *            index) unless that owner's table (shared memory, read-only during this step) has it.
 *   dedup:   each owner takes the candidates sent to it in (parent id, action index) order, the
 *            order one thread would have found them in, and keeps the first of each new state.
 *   ship:    the coordinator numbers the new states in that same order (so ids, parents and traces
 *            are exactly one thread's) and each producer sends the new states it holds, encoded,
 *            to their owners.
 *   receive: each owner decodes its new states, checks the invariants and `sometimes` properties
 *            on them, and keeps them as its share of the next frontier.
 */
import type { ModelDescriptor } from './descriptor.ts';

/** Int32 slots of the shared control block. */
export const CONTROL = {
  /** Incremented by each worker when it has finished a step (and posted its report). */
  done: 0,
  /** Set by the coordinator to make workers abandon an expand step (a time or memory limit). */
  stop: 1,
  /** Then, per worker: states expanded so far in the current step (for the progress line). */
  expanded: 2,
} as const;

/** Per worker, after the `expanded` slots: a counter it bumps while it works (it is alive). */
export function heartbeatSlot(workers: number, worker: number): number {
  return CONTROL.expanded + workers + worker;
}

export function controlSlots(workers: number): number {
  return CONTROL.expanded + 2 * workers;
}

export interface WorkerSetup {
  readonly index: number;
  readonly workers: number;
  readonly descriptor: ModelDescriptor;
  readonly symmetry: boolean;
  readonly control: SharedArrayBuffer;
}

/** A finding in a worker: the first violation of an invariant among the states it checked. */
export interface WorkerFinding {
  readonly invariant: string;
  readonly id: number;
  readonly message: string;
}

export type Command =
  | {
      readonly type: 'expand';
      /** Every owner's fingerprint table (its current slots). */
      readonly tables: readonly Uint32Array[];
      /** At the depth bound: only find out whether any successor is unseen; check nothing. */
      readonly probe: boolean;
    }
  | {
      readonly type: 'dedup';
      /** Per producer: candidates [lo, hi, parent id, action index] in (parent, action) order. */
      readonly candidates: readonly Uint32Array[];
    }
  | {
      readonly type: 'ship';
      /** Per owner: pairs [candidate index, id] of this producer's candidates that are new. */
      readonly wins: readonly Uint32Array[];
    }
  | {
      readonly type: 'receive';
      /** Per producer: the new states this worker owns, by ascending id. */
      readonly batches: readonly StateBatch[];
      /** Initial states: insert their fingerprints too (no dedup step saw them). */
      readonly initial: boolean;
    }
  | { readonly type: 'stop' };

/** States as words: state k has id ids[k] and words offsets[k] .. offsets[k + 1]. */
export interface StateBatch {
  readonly ids: Uint32Array;
  readonly offsets: Uint32Array;
  readonly words: Int32Array;
}

export type Report =
  | { readonly type: 'ready'; readonly table: Uint32Array }
  | {
      readonly type: 'expanded';
      /** Per owner: candidates [lo, hi, parent id, action index]. */
      readonly candidates: Uint32Array[];
      readonly transitions: number;
      readonly terminal: WorkerFinding[];
      readonly failure?: {
        readonly id: number;
        readonly actionIndex: number;
        readonly message: string;
      };
      /** The step was abandoned (stop flag): its results are incomplete. */
      readonly stopped: boolean;
      /** Probe steps: some successor is in no table. */
      readonly unseen: boolean;
      readonly heapBytes: number;
    }
  | {
      readonly type: 'deduped';
      /** [parent id, action index, producer, candidate index] of each new state, in that order. */
      readonly winners: Uint32Array;
      /** The table, when it grew (a new shared buffer). */
      readonly table?: Uint32Array;
      readonly storedBytes: number;
    }
  | { readonly type: 'shipped'; readonly batches: StateBatch[] }
  | {
      readonly type: 'received';
      readonly findings: WorkerFinding[];
      /** Indexes of the `sometimes` properties some new state satisfies. */
      readonly sometimes: number[];
      readonly frontier: number;
      /** The model threw on a new state (decoding it, or checking a property). */
      readonly failure?: { readonly id: number; readonly message: string };
      readonly table?: Uint32Array;
      readonly storedBytes: number;
      readonly heapBytes: number;
    }
  | { readonly type: 'failed'; readonly message: string };
