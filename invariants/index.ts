/** Every invariant the model can check, by name. */
import { guestMonotonic } from './guestMonotonic.ts';
import type { ClockInvariant } from './invariant.ts';

export type { ClockInvariant } from './invariant.ts';

export const INVARIANTS: readonly ClockInvariant[] = [guestMonotonic];

export function invariantNamed(name: string): ClockInvariant | undefined {
  return INVARIANTS.find((inv) => inv.name === name);
}
