/**
 * One worker thread of a parallel exploration (see protocol.ts for the steps of a level). It owns
 * the fingerprints whose high half is its index modulo the number of workers, and the frontier
 * states among them; it rebuilds the model from the descriptor it is given.
 */
import { getHeapStatistics } from 'node:v8';
import { workerData, type MessagePort } from 'node:worker_threads';
import { match } from 'ts-pattern';
import { Encoder } from '../encoder.ts';
import { fingerprint } from '../fingerprint.ts';
import type { Model } from '../model.ts';
import { FingerprintSet, FingerprintView } from '../visitedSet.ts';
import { loadModel } from './descriptor.ts';
import {
  CONTROL,
  heartbeatSlot,
  type Command,
  type Report,
  type StateBatch,
  type WorkerFinding,
  type WorkerSetup,
} from './protocol.ts';
import { WordBuffer, mergeOrder } from './words.ts';

const { setup, port } = workerData as { setup: WorkerSetup; port: MessagePort };
const control = new Int32Array(setup.control);
const me = setup.index;
const workers = setup.workers;

let model: Model<unknown, unknown>;
const table = new FingerprintSet(1024, true);
/**
 * The candidates this worker has produced in the current expand step: a later candidate with the
 * same fingerprint comes after it in (parent, action) order, so it can never be the first one
 * found, and is dropped here rather than held and sent.
 */
const produced = new FingerprintSet();
/**
 * A direct-mapped cache of fingerprints found in some table during an expand step: they stay
 * seen, so a later successor with the same one needs no lookup in a table of many megabytes.
 */
const OLD_BITS = 14;
const OLD_MASK = (1 << OLD_BITS) - 1;
const old = new Uint32Array(2 << OLD_BITS);
const enc = new Encoder();
const fp = new Uint32Array(2);
let frontier: unknown[] = [];
let frontierIds: number[] = [];
/** Per owner: the successors sent to it as candidates in the last expand step. */
let pending: unknown[][] = [];
/** New states this worker both found and owns: kept as they are, not encoded and decoded. */
let kept: unknown[] = [];

const heartbeat = heartbeatSlot(workers, me);
/** Tells the coordinator this worker is alive and working. */
function beat(): void {
  Atomics.add(control, heartbeat, 1);
}

function report(r: Report, transfer: ArrayBuffer[] = []): void {
  port.postMessage(r, transfer);
  Atomics.add(control, CONTROL.done, 1);
  Atomics.notify(control, CONTROL.done);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Writes the key of `state` (its encoding, or its symmetry class's) into enc. */
function key(state: unknown): void {
  enc.reset();
  if (setup.symmetry && model.encodeCanonical !== undefined) model.encodeCanonical(state, enc);
  else model.encode(state, enc);
}

/** The first violation of each of `invariants` among `states`, in order (ids ascending). */
function check(
  invariants: Model<unknown, unknown>['invariants'],
  state: unknown,
  id: number,
  found: Map<string, WorkerFinding>,
): void {
  for (const inv of invariants) {
    if (found.has(inv.name)) continue;
    const m = inv.check(state);
    if (m !== undefined) found.set(inv.name, { invariant: inv.name, id, message: m });
  }
}

function expand(tables: readonly Uint32Array[], probe: boolean): void {
  const views = tables.map((t, o) => (o === me ? undefined : new FingerprintView(t)));
  const candidates: number[][] = Array.from({ length: workers }, () => []);
  pending = Array.from({ length: workers }, () => []);
  const terminal = new Map<string, WorkerFinding>();
  const terminalInvariants = model.invariants.filter((inv) => inv.when === 'terminal');
  let transitions = 0;
  let stopped = false;
  let failure: { id: number; actionIndex: number; message: string } | undefined;
  let anyUnseen = false;
  produced.clear();
  states: for (let k = 0; k < frontier.length; k++) {
    if ((k & 63) === 0) {
      if (Atomics.load(control, CONTROL.stop) !== 0) {
        stopped = true;
        break;
      }
      Atomics.store(control, CONTROL.expanded + me, k);
      beat();
    }
    const state = frontier[k];
    const id = frontierIds[k]!;
    let actionIndex = -1;
    try {
      const actions = model.actions(state);
      if (actions.length > 256) {
        throw new RangeError(
          `a state has more than 256 enabled actions (index ${actions.length - 1}); the explorer stores action indexes in one byte`,
        );
      }
      if (actions.length === 0 && !probe) check(terminalInvariants, state, id, terminal);
      for (let i = 0; i < actions.length; i++) {
        actionIndex = i;
        const successor = model.next(state, actions[i]);
        transitions++;
        key(successor);
        fingerprint(enc.buffer, fp, enc.length);
        const lo = fp[0]!;
        const hi = fp[1]!;
        const owner = hi % workers;
        // Seen in an earlier level: first the small cache of fingerprints seen lately, then the
        // owner's table (a cache miss in a table that another core writes).
        const r = 2 * (lo & OLD_MASK);
        if (old[r] === lo && old[r + 1] === hi) continue;
        const seen = owner === me ? table.contains(lo, hi) : views[owner]!.contains(lo, hi);
        if (seen) {
          old[r] = lo;
          old[r + 1] = hi;
          continue;
        }
        if (probe) {
          anyUnseen = true;
          break states;
        }
        if (!produced.insert(lo, hi)) continue;
        candidates[owner]!.push(lo, hi, id, i);
        pending[owner]!.push(successor);
      }
    } catch (e) {
      failure = { id, actionIndex, message: message(e) };
      break;
    }
  }
  const lists = candidates.map((c) => Uint32Array.from(c));
  report(
    {
      type: 'expanded',
      candidates: lists,
      transitions: probe ? 0 : transitions,
      terminal: [...terminal.values()],
      ...(failure === undefined ? {} : { failure }),
      stopped,
      unseen: anyUnseen,
      heapBytes: getHeapStatistics().used_heap_size,
    },
    lists.map((l) => l.buffer as ArrayBuffer),
  );
}

function dedup(lists: readonly Uint32Array[]): void {
  const before = table.slots;
  const winners: number[] = [];
  // In (parent id, action index) order across producers: the order one thread finds them in.
  mergeOrder(
    lists,
    4,
    (list, at) => list[at + 2]! * 256 + list[at + 3]!,
    (p, list, at) => {
      if ((at & 4095) === 0) beat();
      if (table.insert(list[at]!, list[at + 1]!))
        winners.push(list[at + 2]!, list[at + 3]!, p, at / 4);
    },
  );
  const out = Uint32Array.from(winners);
  report(
    {
      type: 'deduped',
      winners: out,
      ...(table.slots === before ? {} : { table: table.slots }),
      storedBytes: table.bytes,
    },
    [out.buffer as ArrayBuffer],
  );
}

function ship(wins: readonly Uint32Array[]): void {
  kept = [];
  const batches: StateBatch[] = wins.map((pairs, owner) => {
    const buf = new WordBuffer();
    const ids = new Uint32Array(pairs.length / 2);
    const offsets = new Uint32Array(ids.length + 1);
    for (let j = 0; j < ids.length; j++) {
      if ((j & 255) === 0) beat();
      ids[j] = pairs[2 * j + 1]!;
      const state = pending[owner]![pairs[2 * j]!];
      if (owner === me) {
        kept.push(state); // its batch carries only the ids
        continue;
      }
      enc.reset();
      model.encode(state, enc);
      buf.append(enc.buffer, enc.length);
      offsets[j + 1] = buf.length;
    }
    return { ids, offsets, words: buf.words() };
  });
  pending = [];
  report(
    { type: 'shipped', batches },
    batches.flatMap((b) => [b.ids.buffer, b.offsets.buffer, b.words.buffer] as ArrayBuffer[]),
  );
}

function receive(batches: readonly StateBatch[], initial: boolean): void {
  const before = table.slots;
  const always = model.invariants.filter((inv) => inv.when === 'always');
  const sometimes = model.sometimes ?? [];
  const found = new Map<string, WorkerFinding>();
  const reached = new Set<number>();
  const states: unknown[] = [];
  const ids: number[] = [];
  let failure: { id: number; message: string } | undefined;
  mergeOrder(
    batches.map((b) => b.ids),
    1,
    (list, at) => list[at]!,
    (p, list, at) => {
      if (failure !== undefined) return;
      if ((at & 255) === 0) beat();
      const b = batches[p]!;
      const id = list[at]!;
      try {
        const state =
          p === me && !initial
            ? kept[at]
            : model.decode!(b.words.subarray(b.offsets[at]!, b.offsets[at + 1]!));
        if (initial) {
          key(state);
          fingerprint(enc.buffer, fp, enc.length);
          table.insert(fp[0]!, fp[1]!);
        }
        check(always, state, id, found);
        for (let i = 0; i < sometimes.length; i++)
          if (!reached.has(i) && sometimes[i]!.check(state)) reached.add(i);
        states.push(state);
        ids.push(id);
      } catch (e) {
        failure = { id, message: message(e) };
      }
    },
  );
  frontier = states;
  frontierIds = ids;
  kept = [];
  report({
    type: 'received',
    findings: [...found.values()],
    sometimes: [...reached],
    frontier: states.length,
    ...(failure === undefined ? {} : { failure }),
    ...(table.slots === before ? {} : { table: table.slots }),
    storedBytes: table.bytes,
    heapBytes: getHeapStatistics().used_heap_size,
  });
}

function handle(cmd: Command): void {
  match(cmd)
    .with({ type: 'expand' }, (c) => expand(c.tables, c.probe))
    .with({ type: 'dedup' }, (c) => dedup(c.candidates))
    .with({ type: 'ship' }, (c) => ship(c.wins))
    .with({ type: 'receive' }, (c) => receive(c.batches, c.initial))
    .with({ type: 'stop' }, () => port.close())
    .exhaustive();
}

port.on('message', (cmd: Command) => {
  try {
    handle(cmd);
  } catch (e) {
    report({ type: 'failed', message: message(e) });
  }
});

loadModel(setup.descriptor).then(
  (m) => {
    model = m;
    if (model.decode === undefined) {
      report({ type: 'failed', message: 'the model has no decode: it cannot run in workers' });
      return;
    }
    report({ type: 'ready', table: table.slots });
  },
  (e: unknown) => report({ type: 'failed', message: `cannot build the model: ${message(e)}` }),
);
