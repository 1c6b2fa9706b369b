/**
 * Toy model over an arbitrary directed graph: a state is a node, the enabled actions are its
 * out-edges. Used with fast-check to compare the explorer against a naive fixpoint enumeration.
 */
import type { Model } from '../../../explorer/index.ts';

export interface Graph {
  readonly edges: readonly (readonly number[])[];
  readonly initial: readonly number[];
  readonly bad: readonly number[];
}
export type Edge = { readonly kind: 'edge'; readonly to: number };

export function graphModel(g: Graph): Model<number, Edge> {
  return {
    init: () => g.initial,
    actions: (node) => (g.edges[node] ?? []).map((to) => ({ kind: 'edge' as const, to })),
    next: (_node, edge) => edge.to,
    invariants: [
      {
        name: 'avoids-bad',
        when: 'always',
        check: (node) => (g.bad.includes(node) ? `at bad node ${node}` : undefined),
      },
    ],
    encode: (node, out) => out.u32(node),
    decode: (words) => words[0]!,
  };
}

/** Distances from the initial nodes by repeated relaxation until nothing changes (no queue, no visited set). */
export function naiveDistances(g: Graph): Map<number, number> {
  const dist = new Map<number, number>(g.initial.map((n) => [n, 0]));
  for (let changed = true; changed;) {
    changed = false;
    for (const [node, d] of [...dist]) {
      for (const to of g.edges[node] ?? []) {
        const known = dist.get(to);
        if (known === undefined || known > d + 1) {
          dist.set(to, d + 1);
          changed = true;
        }
      }
    }
  }
  return dist;
}
