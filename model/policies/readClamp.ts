/**
 * What a guest read does with the value it computed (the end of pvclock_clocksource_read in
 * arch/x86/kernel/pvclock.c). Returns the value the read returns and the new global last_value.
 *
 * - `none`: return the value as computed (per-vCPU clocks, no global ordering).
 * - `last-value`: Glauber Costa's clamp (Graf's post): never return less than the largest value
 *   returned so far, by an atomic compare-and-exchange on last_value.
 * - `last-value-unless-stable`: the kernel today: the clamp is skipped when the page carries
 *   PVCLOCK_TSC_STABLE_BIT, on the promise that the host TSCs are synchronized.
 */
import { PVCLOCK_TSC_STABLE_BIT } from '../arith/index.ts';

export interface ClampResult {
  readonly value: bigint;
  readonly lastValue: bigint;
}
export type ReadClampPolicy = (value: bigint, flags: number, lastValue: bigint) => ClampResult;

const clampToLast: ReadClampPolicy = (value, _flags, lastValue) =>
  value <= lastValue ? { value: lastValue, lastValue } : { value, lastValue: value };

export const readClampPolicies = {
  none: (value, _flags, lastValue) => ({ value, lastValue }),
  'last-value': clampToLast,
  'last-value-unless-stable': (value, flags, lastValue) =>
    (flags & PVCLOCK_TSC_STABLE_BIT) !== 0
      ? { value, lastValue }
      : clampToLast(value, flags, lastValue),
} satisfies Record<string, ReadClampPolicy>;
