/** The scenario catalogue. */
import type { Scenario, VariantSpec } from './scenario.ts';
import { tscDeadlineNtp } from './tscDeadlineNtp.ts';
import { unsyncedTsc } from './unsyncedTsc.ts';

export * from './scenario.ts';
export { resolveParams, defaultParams, ParamError } from './params.ts';

export const SCENARIOS: readonly Scenario[] = [tscDeadlineNtp, unsyncedTsc];

export function scenarioNamed(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

export function variantNamed(scenario: Scenario, name: string): VariantSpec | undefined {
  return scenario.variants.find((v) => v.name === name);
}
