/** Every invariant the model can check, by name (DESIGN.md section 4). */
import { crossVcpuOrder } from './crossVcpuOrder.ts';
import { guestMonotonic } from './guestMonotonic.ts';
import { hostMonotonic } from './hostMonotonic.ts';
import type { ClockInvariant } from './invariant.ts';
import { kvmclockDrift } from './kvmclockDrift.ts';
import { kvmclockStep } from './kvmclockStep.ts';
import { noLostTimer } from './noLostTimer.ts';
import { pvtiConsistent } from './pvtiConsistent.ts';
import { timerLateness } from './timerLateness.ts';
import { timerNotEarly } from './timerNotEarly.ts';
import { vcpuCounterEqual } from './vcpuCounterEqual.ts';

export {
  defineInvariant,
  defineSometimes,
  isPropertyName,
  type ClockInvariant,
  type ClockSometimes,
} from './invariant.ts';

const BUILT_IN = [
  guestMonotonic,
  crossVcpuOrder,
  hostMonotonic,
  noLostTimer,
  timerNotEarly,
  timerLateness,
  kvmclockDrift,
  kvmclockStep,
  pvtiConsistent,
  vcpuCounterEqual,
] as const;

export const INVARIANTS: readonly ClockInvariant[] = BUILT_IN;

/** The name of a built-in invariant. */
export type InvariantName = (typeof BUILT_IN)[number]['name'];

export function invariantNamed(name: string): ClockInvariant | undefined {
  return INVARIANTS.find((inv) => inv.name === name);
}
