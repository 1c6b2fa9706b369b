import { describe, expect, it } from 'vitest';
import { resolveTarget } from '../../check/resolve.ts';
import { runCheck } from '../../check/runCheck.ts';
import { SCENARIOS } from '../../check/scenarios.ts';

// Each scenario names the parameter that switches its bug's cause off (causeOff); with it, the
// baseline, which shows the bug at the defaults, violates nothing, in a complete run.
describe('negative controls: the cause switched off, every baseline holds', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    const { param, value } = scenario.causeOff;
    const at = (params: Record<string, number | boolean>) =>
      runCheck(resolveTarget({ scenario, variant: scenario.baseline, params })).result;
    const bug = at({});
    expect(bug.violations.length).toBeGreaterThan(0);
    const off = at({ [param]: value });
    expect(off.complete).toBe(true);
    expect(off.violations.map((v) => v.invariant)).toEqual([]);
  });
});
