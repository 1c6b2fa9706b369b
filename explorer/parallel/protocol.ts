/**
 * The messages between the coordinator (the calling thread) and the worker threads of a parallel
 * exploration, and the layout of the shared control block they synchronise on.
 *
 * A state stays in the thread that generated it: only fingerprints cross threads, so no state is
 * encoded and decoded on its way to an owner. One command per level, and one exchange between the
 * workers inside it:
 *   keep:    each worker takes the new states it generated in the last level (the coordinator's
 *            `wins`), hands a surplus to a worker with fewer (encoded: the only states that move,
 *            to keep the next level balanced), checks the invariants and `sometimes` properties on
 *            them in id order, and reports that ('kept') before going on.
 *   expand:  each worker expands its frontier in id order; a successor is a candidate
 *            (fingerprint, parent id, action index, its index among the worker's candidates) for the
 *            worker that owns its fingerprint (hi % workers), unless that owner's table (shared
 *            memory, read-only during this step) has it already. Candidates go straight to their
 *            owners over a channel per pair of workers.
 *   dedup:   each owner takes the candidates sent to it in (parent id, action index) order, the
 *            order one thread would have found them in, keeps the first of each new state in its
 *            table and reports the winners ('level'). The coordinator numbers them in that same
 *            order (so ids, parents and traces are exactly one thread's) and sends each generator
 *            the ids of its winners with the next level's command.
 */
import type { ModelDescriptor } from './descriptor.ts';

/** Int32 slots of the shared control block. */
export const CONTROL = {
  /** Incremented by each worker when it has posted a report to the coordinator. */
  done: 0,
  /** Set by the coordinator (or a worker) to make workers abandon an expand step. */
  stop: 1,
  /** Then, per worker: states expanded so far in the current step (for the progress line). */
  expanded: 2,
} as const;

/** Per worker, after the `expanded` slots: a counter it bumps while it works (it is alive). */
export function heartbeatSlot(workers: number, worker: number): number {
  return CONTROL.expanded + workers + worker;
}

/** Per worker: bumped by whoever posts it a message, which it sleeps on (Atomics.wait). */
export function mailSlot(workers: number, worker: number): number {
  return CONTROL.expanded + 2 * workers + worker;
}

export function controlSlots(workers: number): number {
  return CONTROL.expanded + 3 * workers;
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

/** States as words: state k has id ids[k] and words offsets[k] .. offsets[k + 1]. */
export interface StateBatch {
  readonly ids: Uint32Array;
  readonly offsets: Uint32Array;
  readonly words: Int32Array;
}

/**
 * What a worker does with its frontier once it has kept its new states. Unless it is `none`, its
 * 'kept' report is followed by a 'level' report, and only that one wakes the coordinator.
 */
export type LevelMode = 'expand' | 'probe' | 'none';

export type Command =
  | {
      /** Initial states: insert these fingerprints [lo, hi]* (this worker owns them). */
      readonly type: 'insert';
      readonly fingerprints: Uint32Array;
    }
  | {
      readonly type: 'level';
      /** Pairs [candidate index, id] of this worker's last candidates that won, by id. */
      readonly wins: Uint32Array;
      /** Per worker: how many of the highest-id wins to hand to it. */
      readonly give: readonly number[];
      /** Per worker: how many states it hands to this one. */
      readonly take: readonly number[];
      /** States handed by the coordinator (the initial states). */
      readonly held?: StateBatch;
      /** Every owner's fingerprint table (its current slots). */
      readonly tables: readonly Uint32Array[];
      /** probe: at the depth bound, only find out whether any successor is unseen. */
      readonly mode: LevelMode;
      /** Stop every worker's expansion when a kept state violates an invariant. */
      readonly stopOnViolation: boolean;
    }
  | { readonly type: 'stop' };

/** Messages between two workers, over their own channel. */
export type PeerMessage =
  | { readonly type: 'give'; readonly batch: StateBatch }
  /** Candidates [lo, hi, parent id, action index, candidate index]*, in (parent, action) order. */
  | { readonly type: 'candidates'; readonly list: Uint32Array };

export type Report =
  | { readonly type: 'ready'; readonly table: Uint32Array }
  | { readonly type: 'inserted'; readonly table: Uint32Array; readonly storedBytes: number }
  | {
      readonly type: 'kept';
      readonly findings: WorkerFinding[];
      /** Indexes of the `sometimes` properties some new state satisfies. */
      readonly sometimes: number[];
      /** The model threw on a new state (decoding it, or checking a property). */
      readonly failure?: { readonly id: number; readonly message: string };
      readonly heapBytes: number;
    }
  | {
      readonly type: 'level';
      readonly transitions: number;
      readonly terminal: WorkerFinding[];
      readonly failure?: WorkerFailure;
      /** The step was abandoned (stop flag): its results are incomplete. */
      readonly stopped: boolean;
      /** Probe steps: some successor is in no table. */
      readonly unseen: boolean;
      /** [parent id, action index, producer, candidate index] of each new state, in that order. */
      readonly winners: Uint32Array;
      /** The table, when it grew (a new shared buffer). */
      readonly table?: Uint32Array;
      readonly storedBytes: number;
      readonly heapBytes: number;
    }
  | { readonly type: 'failed'; readonly message: string };

/** The model threw while a worker expanded state `id` under its action `actionIndex`. */
export interface WorkerFailure {
  readonly id: number;
  readonly actionIndex: number;
  readonly message: string;
}
