/**
 * The explorer computes the successors of a batch of states before adding any of them
 * (explorer/successorBatch.ts). These tests hold it to what adding each successor as soon as it is
 * computed gives: a plain breadth-first search written here, one state and one action at a time,
 * including where the model throws, where the state limit cuts the run and where it stops at its
 * first violation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Encoder, explore, type Model } from '../../explorer/index.ts';
import type { Edge } from './toys/randomGraph.ts';

type Stage = 'actions' | 'next' | 'encode' | 'check';

interface FaultyGraph {
  readonly edges: readonly (readonly number[])[];
  readonly initial: readonly number[];
  readonly bad: readonly number[];
  /** The model throws in this function when it is called for (or, in next, towards) this node. */
  readonly throwIn?: { readonly stage: Stage; readonly node: number };
}

function faultyModel(g: FaultyGraph): Model<number, Edge> {
  const boom = (stage: Stage, node: number): void => {
    if (g.throwIn?.stage === stage && g.throwIn.node === node)
      throw new Error(`boom in ${stage} at ${node}`);
  };
  return {
    init: () => g.initial,
    actions: (node) => {
      boom('actions', node);
      return (g.edges[node] ?? []).map((to) => ({ kind: 'edge' as const, to }));
    },
    next: (_node, edge) => {
      boom('next', edge.to);
      return edge.to;
    },
    invariants: [
      {
        name: 'avoids-bad',
        when: 'always',
        check: (node) => {
          boom('check', node);
          return g.bad.includes(node) ? `at bad node ${node}` : undefined;
        },
      },
      {
        name: 'ends-off-multiples-of-three',
        when: 'terminal',
        check: (node) => (node % 3 === 0 ? `ends at ${node}` : undefined),
      },
    ],
    encode: (node, out) => {
      boom('encode', node);
      out.u32(node);
    },
  };
}

interface Outcome {
  status: string;
  truncatedBy: string | undefined;
  distinctStates: number;
  transitions: number;
  /** Initial states and successors computed (fingerprint mode only: from the collision estimate). */
  generated: number | undefined;
  maxDepth: number;
  violations: { invariant: string; message: string; depth: number; states: number[] }[];
  error: { message: string; action: Edge | undefined; states: number[] } | undefined;
}

/** Breadth-first search adding each successor as soon as it is computed. */
function oneAtATime(
  model: Model<number, Edge>,
  maxStates: number,
  stopOnViolation: boolean,
): Outcome {
  const idOf = new Map<number, number>();
  const nodes: number[] = [];
  const parent: number[] = [];
  const found = new Map<string, { message: string; id: number; depth: number }>();
  let failure: { message: string; id: number; action: Edge | undefined } | undefined;
  let truncatedBy: string | undefined;
  let transitions = 0;
  let generated = 0;
  let deepest = 0;
  const encode = (node: number): void => model.encode(node, new Encoder());
  const check = (when: string, node: number, id: number, depth: number): void => {
    for (const inv of model.invariants) {
      if (inv.when !== when || found.has(inv.name)) continue;
      const message = inv.check(node);
      if (message !== undefined) found.set(inv.name, { message, id, depth });
    }
  };
  const add = (node: number, from: number): number | undefined => {
    if (idOf.has(node)) return undefined;
    if (nodes.length >= maxStates) {
      truncatedBy ??= 'states';
      return -1;
    }
    idOf.set(node, nodes.length);
    nodes.push(node);
    parent.push(from);
    return nodes.length - 1;
  };
  const stop = (): boolean =>
    failure !== undefined || truncatedBy !== undefined || (stopOnViolation && found.size > 0);
  const pathTo = (id: number): number[] => (id < 0 ? [] : [...pathTo(parent[id]!), nodes[id]!]);

  let frontier: number[] = [];
  try {
    for (const node of model.init()) {
      generated++;
      encode(node);
      const id = add(node, -1);
      if (id === undefined) continue;
      if (id < 0) break;
      frontier.push(node);
      check('always', node, id, 0);
    }
  } catch (e) {
    failure = { message: (e as Error).message, id: -1, action: undefined };
  }
  let firstId = 0;
  let depth = 0;
  levels: while (frontier.length > 0 && !stop()) {
    const next: number[] = [];
    for (const [k, node] of frontier.entries()) {
      const id = firstId + k;
      let action: Edge | undefined;
      try {
        const actions = model.actions(node);
        if (actions.length === 0) check('terminal', node, id, depth);
        for (const a of actions) {
          action = a;
          const successor = model.next(node, a);
          transitions++;
          generated++;
          encode(successor);
          const childId = add(successor, id);
          if (childId === undefined) continue;
          if (childId < 0) break;
          deepest = depth + 1;
          next.push(successor);
          check('always', successor, childId, depth + 1);
        }
      } catch (e) {
        failure = { message: (e as Error).message, id, action };
        break levels;
      }
      if (stop()) break levels;
    }
    firstId += frontier.length;
    frontier = next;
    if (next.length > 0) depth++;
  }
  if (truncatedBy === undefined && stopOnViolation && found.size > 0 && frontier.length > 0)
    truncatedBy = 'first-violation';
  const violations = model.invariants.flatMap((inv) => {
    const f = found.get(inv.name);
    return f === undefined
      ? []
      : [{ invariant: inv.name, message: f.message, depth: f.depth, states: pathTo(f.id) }];
  });
  return {
    status: failure !== undefined ? 'error' : violations.length > 0 ? 'violation' : 'ok',
    truncatedBy,
    distinctStates: nodes.length,
    transitions,
    generated,
    maxDepth: deepest,
    violations,
    error:
      failure === undefined
        ? undefined
        : { message: failure.message, action: failure.action, states: pathTo(failure.id) },
  };
}

function outcomeOf(
  model: Model<number, Edge>,
  maxStates: number,
  stopOnViolation: boolean,
  exact: boolean,
): Outcome {
  const r = explore(model, { maxStates, stopOnViolation, exact });
  const n = r.stats.distinctStates;
  return {
    status: r.status,
    truncatedBy: r.truncatedBy,
    distinctStates: n,
    transitions: r.stats.transitions,
    // collisionProbability = n (generated - n) / 2^64
    generated:
      exact || n === 0 ? undefined : Math.round((r.stats.collisionProbability * 2 ** 64) / n) + n,
    maxDepth: r.stats.maxDepth,
    violations: r.violations.map((v) => ({
      invariant: v.invariant,
      message: v.message,
      depth: v.depth,
      states: [...v.trace.states],
    })),
    error:
      r.error === undefined
        ? undefined
        : { message: r.error.message, action: r.error.action, states: [...r.error.trace.states] },
  };
}

// Up to 150 nodes of up to 7 out-edges: levels of hundreds of successors, several batches each.
const faultyGraphs: fc.Arbitrary<FaultyGraph> = fc.integer({ min: 1, max: 150 }).chain((n) =>
  fc.record(
    {
      edges: fc.array(fc.uniqueArray(fc.nat(n - 1), { maxLength: 7, size: 'max' }), {
        minLength: n,
        maxLength: n,
      }),
      initial: fc.uniqueArray(fc.nat(n - 1), { minLength: 1, maxLength: 3 }),
      bad: fc.uniqueArray(fc.nat(n - 1), { maxLength: 2 }),
      throwIn: fc.record({
        stage: fc.constantFrom<Stage>('actions', 'next', 'encode', 'check'),
        node: fc.nat(n - 1),
      }),
    },
    { requiredKeys: ['edges', 'initial', 'bad'] },
  ),
);

describe('batched expansion', () => {
  it('finds what adding each successor as soon as it is computed finds, in both modes', () => {
    fc.assert(
      fc.property(
        faultyGraphs,
        fc.option(fc.integer({ min: 1, max: 160 }), { nil: undefined }),
        fc.boolean(),
        (g, maxStates, stopOnViolation) => {
          const model = faultyModel(g);
          const limit = maxStates ?? Infinity;
          const expected = oneAtATime(model, limit, stopOnViolation);
          const fingerprinted = outcomeOf(model, limit, stopOnViolation, false);
          if (fingerprinted.distinctStates === 0) expected.generated = undefined;
          expect(fingerprinted).toEqual(expected);
          const exact = outcomeOf(model, limit, stopOnViolation, true);
          expect(exact).toEqual({ ...expected, generated: undefined });
        },
      ),
      { numRuns: 400, seed: 20261123 },
    );
  });

  it('reaches levels of more successors than one batch holds', () => {
    // A complete graph on 40 nodes: its second level computes 38 * 39 successors before the model
    // throws at its last state.
    const n = 40;
    const edges = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => j).filter((j) => j !== i),
    );
    const g: FaultyGraph = {
      edges,
      initial: [0],
      bad: [],
      throwIn: { stage: 'actions', node: 39 },
    };
    const expected = oneAtATime(faultyModel(g), Infinity, false);
    expect(expected.transitions).toBeGreaterThan(256);
    expect(outcomeOf(faultyModel(g), Infinity, false, false)).toEqual(expected);
  });
});
