/**
 * Causal time: a TSC read that follows another event in causal order reads strictly more than any
 * TSC that event read (on hardware whose TSCs are synchronized; skewed pCPUs add their skew).
 *
 * Real time advances only by timeAdvance, so every action of one instant would otherwise read the
 * same TSC value: a guest rdtsc after the host took tsc_timestamp for a page would read the stamp
 * itself, which hardware never does (the TSC ticks between the two, and the write is visible to
 * the guest only after it). The model keeps the count of actions that read a TSC since the last
 * timeAdvance (ClockState.tscLead) and every x86 TSC read at `now` is that many cycles later than
 * the TSC's value at `now` (clocks.ts hostTscNow): each reading action reads at least one cycle
 * more than every reading action before it in the interleaving, which is the causal order the
 * explorer gives them (two actions it may order either way are explored in both orders).
 *
 * An action counts as a reader when it reads a TSC through the clock functions (clocks.ts
 * hostTscNow, and everything built on it: guestTsc, hostClocksourceCycles, monoNow, rawNow,
 * kvmclockOn, pvtiFor...), so a user's transition or reader takes part without declaring it.
 * Reads made while listing enabled actions, checking invariants or observing a step are
 * measurements, not events, and do not count.
 *
 * A timeAdvance that moves time by fewer cycles than the lead carries the rest over (leadAfter), so
 * no TSC reads less than one already read: pCPUs tick at their own rates, and the carry is taken
 * against the one that ticked least.
 */
import type { ClockState } from './state.ts';

/**
 * The most reading actions of one instant that read strictly more than the one before. A reader
 * that spins on a page being written (version odd, or changed) re-reads the TSC at every turn
 * while the explorer keeps the writer waiting; with no cap each turn would be a new state and the
 * instant would never end. Past the cap, reads of the instant read equal to the last: the
 * counterexamples the catalogue ships never reach it (test/model/causalTime.test.ts).
 */
export const MAX_TSC_LEAD = 8;

/** TSC reads since the last startCounting (module-level: one step is applied at a time). */
let reads = 0;

/** Called by every TSC read at `now` (clocks.ts hostTscNow). */
export function noteTscRead(): void {
  reads++;
}

/**
 * Applies one step with `apply` and returns the lead the state after it has: one more than
 * `before`'s when the step read a TSC.
 */
export function countingTscReads(before: ClockState, apply: () => void): number {
  const outer = reads;
  reads = 0;
  try {
    apply();
    return reads > 0 && before.tscLead < MAX_TSC_LEAD ? before.tscLead + 1 : before.tscLead;
  } finally {
    reads = outer;
  }
}

/**
 * The lead after time moves on by `elapsed` cycles of the slowest-ticking pCPU: what of the old
 * lead the TSCs have not caught up with (0 once they have).
 */
export function leadAfter(lead: number, elapsed: bigint): number {
  if (lead === 0) return 0;
  return elapsed >= BigInt(lead) ? 0 : lead - Number(elapsed);
}
