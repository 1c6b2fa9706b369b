/** The scenario catalogue. */
import type { Scenario, VariantSpec } from './scenario.ts';
import { arm64CounterOffset } from './arm64CounterOffset.ts';
import { masterclockUpdate } from './masterclockUpdate.ts';
import { pvclockRead } from './pvclockRead.ts';
import { tscDeadlineNtp } from './tscDeadlineNtp.ts';
import { unsyncedTsc } from './unsyncedTsc.ts';

export * from './scenario.ts';
export { resolveParams, defaultParams, ParamError } from './params.ts';

export const SCENARIOS: readonly Scenario[] = [
  tscDeadlineNtp,
  masterclockUpdate,
  pvclockRead,
  unsyncedTsc,
  arm64CounterOffset,
];

export function scenarioNamed(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

export function variantNamed(scenario: Scenario, name: string): VariantSpec | undefined {
  return scenario.variants.find((v) => v.name === name);
}
