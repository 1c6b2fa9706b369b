import { describe, expect, it } from 'vitest';
import { runCatalogue, type CatalogueEntry } from '../../check/catalogue.ts';

/** What symmetry reduction must not change: verdicts, shortest counterexample lengths, depths. */
function outcome(e: CatalogueEntry) {
  const r = e.run.result;
  return {
    run: `${e.run.target.scenario.name} / ${e.run.target.variant.name}`,
    status: r.status,
    complete: r.complete,
    maxDepth: r.stats.maxDepth,
    verdicts: e.verdicts.map((v) => [v.invariant, v.actual, v.depth]),
    sometimes: r.sometimes,
    asExpected: e.asExpected,
  };
}

describe('symmetry reduction over the whole catalogue', () => {
  const reduced = runCatalogue();
  const full = runCatalogue({ symmetry: false });

  it('gives every (scenario, variant) the same verdicts, counterexample lengths and depth', () => {
    expect(reduced.entries.map(outcome)).toEqual(full.entries.map(outcome));
    expect(reduced.asExpected).toBe(true);
  });

  it('stores fewer states where components are interchangeable, and never more', () => {
    const counts = reduced.entries.map((e, i) => {
      const without = full.entries[i]!.run.result.stats.distinctStates;
      const withSym = e.run.result.stats.distinctStates;
      return { run: outcome(e).run, without, withSym, symmetry: e.run.result.stats.symmetry };
    });
    for (const c of counts) {
      if (c.symmetry) expect(c.withSym, c.run).toBeLessThan(c.without);
      else expect(c.withSym, c.run).toBe(c.without);
    }
    expect(counts.filter((c) => c.symmetry).map((c) => [c.run, c.without, c.withSym])).toEqual([
      ['arm64-counter-offset / per-vcpu-absolute-restore', 5289, 2652],
      ['arm64-counter-offset / per-vm-offset', 1953, 984],
    ]);
  });
});
