/**
 * Breadth-first exploration on worker threads, level by level (protocol.ts describes a level's
 * steps). The calling thread coordinates: it numbers the new states of each level in the order one
 * thread would have found them, so the state log, the first violation of each invariant and every
 * trace are exactly those of `explore` on one thread, and so are the counts of a complete run.
 * It stays synchronous: it sleeps on a shared counter (Atomics.wait) until every worker has
 * reported, and reads the reports with receiveMessageOnPort.
 */
import type { ExploreOptions } from '../bfs.ts';
import { Encoder } from '../encoder.ts';
import { Findings, assembleResult } from '../findings.ts';
import { fingerprint } from '../fingerprint.ts';
import type { Model } from '../model.ts';
import type { ExploreResult, Progress, Truncation } from '../result.ts';
import { StateLog } from '../stateLog.ts';
import { replayPath } from '../trace.ts';
import type { ModelDescriptor } from './descriptor.ts';
import { Pool, SILENCE_MS, TICK_MS } from './pool.ts';
import type { StateBatch } from './protocol.ts';
import { WordBuffer, mergeOrder } from './words.ts';

export interface WorkerOptions {
  readonly count: number;
  /** How each worker rebuilds the model: it must build the very model given to explore. */
  readonly descriptor: ModelDescriptor;
  /**
   * A worker that owes a report and shows no sign of work for this long (default a minute) has
   * died (out of memory, say: a thread killed that way runs no code to say so): the run throws
   * rather than wait forever.
   */
  readonly silenceMs?: number;
}

export function exploreParallel<S, A>(
  model: Model<S, A>,
  options: ExploreOptions,
  workers: WorkerOptions,
): ExploreResult<S, A> {
  if (options.exact) throw new Error('exact state storage runs on one thread only');
  if (model.decode === undefined)
    throw new Error('the model has no decode: it cannot run in workers');
  const clock = options.clock ?? (() => 0);
  const started = clock();
  const maxDepth = options.maxDepth ?? Infinity;
  const maxStates = options.maxStates ?? Infinity;
  const maxTimeMs = options.maxTimeMs ?? Infinity;
  const maxMemory = options.maxMemoryBytes ?? Infinity;
  const memoryUsage = options.memoryUsage ?? (() => 0);
  const stopOnViolation = options.stopOnViolation === true;
  const symmetry = options.symmetry !== false && model.encodeCanonical !== undefined;
  const n = workers.count;

  const log = new StateLog();
  const findings = new Findings(model);
  const tables: Uint32Array[] = [];
  const ownerBytes = new Array<number>(n).fill(0);
  const workerHeap = new Array<number>(n).fill(0);
  let transitions = 0;
  let generated = 0;
  let depth = 0;
  let deepest = 0;
  let levelSize = 0;
  let lastTick = -Infinity;

  const storedBytes = (): number => log.bytes + ownerBytes.reduce((a, b) => a + b, 0);
  const progress = (): Progress => ({
    distinctStates: log.size,
    transitions,
    depth,
    frontier: Math.max(0, levelSize - pool.expanded()),
    elapsedMs: clock() - started,
    storedBytes: storedBytes(),
  });
  const limitHit = (): Truncation | undefined => {
    if (clock() - started >= maxTimeMs) return 'time';
    const heap = memoryUsage() + workerHeap.reduce((a, b) => a + b, 0);
    if (storedBytes() + heap > maxMemory) return 'memory';
    return undefined;
  };
  const tick = (): void => {
    const why = limitHit();
    if (why !== undefined) {
      findings.truncate(why);
      pool.stop();
    }
    const now = clock();
    if (options.onProgress !== undefined && now - lastTick >= TICK_MS) {
      lastTick = now;
      options.onProgress(progress());
    }
  };

  const pool = new Pool(n, workers.descriptor, symmetry, tick, workers.silenceMs ?? SILENCE_MS);
  try {
    for (const r of pool.round('ready', undefined)) tables.push(r.table);

    // Initial states: numbered here, handed to their owners.
    const enc = new Encoder();
    const fp = new Uint32Array(2);
    const seen = new Set<string>();
    const initial = Array.from({ length: n }, () => ({
      ids: [] as number[],
      words: new WordBuffer(),
      offsets: [0],
    }));
    try {
      for (const [index, state] of model.init().entries()) {
        generated++;
        enc.reset();
        if (symmetry) model.encodeCanonical!(state, enc);
        else model.encode(state, enc);
        fingerprint(enc.buffer, fp, enc.length);
        const k = `${fp[0]}:${fp[1]}`;
        if (seen.has(k)) continue;
        if (log.size >= maxStates) {
          findings.truncate('states');
          break;
        }
        seen.add(k);
        const owner = initial[fp[1]! % n]!;
        owner.ids.push(log.pushInitial(index));
        enc.reset();
        model.encode(state, enc);
        owner.words.append(enc.buffer, enc.length);
        owner.offsets.push(owner.words.length);
      }
    } catch (e) {
      findings.fail(e, -1);
    }
    levelSize = log.size;
    if (findings.failure === undefined) {
      const batches = initial.map((b): StateBatch => ({
        ids: Uint32Array.from(b.ids),
        offsets: Uint32Array.from(b.offsets),
        words: b.words.words(),
      }));
      receive(
        batches.map((b) => [b]),
        0,
        true,
      );
    }

    let firstId = 0;
    while (levelSize > 0 && !findings.shouldStop(stopOnViolation)) {
      options.onProgress?.(progress());
      const why = limitHit();
      if (why !== undefined) {
        findings.truncate(why);
        break;
      }
      const probe = depth >= maxDepth;
      pool.resetExpanded();
      const expanded = pool.round(
        'expanded',
        tables.map(() => ({ type: 'expand', tables, probe })),
      );
      if (probe) {
        if (expanded.some((r) => r.unseen)) findings.truncate('depth');
        break;
      }
      if (expanded.some((r) => r.stopped)) break; // a limit: findings.truncatedBy says which
      const failed = expanded.flatMap((r) => (r.failure === undefined ? [] : [r.failure]));
      if (failed.length > 0) {
        const f = failed.reduce((a, b) =>
          b.id < a.id || (b.id === a.id && b.actionIndex < a.actionIndex) ? b : a,
        );
        const at = replayTo(model, log, f.id);
        const action = f.actionIndex < 0 ? undefined : model.actions(at)[f.actionIndex];
        findings.fail(new Error(f.message), f.id, action);
        break;
      }
      for (const r of expanded) {
        transitions += r.transitions;
        generated += r.transitions;
        for (const t of r.terminal)
          findings.record(t.invariant, { message: t.message, id: t.id, depth });
      }
      expanded.forEach((r, w) => (workerHeap[w] = r.heapBytes));

      // Each owner keeps the first of each new state among the candidates sent to it.
      const deduped = pool.round(
        'deduped',
        tables.map((_, o) => ({
          type: 'dedup',
          candidates: expanded.map((r) => r.candidates[o]!),
        })),
        (o) => expanded.map((r) => r.candidates[o]!.buffer as ArrayBuffer),
      );
      deduped.forEach((r, o) => {
        if (r.table !== undefined) tables[o] = r.table;
        ownerBytes[o] = r.storedBytes;
      });

      // Number the new states in (parent, action) order, as one thread would.
      const wins = Array.from({ length: n }, () => Array.from({ length: n }, () => [] as number[]));
      let parent = firstId;
      const levelEnd = firstId + levelSize;
      let cut = false;
      mergeOrder(
        deduped.map((r) => r.winners),
        4,
        (list, at) => list[at]! * 256 + list[at + 1]!,
        (owner, list, at) => {
          if (cut) return;
          const p = list[at]!;
          while (parent <= p) log.beginExpansion(parent++);
          if (log.size >= maxStates) {
            findings.truncate('states');
            cut = true;
            return;
          }
          const id = log.pushChild(list[at + 1]!);
          wins[list[at + 2]!]![owner]!.push(list[at + 3]!, id);
        },
      );
      while (parent < levelEnd) log.beginExpansion(parent++);
      const newStates = log.size - levelEnd;

      const shipped = pool.round(
        'shipped',
        wins.map((perOwner) => ({ type: 'ship', wins: perOwner.map((w) => Uint32Array.from(w)) })),
      );
      firstId = levelEnd;
      levelSize = newStates;
      if (newStates === 0) break;
      depth++;
      deepest = depth;
      receive(
        tables.map((_, o) => shipped.map((r) => r.batches[o]!)),
        depth,
        false,
      );
    }
    findings.finishedWithFrontier(levelSize > 0, stopOnViolation);
  } finally {
    pool.close();
  }

  return assembleResult(model, findings, log, {
    mode: 'fingerprint',
    distinctStates: log.size,
    transitions,
    generated,
    maxDepth: deepest,
    elapsedMs: clock() - started,
    storedBytes: storedBytes(),
    symmetry,
    workers: n,
  });

  /** Hands each owner its new states (per producer), and records what it found on them. */
  function receive(batches: StateBatch[][], at: number, initialStates: boolean): void {
    const received = pool.round(
      'received',
      batches.map((b) => ({ type: 'receive', batches: b, initial: initialStates })),
      (o) =>
        batches[o]!.flatMap(
          (b) => [b.ids.buffer, b.offsets.buffer, b.words.buffer] as ArrayBuffer[],
        ),
    );
    received.forEach((r, o) => {
      if (r.table !== undefined) tables[o] = r.table;
      ownerBytes[o] = r.storedBytes;
      workerHeap[o] = r.heapBytes;
      for (const f of r.findings)
        findings.record(f.invariant, { message: f.message, id: f.id, depth: at });
      for (const i of r.sometimes) findings.reached(i, at);
    });
    const failed = received.flatMap((r) => (r.failure === undefined ? [] : [r.failure]));
    if (failed.length > 0) {
      const f = failed.reduce((a, b) => (b.id < a.id ? b : a));
      const parentId = log.parentOf(f.id);
      if (parentId < 0) {
        findings.fail(new Error(f.message), -1);
      } else {
        const action = model.actions(replayTo(model, log, parentId))[log.actionIndexOf(f.id)];
        findings.fail(new Error(f.message), parentId, action);
      }
    }
  }
}

/** The state with id `id`, rebuilt by re-executing its path. */
function replayTo<S, A>(model: Model<S, A>, log: StateLog, id: number): S {
  return replayPath(model, log.pathTo(id)).states.at(-1) as S;
}
