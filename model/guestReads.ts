/** Bookkeeping shared by the guest's clock reads: what a completed read leaves behind for the invariants. */
import type { ClockState } from './state.ts';
import type { ClockDraft } from './transition.ts';

/**
 * Records a completed read of `task` in `d`, a draft of `s`. The task's vCPU, read count and last
 * read, and the largest value returned, are read from `s`: the caller has not changed them, and
 * reading them through the draft would make immer build proxies (for the last read, one it must
 * then resolve when it moves to prevRead).
 */
export function recordRead(
  d: ClockDraft,
  s: ClockState,
  task: number,
  read: { value: bigint; torn: boolean; floorAtStart: bigint },
): void {
  const before = s.tasks[task]!;
  const t = d.tasks[task]!;
  t.prevRead = before.lastRead;
  t.lastRead = {
    valid: true,
    value: read.value,
    vcpu: before.vcpu,
    at: s.now,
    torn: read.torn,
    floorAtStart: read.floorAtStart,
  };
  t.reads = before.reads + 1;
  if (read.value > s.guest.maxReturned) d.guest.maxReturned = read.value;
}
