/**
 * guestRead: a guest task reads kvmclock through a pvclock page, one step of its reader per
 * action (policy reader: a list of steps, model/readers/), so that host page writes and task
 * migration can interleave. The built-in readers: `one-step` (`whole`) and `split` (version,
 * fields, tsc, check); their kernel code is in model/policies/reader.ts, that of each building
 * block in model/readers/steps.ts. The read's end is that of pvclock_clocksource_read
 * (arch/x86/kernel/pvclock.c, all versions): the value, clamped (policy readClamp, or the step's
 * own clamp) against the global last_value.
 *
 * Enabled: a task with a read in progress takes its next step; a task without one may start one
 * (its reader's first step) while it has done fewer reads than the scenario allows; in both
 * cases only when the step is ready (e.g. `version` waits while the page's version is odd). Not
 * while the task's vCPU is out of the guest (a clock update requested, or its own page being
 * written: KVM writes a vCPU's page from that vCPU's thread; or paused by the VMM), nor (unless writes may overlap
 * reads) when a read would start while any host write is under way.
 * Changes: the task's read progress, as the step says; when the step returns a value, the task's
 * last two reads, the global last_value and the largest value returned, and, if the read asks
 * for a fresh page (requestClockUpdate), its vCPU's clock-update request.
 */
import type { ActionOf } from '../actions.ts';
import { pvclockReadCycles, type Pvti } from '../arith/index.ts';
import { guestTsc } from '../clocks.ts';
import type { ClockConfig } from '../config.ts';
import { readWith, recordRead, setTask, taskWith } from '../guestReads.ts';
import { EMPTY_PVTI } from '../initialState.ts';
import { pageHalfWritten } from '../readers/pages.ts';
import {
  readerProblem,
  type ReadChanges,
  type Reader,
  type ReadReturn,
  type ReaderStep,
} from '../readers/reader.ts';
import { NO_ACTIONS, sharedAction, withAction } from '../sharedActions.ts';
import type { ClockState, ReadProgress } from '../state.ts';
import type { ClockDraft, Transition } from '../transition.ts';
import { setVcpu, vcpuWith } from '../vcpuRecords.ts';

/**
 * The vCPU is in the host, not running guest code: it has a clock update to do before it re-enters,
 * or it is writing its own page (kvm_guest_time_update runs in the vCPU's own thread), or the VMM
 * has paused it. A half-written page can therefore only be seen from another vCPU.
 */
function outOfGuest(s: ClockState, vcpu: number): boolean {
  const v = s.vcpus[vcpu]!;
  return v.clockUpdateRequested || v.pvtiWrite.active || v.paused;
}

function anyPageWrite(s: ClockState): boolean {
  for (let i = 0; i < s.vcpus.length; i++) if (s.vcpus[i]!.pvtiWrite.active) return true;
  return false;
}

/** A reader checked once and ready to run: its steps by name, and its actions, shared. */
interface RunnableReader {
  readonly reader: Reader;
  readonly steps: readonly ReaderStep[];
  readonly index: ReadonlyMap<string, number>;
  readonly actions: ActionOf<'guestRead'>[][];
  readonly make: (task: number, step: number) => ActionOf<'guestRead'>;
}

const runnable = new WeakMap<Reader, RunnableReader>();
let last: RunnableReader | undefined;

function runnableReader(reader: Reader): RunnableReader {
  if (last !== undefined && last.reader === reader) return last;
  let r = runnable.get(reader);
  if (r === undefined) {
    const problem = readerProblem(reader);
    if (problem !== undefined)
      throw new Error(`guestRead: reader '${String(reader?.name)}': ${problem}`);
    const steps = reader.steps;
    const names = steps.map((step) => step.name);
    r = {
      reader,
      steps,
      index: new Map(names.map((name, i) => [name, i])),
      actions: [],
      make: (task, step) => ({ kind: 'guestRead', task, step: names[step]! }),
    };
    runnable.set(reader, r);
  }
  last = r;
  return r;
}

/** The index of the step task `task` takes next, or -1 if it takes none now. */
function nextStep(s: ClockState, cfg: ClockConfig, r: RunnableReader, task: number): number {
  const t = s.tasks[task]!;
  const read = t.read;
  if (!read.active && t.reads >= cfg.limits.readsPerTask) return -1;
  if (outOfGuest(s, t.vcpu)) return -1;
  if (!cfg.writesDuringReads && !read.active && anyPageWrite(s)) return -1;
  const index = read.active ? read.step : 0;
  const ready = r.steps[index]!.ready;
  return ready === undefined || ready({ s, cfg, task, vcpu: t.vcpu, read }) ? index : -1;
}

/**
 * `r` with a step's changes, the framework's own fields set: written out field by field, so that
 * every read record has one shape (see taskWith in guestReads.ts). A step that reports its fields
 * torn (`torn: true`) has read the page of `pageVcpu` in the middle of a write: the framework
 * keeps that write's page before and page being written (overlapOld, overlapNew) for
 * pvti-consistent; a step that reports them whole (`torn: false`) drops them.
 */
function progressWith(
  s: ClockState,
  r: ReadProgress,
  c: ReadChanges | undefined,
  active: boolean,
  step: number,
  floorAtStart: bigint,
): ReadProgress {
  if (c === undefined)
    return {
      active,
      step,
      pageVcpu: r.pageVcpu,
      cpu: r.cpu,
      version: r.version,
      fields: r.fields,
      tsc: r.tsc,
      torn: r.torn,
      overlapOld: r.overlapOld,
      overlapNew: r.overlapNew,
      floorAtStart,
    };
  const pageVcpu = c.pageVcpu ?? r.pageVcpu;
  let overlapOld = r.overlapOld;
  let overlapNew = r.overlapNew;
  if (c.torn === true) {
    const w = s.vcpus[pageVcpu]!.pvtiWrite;
    overlapOld = w.previous;
    overlapNew = w.target;
  } else if (c.torn === false) {
    overlapOld = EMPTY_PVTI;
    overlapNew = EMPTY_PVTI;
  }
  return {
    active,
    step,
    pageVcpu,
    cpu: c.cpu ?? r.cpu,
    version: c.version ?? r.version,
    fields: c.fields ?? r.fields,
    tsc: c.tsc ?? r.tsc,
    torn: c.torn ?? r.torn,
    overlapOld,
    overlapNew,
    floorAtStart,
  };
}

/** `value` is what `old` or `next` gives for `tsc` (pvclock arithmetic, as the reader computes it). */
function givenByEither(value: bigint, old: Pvti, next: Pvti, tsc: bigint): boolean {
  return value === pvclockReadCycles(old, tsc) || value === pvclockReadCycles(next, tsc);
}

/**
 * The returned value (before the clamp) is one neither page of the write the read overlapped gives
 * for the TSC the read used: what pvti-consistent forbids. Not torn (the return says so, or else
 * the progress): false. Torn fields in the progress: judged with the progress's TSC and the
 * write's two pages. Torn only in the return (a whole read in one step, model/readers/steps.ts
 * wholeRead): with the TSC of the task's vCPU now and the pages of every write half done now.
 */
function returnsMixedValue(
  s: ClockState,
  cfg: ClockConfig,
  vcpu: number,
  progress: ReadProgress,
  then: ReadReturn,
): boolean {
  if (!(then.torn ?? progress.torn)) return false;
  if (progress.torn)
    return !givenByEither(then.value, progress.overlapOld, progress.overlapNew, progress.tsc);
  const tsc = guestTsc(s, cfg, vcpu);
  for (let i = 0; i < s.vcpus.length; i++) {
    if (!pageHalfWritten(s, cfg, i)) continue;
    const w = s.vcpus[i]!.pvtiWrite;
    if (givenByEither(then.value, w.previous, w.target, tsc)) return false;
  }
  return true;
}

function runStep(
  d: ClockDraft,
  s: ClockState,
  cfg: ClockConfig,
  task: number,
  stepName: string,
): void {
  const r = runnableReader(cfg.policies.reader);
  const index = r.index.get(stepName);
  if (index === undefined)
    throw new Error(
      `guestRead: reader '${r.reader.name}' has no step '${stepName}' (steps: ${[...r.index.keys()].join(', ')})`,
    );
  const t = s.tasks[task]!;
  const read = t.read;
  const { changes, then } = r.steps[index]!.run({ s, cfg, task, vcpu: t.vcpu, read });
  // A read's floor is the largest value returned when it began; a retry is still the same read.
  const floorAtStart = read.active ? read.floorAtStart : s.guest.maxReturned;
  let next: number;
  if (then === 'next') {
    next = index + 1;
    if (next === r.steps.length)
      throw new Error(
        `guestRead: reader '${r.reader.name}': its last step '${stepName}' went on to a next step; it must return a value, retry or go to a step`,
      );
  } else if (then === 'retry') {
    next = 0;
  } else if (typeof then === 'object' && 'goTo' in then) {
    const target = r.index.get(then.goTo);
    if (target === undefined)
      throw new Error(
        `guestRead: reader '${r.reader.name}': step '${stepName}' went to step '${then.goTo}', which it does not have`,
      );
    next = target;
  } else {
    // The read returns: pvclock_clocksource_read's end, then the bookkeeping.
    const clamp = then.clamp ?? cfg.policies.readClamp;
    const clamped = clamp(then.value, then.flags, s.guest.lastValue);
    const last =
      read.active || changes !== undefined
        ? progressWith(s, read, changes, false, 0, read.floorAtStart)
        : read;
    const torn = returnsMixedValue(s, cfg, t.vcpu, last, then);
    // The read is over: what it overlapped no longer matters (and would tell states apart).
    const ended = last.torn
      ? readWith(last, { torn: false, overlapOld: EMPTY_PVTI, overlapNew: EMPTY_PVTI })
      : last;
    recordRead(
      d,
      s,
      task,
      { value: clamped.value, torn, floorAtStart, lastValue: clamped.lastValue },
      ended,
    );
    // A read that asks for a fresh page (Graf's cap re-registering the clock MSR): the vCPU
    // leaves guest code until the host has served the request (kvm_guest_time_update).
    if (then.requestClockUpdate === true && !s.vcpus[t.vcpu]!.clockUpdateRequested) {
      setVcpu(d, s, t.vcpu, vcpuWith(s.vcpus[t.vcpu]!, { clockUpdateRequested: true }));
    }
    return;
  }
  // One assignment of a new task record at the draft's root (see setTask).
  const progress = progressWith(s, read, changes, true, next, floorAtStart);
  setTask(d, s, task, taskWith(t, t.vcpu, progress, t.reads, t.migrations));
}

export const guestRead: Transition<'guestRead'> = {
  kind: 'guestRead',
  enabled: (s, cfg) => {
    const r = runnableReader(cfg.policies.reader);
    let actions: ActionOf<'guestRead'>[] | undefined;
    for (let task = 0; task < s.tasks.length; task++) {
      const step = nextStep(s, cfg, r, task);
      if (step >= 0) actions = withAction(actions, sharedAction(r.actions, task, step, r.make));
    }
    return actions ?? NO_ACTIONS;
  },
  apply: (d, { task, step }, cfg, s) => runStep(d, s, cfg, task, step),
};
