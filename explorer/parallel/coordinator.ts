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
import type { Command, LevelMode, Report } from './protocol.ts';
import { balance } from './balance.ts';
import { U32Buffer, WordBuffer, smallestHead } from './words.ts';

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
    for (const r of pool.collect('ready')) tables.push(r.table);

    // Initial states: numbered here, held round-robin, their fingerprints inserted by the owners.
    const enc = new Encoder();
    const fp = new Uint32Array(2);
    const seen = new Set<string>();
    const held = Array.from({ length: n }, () => ({
      ids: [] as number[],
      words: new WordBuffer(),
      offsets: [0],
    }));
    const owned = Array.from({ length: n }, () => [] as number[]);
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
        owned[fp[1]! % n]!.push(fp[0]!, fp[1]!);
        const holder = held[log.size % n]!;
        holder.ids.push(log.pushInitial(index));
        enc.reset();
        model.encode(state, enc);
        holder.words.append(enc.buffer, enc.length);
        holder.offsets.push(holder.words.length);
      }
    } catch (e) {
      findings.fail(e, -1);
    }
    levelSize = log.size;
    const inserted = pool.round(
      'inserted',
      owned.map((f) => ({ type: 'insert', fingerprints: Uint32Array.from(f) })),
    );
    inserted.forEach((r, o) => {
      tables[o] = r.table;
      ownerBytes[o] = r.storedBytes;
    });

    // Per level: the workers keep the new states (checking them), then expand them (or not).
    let firstId = 0;
    let commands: Command[] = held.map((b) => ({
      type: 'level',
      wins: new Uint32Array(0),
      give: new Array<number>(n).fill(0),
      take: new Array<number>(n).fill(0),
      held: {
        ids: Uint32Array.from(b.ids),
        offsets: Uint32Array.from(b.offsets),
        words: b.words.words(),
      },
      tables,
      mode: 'none',
      stopOnViolation,
    }));
    while (levelSize > 0 && findings.failure === undefined) {
      options.onProgress?.(progress());
      const why = limitHit();
      if (why !== undefined) findings.truncate(why);
      const mode: LevelMode = findings.shouldStop(stopOnViolation)
        ? 'none'
        : depth >= maxDepth
          ? 'probe'
          : 'expand';
      pool.resetExpanded();
      pool.send(commands.map((c) => ({ ...c, tables, mode, stopOnViolation }) as Command));
      // A worker that finds a reason to stop among its kept states stops the others itself.
      pool.await(mode === 'none' ? 1 : 2, mode === 'none' ? 'kept' : 'level');
      kept(pool.read('kept'), depth);
      if (mode === 'none' || findings.shouldStop(stopOnViolation)) break;
      const level = pool.read('level');
      if (mode === 'probe') {
        if (level.some((r) => r.unseen)) findings.truncate('depth');
        break;
      }
      const failed = level.flatMap((r) => (r.failure === undefined ? [] : [r.failure]));
      if (failed.length > 0) {
        const f = failed.reduce((a, b) =>
          b.id < a.id || (b.id === a.id && b.actionIndex < a.actionIndex) ? b : a,
        );
        const at = replayTo(model, log, f.id);
        const action = f.actionIndex < 0 ? undefined : model.actions(at)[f.actionIndex];
        findings.fail(new Error(f.message), f.id, action);
        break;
      }
      if (level.some((r) => r.stopped)) break; // a limit: findings.truncatedBy says which
      level.forEach((r, o) => {
        transitions += r.transitions;
        generated += r.transitions;
        for (const t of r.terminal)
          findings.record(t.invariant, { message: t.message, id: t.id, depth });
        workerHeap[o] = r.heapBytes;
        if (r.table !== undefined) tables[o] = r.table;
        ownerBytes[o] = r.storedBytes;
      });

      // Number the new states in (parent, action) order, as one thread would.
      const wins = Array.from({ length: n }, () => new U32Buffer());
      let parent = firstId;
      const levelEnd = firstId + levelSize;
      const lists = level.map((r) => r.winners);
      const heads = new Int32Array(n);
      for (;;) {
        const o = smallestHead(lists, heads, 0);
        if (o < 0) break;
        const list = lists[o]!;
        const at = heads[o]!;
        heads[o] = at + 4;
        const p = list[at]!;
        while (parent <= p) log.beginExpansion(parent++);
        if (log.size >= maxStates) {
          findings.truncate('states');
          break;
        }
        wins[list[at + 2]!]!.push2(list[at + 3]!, log.pushChild(list[at + 1]!));
      }
      while (parent < levelEnd) log.beginExpansion(parent++);
      const newStates = log.size - levelEnd;
      firstId = levelEnd;
      levelSize = newStates;
      if (newStates === 0) break;
      depth++;
      deepest = depth;
      const moves = balance(wins.map((w) => w.length / 2));
      commands = wins.map((w, p) => ({
        type: 'level',
        wins: w.values(),
        give: moves[p]!,
        take: moves.map((m) => m[p]!),
        tables,
        mode: 'none',
        stopOnViolation,
      }));
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

  /**
  /** Records what the workers found on the states they kept (at depth `at`). */
  function kept(reports: readonly Extract<Report, { type: 'kept' }>[], at: number): void {
    reports.forEach((r, o) => {
      workerHeap[o] = r.heapBytes;
      for (const f of r.findings)
        findings.record(f.invariant, { message: f.message, id: f.id, depth: at });
      for (const i of r.sometimes) findings.reached(i, at);
    });
    const failed = reports.flatMap((r) => (r.failure === undefined ? [] : [r.failure]));
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
