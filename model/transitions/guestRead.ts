/**
 * guestRead: a guest task reads kvmclock through a pvclock page (pvclock_clocksource_read in
 * arch/x86/kernel/pvclock.c, and the vDSO's vread_pvclock).
 *
 * With split reads, one step per action, so host writes and task migration can interleave:
 *   version: pick the page (policy readPage: getcpu or vCPU0) and read its version; wait while odd.
 *   fields:  read tsc_timestamp, system_time, mul, shift, flags (possibly from a half-written page).
 *   tsc:     rdtsc on the vCPU the task is on now, which may no longer be the page's vCPU.
 *   check:   re-read the version; if it changed, start again; else compute
 *            system_time + scale(tsc - tsc_timestamp) and apply the clamp policy (readClamp).
 * Otherwise the whole read is one step (`whole`), waiting while the version is odd.
 *
 * Enabled: a task with a read in progress takes its next step; a task without one may start one
 * while it has done fewer reads than the scenario allows. Not while the task's vCPU is out of the
 * guest (a clock update requested, or its own page being written: KVM writes a vCPU's page from
 * that vCPU's thread, or paused by the VMM), nor (unless writes may overlap reads) while any host write is under way.
 * Changes: the task's read progress; on completion its last two reads, the global last_value and
 * the largest value returned.
 */
import { match } from 'ts-pattern';
import { pvclockReadCycles } from '../arith/index.ts';
import type { ActionOf, ReadStep } from '../actions.ts';
import { guestTsc } from '../clocks.ts';
import type { ClockConfig } from '../config.ts';
import { recordRead, updateRead } from '../guestReads.ts';
import { NO_ACTIONS, sharedAction, withAction } from '../sharedActions.ts';
import type { ClockState } from '../state.ts';
import type { ClockDraft, Transition } from '../transition.ts';

const SPLIT_STEPS: readonly ReadStep[] = ['version', 'fields', 'tsc', 'check'];

function pageIsPartial(s: ClockState, cfg: ClockConfig, vcpu: number): boolean {
  const w = s.vcpus[vcpu]!.pvtiWrite;
  return w.active && w.step > 0 && cfg.policies.pvclockWrite.steps[w.step - 1]!.partialAfter;
}

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

function nextStep(s: ClockState, cfg: ClockConfig, task: number): ReadStep | undefined {
  const t = s.tasks[task]!;
  if (!t.read.active && t.reads >= cfg.limits.readsPerTask) return undefined;
  if (outOfGuest(s, t.vcpu)) return undefined;
  if (!cfg.writesDuringReads && !t.read.active && anyPageWrite(s)) return undefined;
  const step = cfg.splitReads ? SPLIT_STEPS[t.read.active ? t.read.step : 0]! : 'whole';
  const startsOnOddVersion =
    (step === 'version' || step === 'whole') &&
    s.vcpus[cfg.policies.readPage(s, task)]!.pvti.version % 2 !== 0;
  return startsOnOddVersion ? undefined : step;
}

function finish(
  d: ClockDraft,
  s: ClockState,
  cfg: ClockConfig,
  task: number,
  read: { raw: bigint; flags: number; torn: boolean; floorAtStart: bigint },
): void {
  const clamped = cfg.policies.readClamp(read.raw, read.flags, s.guest.lastValue);
  recordRead(d, s, task, {
    value: clamped.value,
    torn: read.torn,
    floorAtStart: read.floorAtStart,
    lastValue: clamped.lastValue,
  });
}

type StepApply = (d: ClockDraft, s: ClockState, cfg: ClockConfig, task: number) => void;

// Each step writes the task's new read progress as one record (updateRead: cheaper in immer
// than field writes through the draft), built from `s`.

/** A read done in one step, waiting while the version is odd. */
const whole: StepApply = (d, s, cfg, task) => {
  const pageVcpu = cfg.policies.readPage(s, task);
  const page = s.vcpus[pageVcpu]!.pvti;
  finish(d, s, cfg, task, {
    raw: pvclockReadCycles(page, guestTsc(s, cfg, s.tasks[task]!.vcpu)),
    flags: page.flags,
    torn: pageIsPartial(s, cfg, pageVcpu),
    floorAtStart: s.guest.maxReturned,
  });
};

const version: StepApply = (d, s, cfg, task) => {
  const read = s.tasks[task]!.read;
  const pageVcpu = cfg.policies.readPage(s, task);
  updateRead(d, s, task, {
    active: true,
    step: 1,
    pageVcpu,
    version: s.vcpus[pageVcpu]!.pvti.version,
    // A retry is still the same read: it keeps the floor of its first attempt.
    floorAtStart: read.active ? read.floorAtStart : s.guest.maxReturned,
  });
};

const fields: StepApply = (d, s, cfg, task) => {
  const read = s.tasks[task]!.read;
  updateRead(d, s, task, {
    step: 2,
    fields: s.vcpus[read.pageVcpu]!.pvti,
    torn: pageIsPartial(s, cfg, read.pageVcpu),
  });
};

const tsc: StepApply = (d, s, cfg, task) => {
  const now = guestTsc(s, cfg, s.tasks[task]!.vcpu);
  updateRead(d, s, task, { step: 3, tsc: now });
};

const check: StepApply = (d, s, cfg, task) => {
  const read = s.tasks[task]!.read;
  if (s.vcpus[read.pageVcpu]!.pvti.version !== read.version) {
    // pvclock_read_retry: start over, getcpu included
    updateRead(d, s, task, { step: 0 });
    return;
  }
  finish(d, s, cfg, task, {
    raw: pvclockReadCycles(read.fields, read.tsc),
    flags: read.fields.flags,
    torn: read.torn,
    floorAtStart: read.floorAtStart,
  });
};

/** The function of each step, chosen by an exhaustive match once per step and remembered. */
const stepApplies = new Map<ReadStep, StepApply>();
function stepApply(step: ReadStep): StepApply {
  let apply = stepApplies.get(step);
  if (apply === undefined) {
    apply = match(step)
      .with('whole', () => whole)
      .with('version', () => version)
      .with('fields', () => fields)
      .with('tsc', () => tsc)
      .with('check', () => check)
      .exhaustive();
    stepApplies.set(step, apply);
  }
  return apply;
}

/** Each step's index in the table of shared actions. */
const STEP_INDEX: Readonly<Record<ReadStep, number>> = {
  version: 0,
  fields: 1,
  tsc: 2,
  check: 3,
  whole: 4,
};
const STEPS = Object.keys(STEP_INDEX) as ReadStep[];
const shared: ActionOf<'guestRead'>[][] = [];
const make = (task: number, step: number): ActionOf<'guestRead'> => ({
  kind: 'guestRead',
  task,
  step: STEPS[step]!,
});

export const guestRead: Transition<'guestRead'> = {
  kind: 'guestRead',
  enabled: (s, cfg) => {
    let actions: ActionOf<'guestRead'>[] | undefined;
    for (let task = 0; task < s.tasks.length; task++) {
      const step = nextStep(s, cfg, task);
      if (step !== undefined)
        actions = withAction(actions, sharedAction(shared, task, STEP_INDEX[step], make));
    }
    return actions ?? NO_ACTIONS;
  },
  apply: (d, { task, step }, cfg, s) => stepApply(step)(d, s, cfg, task),
};
