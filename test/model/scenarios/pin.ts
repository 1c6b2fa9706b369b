/**
 * Pinning a scenario's runs: per variant the distinct-state count, the deepest level, and per
 * invariant either 'holds' or the depth of the shortest violation. A model change that alters any
 * of these fails here and shows up in review. Each pinned verdict must also be the one the
 * catalogue expects.
 */
import { expect, it } from 'vitest';
import { judge } from '../../../check/catalogue.ts';
import { runCheck } from '../../../check/runCheck.ts';
import { scenarioNamed } from '../../../check/scenarios.ts';
import { target } from '../../helpers.ts';

export type Pin = readonly [
  variant: string,
  states: number,
  depth: number,
  verdicts: Record<string, 'holds' | number>,
];

export function pinScenario(scenario: string, pins: readonly Pin[]): void {
  it('pins every variant of the catalogue', () => {
    expect(pins.map(([v]) => v)).toEqual(scenarioNamed(scenario)!.variants.map((v) => v.name));
  });
  it.each(pins)('%s: %i states, depth %i, verdicts %j', (variant, states, depth, verdicts) => {
    const entry = judge(runCheck(target(scenario, variant)));
    const r = entry.run.result;
    expect(r.complete).toBe(true);
    expect(r.stats.distinctStates).toBe(states);
    expect(r.stats.maxDepth).toBe(depth);
    expect(
      Object.fromEntries(
        entry.verdicts.map((v) => [v.invariant, v.actual === 'holds' ? 'holds' : v.depth]),
      ),
    ).toEqual(verdicts);
    expect(entry.vacuous).toEqual([]);
    expect(entry.asExpected).toBe(true);
  });
}

/** With `params`, every listed invariant of `variant` holds, completely. */
export function holdsWith(
  scenario: string,
  variant: string,
  params: Record<string, number | boolean>,
): void {
  const r = runCheck(target(scenario, variant, params)).result;
  expect(r.complete).toBe(true);
  expect(r.violations.map((v) => `${v.invariant}: ${v.message}`)).toEqual([]);
}
