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
import { limitsOf } from '../limits.ts';
import type { Model } from '../model.ts';
import type { ExploreResult, Progress, Truncation } from '../result.ts';
import { StateLog } from '../stateLog.ts';
import { replayPath } from '../trace.ts';
import type { ModelDescriptor } from './descriptor.ts';
import { Pool, SILENCE_MS, TICK_MS } from './pool.ts';
import type { Command, LevelMode, Report } from './protocol.ts';
import { balance } from './balance.ts';
import { numberLevel } from './numbering.ts';
import { SoloLevels } from './solo.ts';
import { U32Buffer, WordBuffer } from './words.ts';

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
  /**
   * Levels are explored on the calling thread alone until one has this many states (default
   * SOLO_BELOW; 0: on the workers from the initial states on). See solo.ts.
   */
  readonly soloBelow?: number;
}

/** A level smaller than this is not worth the workers' synchronisation (see solo.ts). */
export const SOLO_BELOW = 4096;

export function exploreParallel<S, A>(
  model: Model<S, A>,
  options: ExploreOptions,
  workers: WorkerOptions,
): ExploreResult<S, A> {
  if (options.exact) throw new Error('exact state storage runs on one thread only');
  if (model.decode === undefined)
    throw new Error('the model has no decode: it cannot run in workers');
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
  const symmetry = options.symmetry !== false && model.encodeCanonical !== undefined;
  const n = workers.count;
  const soloBelow = workers.soloBelow ?? SOLO_BELOW;
  const silenceMs = workers.silenceMs ?? SILENCE_MS;

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

  const storedBytes = (): number =>
    log.bytes + ownerBytes.reduce((a, b) => a + b, 0) + (solo?.visited.bytes ?? 0);
  const progress = (): Progress => ({
    distinctStates: log.size,
    transitions: transitions + (solo?.transitions ?? 0),
    depth,
    frontier: Math.max(0, levelSize - (pool?.expanded() ?? 0)),
    elapsedMs: clock() - started,
    storedBytes: storedBytes(),
  });
  const limitHit = (): Truncation | undefined => {
    if (clock() - started >= maxTimeMs) return 'time';
    const heap = memoryUsage() + workerHeap.reduce((a, b) => a + b, 0);
    if (storedBytes() + heap > maxMemory) return 'memory';
    return undefined;
  };
  const checkLimits = (): void => {
    const why = limitHit();
    if (why !== undefined) findings.truncate(why);
  };
  const tick = (): void => {
    const why = limitHit();
    if (why !== undefined) {
      findings.truncate(why);
      pool?.stop();
    }
    const now = clock();
    if (options.onProgress !== undefined && now - lastTick >= TICK_MS) {
      lastTick = now;
      options.onProgress(progress());
    }
  };

  let solo: SoloLevels<S, A> | undefined = new SoloLevels(
    model,
    symmetry,
    log,
    findings,
    maxStates,
    stopOnViolation,
    checkLimits,
  );
  // Started only when a level is worth it: a run whose levels all stay small never pays for them.
  let pool: Pool | undefined;
  const startPool = (): Pool => {
    const created = new Pool(n, workers.descriptor, symmetry, tick, silenceMs);
    pool = created;
    for (const r of created.collect('ready')) tables.push(r.table);
    return created;
  };
  try {
    solo.init();
    levelSize = log.size;
    let firstId = 0;
    let commands: Command[] = [];
    while (levelSize > 0 && findings.failure === undefined) {
      options.onProgress?.(progress());
      checkLimits();
      if (solo !== undefined) {
        if (findings.shouldStop(stopOnViolation)) break;
        if (levelSize < soloBelow) {
          if (depth >= maxDepth) {
            if (solo.anySuccessorUnseen()) findings.truncate('depth');
            break;
          }
          if (!solo.level(firstId, depth)) break;
          firstId += levelSize;
          levelSize = solo.frontier.length;
          if (levelSize > 0) deepest = ++depth;
          continue;
        }
        const handed = handOver(startPool(), model, solo, firstId);
        handed.inserted.forEach((r, o) => {
          tables[o] = r.table;
          ownerBytes[o] = r.storedBytes;
        });
        commands = handed.commands;
        transitions += solo.transitions;
        generated += solo.generated;
        solo = undefined;
      }
      const active = pool ?? startPool(); // started by the hand-over
      const mode: LevelMode = findings.shouldStop(stopOnViolation)
        ? 'none'
        : depth >= maxDepth
          ? 'probe'
          : 'expand';
      active.resetExpanded();
      active.send(commands.map((c) => ({ ...c, tables, mode, stopOnViolation }) as Command));
      // A worker that finds a reason to stop among its kept states stops the others itself.
      active.await(mode === 'none' ? 1 : 2, mode === 'none' ? 'kept' : 'level');
      kept(active.read('kept'), depth);
      if (mode === 'none' || findings.shouldStop(stopOnViolation)) break;
      const level = active.read('level');
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

      const levelEnd = firstId + levelSize;
      const { wins, cut } = numberLevel(
        log,
        level.map((r) => r.winners),
        firstId,
        levelEnd,
        maxStates,
      );
      if (cut) findings.truncate('states');
      const newStates = log.size - levelEnd;
      firstId = levelEnd;
      levelSize = newStates;
      if (newStates === 0) break;
      deepest = ++depth;
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
    if (solo !== undefined) {
      transitions += solo.transitions;
      generated += solo.generated;
    }
  } finally {
    pool?.close();
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

/**
 * Hands the explored levels to the workers: the fingerprints seen so far to their owners, and the
 * frontier (encoded) to the workers round-robin; returns their commands for the frontier.
 */
function handOver<S, A>(
  pool: Pool,
  model: Model<S, A>,
  solo: SoloLevels<S, A>,
  firstId: number,
): { commands: Command[]; inserted: Extract<Report, { type: 'inserted' }>[] } {
  const n = pool.count;
  const owned = Array.from({ length: n }, () => new U32Buffer());
  const slots = solo.visited.slots;
  for (let i = 0; i < slots.length; i += 2) {
    const lo = slots[i]!;
    const hi = slots[i + 1]!;
    if (lo !== 0 || hi !== 0) owned[hi % n]!.push2(lo, hi);
  }
  const inserted = pool.round(
    'inserted',
    owned.map((f) => ({ type: 'insert', fingerprints: f.values() })),
  );
  const held = Array.from({ length: n }, () => ({
    ids: [] as number[],
    words: new WordBuffer(),
    offsets: [0],
  }));
  const enc = new Encoder();
  solo.frontier.forEach((state, k) => {
    const b = held[k % n]!;
    b.ids.push(firstId + k);
    enc.reset();
    model.encode(state, enc);
    b.words.append(enc.buffer, enc.length);
    b.offsets.push(b.words.length);
  });
  const commands = held.map((b): Command => ({
    type: 'level',
    wins: new Uint32Array(0),
    give: new Array<number>(n).fill(0),
    take: new Array<number>(n).fill(0),
    held: {
      ids: Uint32Array.from(b.ids),
      offsets: Uint32Array.from(b.offsets),
      words: b.words.words(),
    },
    tables: [],
    mode: 'none',
    stopOnViolation: false,
  }));
  return { commands, inserted };
}

/** The state with id `id`, rebuilt by re-executing its path. */
function replayTo<S, A>(model: Model<S, A>, log: StateLog, id: number): S {
  return replayPath(model, log.pathTo(id)).states.at(-1) as S;
}
