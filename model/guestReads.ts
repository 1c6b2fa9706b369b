/** Bookkeeping shared by the guest's clock reads: what a completed read leaves behind for the invariants. */
import type { ClockDraft } from './transition.ts';

export function recordRead(
  d: ClockDraft,
  task: number,
  read: { value: bigint; torn: boolean; floorAtStart: bigint },
): void {
  const t = d.tasks[task]!;
  t.prevRead = t.lastRead;
  t.lastRead = {
    valid: true,
    value: read.value,
    vcpu: t.vcpu,
    at: d.now,
    torn: read.torn,
    floorAtStart: read.floorAtStart,
  };
  t.reads++;
  if (read.value > d.guest.maxReturned) d.guest.maxReturned = read.value;
}
