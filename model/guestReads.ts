/** Bookkeeping shared by the guest's clock reads: what a completed read leaves behind for the invariants. */
import { castDraft } from 'immer';
import type { ClockState, ReadProgress, TaskState } from './state.ts';
import type { ClockDraft } from './transition.ts';

/**
 * Gives task `task` of `d` (a draft of `s`) the record `t`, as one assignment of a new tasks array
 * on the draft's root. Why not field writes through the draft: each nested object touched through
 * the draft costs immer a proxy, a copy and a finalisation, and a record assigned below the root
 * is walked in full when the draft is finalised; on the root alone a step costs immer about a
 * quarter as much (a read's completion: 1.0 µs instead of 4.1 µs on the bench machine). The
 * caller must not also have written the task through the draft (this assignment would drop it).
 */
export function setTask(d: ClockDraft, s: ClockState, task: number, t: TaskState): void {
  const tasks = s.tasks.slice();
  tasks[task] = t;
  d.tasks = castDraft(tasks);
}

/**
 * A task record: `t` with the given vCPU, read progress, count of reads and migrations. The records
 * of the hot steps are written out field by field, not spread (`{ ...t, vcpu }`): every task record
 * then has one shape, and a spread of records of several shapes costs V8 its slow path (0.45 µs a
 * copy on the bench machine). A field added to TaskState must be added here (the type says so).
 */
export function taskWith(
  t: TaskState,
  vcpu: number,
  read: ReadProgress,
  reads: number,
  migrations: number,
): TaskState {
  return { vcpu, read, reads, migrations, prevRead: t.prevRead, lastRead: t.lastRead };
}

/**
 * The read progress `r` with `changes`, written out field by field (see taskWith), so every read
 * record has one shape whichever fields a step changes.
 */
export function readWith(r: ReadProgress, changes: Partial<ReadProgress>): ReadProgress {
  return {
    active: changes.active ?? r.active,
    step: changes.step ?? r.step,
    pageVcpu: changes.pageVcpu ?? r.pageVcpu,
    cpu: changes.cpu ?? r.cpu,
    version: changes.version ?? r.version,
    fields: changes.fields ?? r.fields,
    tsc: changes.tsc ?? r.tsc,
    torn: changes.torn ?? r.torn,
    overlapOld: changes.overlapOld ?? r.overlapOld,
    overlapNew: changes.overlapNew ?? r.overlapNew,
    floorAtStart: changes.floorAtStart ?? r.floorAtStart,
  };
}

/**
 * Records a completed read of `task` in `d`, a draft of `s`: the read in progress (if any) ends
 * (its progress becomes `ended`, by default the progress as it was, no longer active), the last
 * read becomes the one before it, and the global last_value becomes `lastValue` (the caller's
 * clamp; unchanged when the read has no clamp). Everything is read from `s` and written as whole
 * records on the draft's root (see setTask).
 */
export function recordRead(
  d: ClockDraft,
  s: ClockState,
  task: number,
  read: { value: bigint; torn: boolean; floorAtStart: bigint; lastValue: bigint },
  ended?: ReadProgress,
): void {
  const { value, torn, floorAtStart, lastValue } = read;
  const before = s.tasks[task]!;
  const r = before.read;
  setTask(d, s, task, {
    vcpu: before.vcpu,
    read: ended ?? (r.active ? readWith(r, { active: false, step: 0 }) : r),
    reads: before.reads + 1,
    migrations: before.migrations,
    prevRead: before.lastRead,
    lastRead: { valid: true, value, vcpu: before.vcpu, at: s.now, torn, floorAtStart },
  });
  const g = s.guest;
  const maxReturned = value > g.maxReturned ? value : g.maxReturned;
  if (lastValue !== g.lastValue || maxReturned !== g.maxReturned) {
    d.guest = { lastValue, maxReturned };
  }
}
