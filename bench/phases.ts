/**
 * Where one distinct state's time goes: the explorer's work split into its phases (enabled
 * actions, successors, encoding, fingerprint, visited-set insert, invariants), each timed alone
 * over the same sample of states, plus the cheapest state update immer can make. It says what
 * bounds the states/s figure of a workload, which the profile shows only spread over hundreds of
 * functions. A benchmark, not a test: nothing here asserts a speed.
 */
import { Immer } from 'immer';
import { performance } from 'node:perf_hooks';
import { Encoder, type Model } from '../explorer/index.ts';
import { fingerprint } from '../explorer/fingerprint.ts';
import { FingerprintSet } from '../explorer/visitedSet.ts';

export interface PhaseFigures {
  /** Distinct states in the sample (a breadth-first prefix of the run). */
  readonly sampleStates: number;
  readonly transitionsPerState: number;
  /** Microseconds per distinct state, by phase. */
  readonly microsPerState: {
    readonly actions: number;
    readonly next: number;
    readonly encode: number;
    readonly fingerprint: number;
    readonly visited: number;
    readonly invariants: number;
    readonly total: number;
  };
  /** Microseconds of immer's cheapest update (one root number field) on a state of the sample. */
  readonly cheapestProduceMicros: number;
  readonly wordsPerState: number;
}

/** Immer configured as the model's own instance (model/next.ts): no freezing, loose copies. */
const immer = new Immer({ autoFreeze: false, useStrictShallowCopy: false });
immer.setUseStrictIteration(false);

const PHASES = ['actions', 'next', 'encode', 'fingerprint', 'visited', 'invariants'] as const;
type Phase = (typeof PHASES)[number];

/**
 * Times the phases over the first `sampleSize` states of a breadth-first run of `model`, in the
 * explorer's own order (each successor is encoded, fingerprinted and looked up as soon as it is
 * made, so it dies young as in a run). Timing each phase alone would not do: a phase run over a
 * whole sample keeps every successor alive and changes what the collector and the caches see.
 * So pass k runs the first k phases, and phase k costs pass k minus pass k - 1 (medians over
 * `rounds` interleaved passes).
 */
export function measurePhases<S, A>(
  model: Model<S, A>,
  cheapestUpdate: (draft: S) => void,
  { sampleSize = 40_000, rounds = 5, updateCalls = 1_000_000 } = {},
): PhaseFigures {
  const sample = breadthFirstPrefix(model, sampleSize);
  const key = model.encodeCanonical ?? model.encode;
  const always = model.invariants.filter((inv) => inv.when === 'always');
  const enc = new Encoder();
  const fp = new Uint32Array(2);
  let transitions = 0;
  let words = 0;

  /** One pass over the sample doing the first `upTo` phases; milliseconds. */
  const pass = (upTo: number): number => {
    const visited = new FingerprintSet();
    transitions = 0;
    words = 0;
    const t0 = performance.now();
    for (let i = 0; i < sample.length; i++) {
      const state = sample[i]!;
      const actions = model.actions(state);
      if (upTo >= 6) for (const inv of always) inv.check(state);
      if (upTo < 2) continue;
      for (let k = 0; k < actions.length; k++) {
        const successor = model.next(state, actions[k]!);
        transitions++;
        if (upTo < 3) continue;
        enc.reset();
        key(successor, enc);
        words += enc.length;
        if (upTo < 4) continue;
        fingerprint(enc.buffer, fp, enc.length);
        if (upTo >= 5) visited.insert(fp[0]!, fp[1]!);
      }
    }
    return performance.now() - t0;
  };

  const times: number[][] = PHASES.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 1; k <= PHASES.length; k++) times[k - 1]!.push(pass(k));
  }
  const medians = times.map((t) => t.sort((a, b) => a - b)[t.length >> 1]!);
  const perState = (ms: number): number => round3(Math.max(0, (ms * 1000) / sample.length));
  const micros = Object.fromEntries(
    PHASES.map((phase, k) => [phase, perState(medians[k]! - (k > 0 ? medians[k - 1]! : 0))]),
  ) as Record<Phase, number>;
  return {
    sampleStates: sample.length,
    transitionsPerState: round3(transitions / sample.length),
    microsPerState: { ...micros, total: perState(medians[PHASES.length - 1]!) },
    cheapestProduceMicros: timeCheapestUpdate(
      sample[sample.length - 1]!,
      cheapestUpdate,
      updateCalls,
    ),
    wordsPerState: round3(words / transitions),
  };
}

/** The first `limit` distinct states of a breadth-first run (keyed as the explorer keys them). */
function breadthFirstPrefix<S, A>(model: Model<S, A>, limit: number): S[] {
  const key = model.encodeCanonical ?? model.encode;
  const enc = new Encoder();
  const seen = new FingerprintSet();
  const states: S[] = [];
  const admit = (s: S): void => {
    enc.reset();
    key(s, enc);
    if (seen.add(enc.buffer, enc.length)) states.push(s);
  };
  for (const s of model.init()) admit(s);
  for (let i = 0; i < states.length && states.length < limit; i++) {
    for (const a of model.actions(states[i]!)) {
      if (states.length >= limit) break;
      admit(model.next(states[i]!, a));
    }
  }
  return states;
}

/** Microseconds per call of immer's produce making `update` on `state` (the median of 5 batches). */
function timeCheapestUpdate<S>(state: S, update: (draft: S) => void, calls: number): number {
  const batch = Math.max(1, Math.ceil(calls / 5));
  const times: number[] = [];
  let changed = 0;
  for (let b = 0; b < 5; b++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) {
      if (immer.produce(state, (d) => update(d as S)) !== state) changed++;
    }
    times.push(((performance.now() - t0) * 1000) / batch);
  }
  if (changed === 0) throw new Error('the cheapest update changed nothing');
  return round3(times.sort((a, b) => a - b)[2]!);
}

function round3(x: number): number {
  return Number(x.toFixed(3));
}
