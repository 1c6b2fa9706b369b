/**
 * One worker thread of a parallel exploration (protocol.ts describes a level). It keeps the states
 * it generates, owns the fingerprints whose high half is its index modulo the number of workers,
 * and rebuilds the model from the descriptor it is given. It runs a plain loop that sleeps on its
 * mail slot (mailbox.ts) instead of an event loop.
 */
import { getHeapStatistics } from 'node:v8';
import { workerData, type MessagePort } from 'node:worker_threads';
import { match } from 'ts-pattern';
import { Encoder } from '../encoder.ts';
import type { Model } from '../model.ts';
import { FingerprintSet } from '../visitedSet.ts';
import { loadModel } from './descriptor.ts';
import { Expander } from './expander.ts';
import { Mailbox, breakRun, post } from './mailbox.ts';
import {
  CONTROL,
  heartbeatSlot,
  type Command,
  type PeerMessage,
  type Report,
  type StateBatch,
  type WorkerFinding,
  type WorkerSetup,
} from './protocol.ts';
import { WordBuffer, mergeOrder } from './words.ts';

const { setup, port, peers } = workerData as {
  setup: WorkerSetup;
  port: MessagePort;
  peers: (MessagePort | null)[];
};
const control = new Int32Array(setup.control);
const me = setup.index;
const workers = setup.workers;
const mailbox = new Mailbox(control, workers, me);
const table = new FingerprintSet(1024, true);
const enc = new Encoder();
const heartbeat = heartbeatSlot(workers, me);

/** Tells the coordinator this worker is alive and working. */
function beat(): void {
  Atomics.add(control, heartbeat, 1);
}

/**
 * Posts a report to the coordinator. `wake`: false when another report follows shortly, which
 * will wake it (a wake-up costs tens of microseconds, and a run can have thousands of levels).
 */
function report(r: Report, transfer: ArrayBuffer[] = [], wake = true): void {
  port.postMessage(r, transfer);
  Atomics.add(control, CONTROL.done, 1);
  if (wake) Atomics.notify(control, CONTROL.done);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A run of states sorted by id: the worker's own new states, or states handed to it. */
interface Run {
  readonly ids: Uint32Array;
  readonly state: (k: number) => unknown;
}

function batchRun(b: StateBatch, decode: (words: Int32Array) => unknown): Run {
  return {
    ids: b.ids,
    state: (k) => decode(b.words.subarray(b.offsets[k]!, b.offsets[k + 1]!)),
  };
}

function start(model: Model<unknown, unknown>): void {
  const expander = new Expander(model, setup, table, control, beat);
  const always = model.invariants.filter((inv) => inv.when === 'always');
  const sometimes = model.sometimes ?? [];
  const decode = model.decode!;

  /** Encodes the wins [from, from + count) and hands them to worker `to`. */
  function give(wins: Uint32Array, from: number, count: number, to: number): void {
    const buf = new WordBuffer();
    const ids = new Uint32Array(count);
    const offsets = new Uint32Array(count + 1);
    for (let j = 0; j < count; j++) {
      ids[j] = wins[2 * (from + j) + 1]!;
      enc.reset();
      model.encode(expander.pending[wins[2 * (from + j)]!], enc);
      buf.append(enc.buffer, enc.length);
      offsets[j + 1] = buf.length;
    }
    const batch: StateBatch = { ids, offsets, words: buf.words() };
    post(control, workers, to, peers[to]!, { type: 'give', batch } satisfies PeerMessage, [
      ids.buffer,
      offsets.buffer,
      batch.words.buffer as ArrayBuffer,
    ]);
  }

  /** The new states of the last level become the frontier; their properties are checked. */
  function keep(cmd: Extract<Command, { type: 'level' }>): void {
    const wins = cmd.wins;
    const given = cmd.give.reduce((a, b) => a + b, 0);
    const kept = wins.length / 2 - given;
    let at = kept;
    cmd.give.forEach((count, to) => {
      if (count === 0) return;
      give(wins, at, count, to);
      at += count;
    });
    const pending = expander.pending;
    const ownIds = new Uint32Array(kept);
    for (let k = 0; k < kept; k++) ownIds[k] = wins[2 * k + 1]!;
    const runs: Run[] = [{ ids: ownIds, state: (k) => pending[wins[2 * k]!] }];
    if (cmd.held !== undefined) runs.push(batchRun(cmd.held, decode));
    cmd.take.forEach((count, from) => {
      if (count === 0) return;
      const m = mailbox.receive(peers[from]!, true) as PeerMessage | undefined;
      if (m === undefined) return; // another worker broke the run
      if (m.type !== 'give') throw new Error(`expected states from worker ${from}, got ${m.type}`);
      runs.push(batchRun(m.batch, decode));
    });

    const found = new Map<string, WorkerFinding>();
    const reached = new Set<number>();
    const states: unknown[] = [];
    const ids: number[] = [];
    let failure: { id: number; message: string } | undefined;
    mergeOrder(
      runs.map((r) => r.ids),
      1,
      (list, k) => list[k]!,
      (r, list, k) => {
        if (failure !== undefined) return;
        if ((k & 255) === 0) beat();
        const id = list[k]!;
        try {
          const state = runs[r]!.state(k);
          for (const inv of always) {
            if (found.has(inv.name)) continue;
            const m = inv.check(state);
            if (m !== undefined) found.set(inv.name, { invariant: inv.name, id, message: m });
          }
          for (let i = 0; i < sometimes.length; i++)
            if (!reached.has(i) && sometimes[i]!.check(state)) reached.add(i);
          states.push(state);
          ids.push(id);
        } catch (e) {
          failure = { id, message: message(e) };
        }
      },
    );
    expander.setFrontier(states, ids);
    // Nothing found here is worth expanding on for: tell the others at once.
    if (failure !== undefined || (cmd.stopOnViolation && found.size > 0))
      Atomics.store(control, CONTROL.stop, 1);
    report(
      {
        type: 'kept',
        findings: [...found.values()],
        sometimes: [...reached],
        ...(failure === undefined ? {} : { failure }),
        heapBytes: getHeapStatistics().used_heap_size,
      },
      [],
      cmd.mode === 'none',
    );
  }

  /** Sends each owner its candidates, waits for everyone's, and keeps the first of each state. */
  function exchange(lists: Uint32Array[]): { winners: Uint32Array; stopped: boolean } {
    for (let p = 0; p < workers; p++) {
      if (p === me) continue;
      const list = lists[p]!;
      post(control, workers, p, peers[p]!, { type: 'candidates', list } satisfies PeerMessage, [
        list.buffer as ArrayBuffer,
      ]);
    }
    const incoming: Uint32Array[] = [];
    for (let p = 0; p < workers; p++) {
      if (p === me) {
        incoming.push(lists[me]!);
        continue;
      }
      const m = mailbox.receive(peers[p]!, true) as PeerMessage | undefined;
      if (m === undefined) return { winners: new Uint32Array(0), stopped: true };
      if (m.type !== 'candidates') throw new Error(`expected candidates from ${p}, got ${m.type}`);
      incoming.push(m.list);
    }
    if (Atomics.load(control, CONTROL.stop) !== 0)
      return { winners: new Uint32Array(0), stopped: true };
    return { winners: expander.dedup(incoming), stopped: false };
  }

  function level(cmd: Extract<Command, { type: 'level' }>): void {
    keep(cmd);
    if (cmd.mode === 'none') return;
    const before = table.slots;
    const r = expander.expand(cmd.tables, cmd.mode === 'probe');
    let winners: Uint32Array = new Uint32Array(0);
    let stopped = r.stopped;
    if (cmd.mode === 'expand') {
      const x = exchange(r.candidates);
      winners = x.winners;
      stopped ||= x.stopped;
    }
    report(
      {
        type: 'level',
        transitions: r.transitions,
        terminal: r.terminal,
        ...(r.failure === undefined ? {} : { failure: r.failure }),
        stopped,
        unseen: r.unseen,
        winners,
        ...(table.slots === before ? {} : { table: table.slots }),
        storedBytes: table.bytes,
        heapBytes: getHeapStatistics().used_heap_size,
      },
      [winners.buffer as ArrayBuffer],
    );
  }

  function insert(fingerprints: Uint32Array): void {
    for (let k = 0; k < fingerprints.length; k += 2)
      table.insert(fingerprints[k]!, fingerprints[k + 1]!);
    report({ type: 'inserted', table: table.slots, storedBytes: table.bytes });
  }

  report({ type: 'ready', table: table.slots });
  for (;;) {
    const cmd = mailbox.receive(port, false) as Command;
    if (cmd.type === 'stop') break;
    try {
      match(cmd)
        .with({ type: 'insert' }, (c) => insert(c.fingerprints))
        .with({ type: 'level' }, (c) => level(c))
        .exhaustive();
    } catch (e) {
      breakRun(control, workers);
      report({ type: 'failed', message: message(e) });
    }
  }
  port.close();
  for (const p of peers) p?.close();
}

loadModel(setup.descriptor).then(
  (model) => {
    if (model.decode === undefined) {
      report({ type: 'failed', message: 'the model has no decode: it cannot run in workers' });
      return;
    }
    start(model);
  },
  (e: unknown) => report({ type: 'failed', message: `cannot build the model: ${message(e)}` }),
);
