/**
 * Whole vCPU records for the hot steps: a vCPU record built field by field and assigned at the
 * draft's root, the way model/guestReads.ts does for tasks (setTask says why).
 */
import { castDraft } from 'immer';
import type { Pvti } from './arith/index.ts';
import type { ClockState, PvtiWrite, VcpuState } from './state.ts';
import type { ClockDraft } from './transition.ts';

/**
 * Gives vCPU `vcpu` of `d` (a draft of `s`) the record `v`, as one assignment of a new vcpus array
 * on the draft's root (see setTask in model/guestReads.ts). The caller must not also have written
 * the vCPU through the draft (this assignment would drop it).
 */
export function setVcpu(d: ClockDraft, s: ClockState, vcpu: number, v: VcpuState): void {
  const vcpus = s.vcpus.slice();
  vcpus[vcpu] = v;
  d.vcpus = castDraft(vcpus);
}

/**
 * A vCPU record: `v` with the given page, page write, clock step and clock-update request,
 * written out field by field so every vCPU record has one shape (see taskWith in
 * model/guestReads.ts). A field added to VcpuState must be added here (the type says so).
 */
export function vcpuWithPage(
  v: VcpuState,
  pvti: Pvti,
  pvtiWrite: PvtiWrite,
  lastClockStep: bigint,
  clockUpdateRequested: boolean,
): VcpuState {
  return {
    pcpu: v.pcpu,
    tscOffset: v.tscOffset,
    pvti,
    pvtiWrite,
    lastClockStep,
    clockUpdateRequested,
    migrations: v.migrations,
    timer: v.timer,
    halted: v.halted,
    kicked: v.kicked,
    voffset: v.voffset,
    counterRestored: v.counterRestored,
    paused: v.paused,
    tscCatchup: v.tscCatchup,
    tscMatched: v.tscMatched,
    tscSyncWrite: v.tscSyncWrite,
    tscSyncNs: v.tscSyncNs,
    savedTsc: v.savedTsc,
    tscRestored: v.tscRestored,
  };
}

/**
 * `v` with `changes`, written out field by field in the one shape of every vCPU record (see
 * vcpuWithPage), for the steps that change other fields than the page's.
 */
export function vcpuWith(v: VcpuState, changes: Partial<VcpuState>): VcpuState {
  return {
    pcpu: changes.pcpu ?? v.pcpu,
    tscOffset: changes.tscOffset ?? v.tscOffset,
    pvti: changes.pvti ?? v.pvti,
    pvtiWrite: changes.pvtiWrite ?? v.pvtiWrite,
    lastClockStep: changes.lastClockStep ?? v.lastClockStep,
    clockUpdateRequested: changes.clockUpdateRequested ?? v.clockUpdateRequested,
    migrations: changes.migrations ?? v.migrations,
    timer: changes.timer ?? v.timer,
    halted: changes.halted ?? v.halted,
    kicked: changes.kicked ?? v.kicked,
    voffset: changes.voffset ?? v.voffset,
    counterRestored: changes.counterRestored ?? v.counterRestored,
    paused: changes.paused ?? v.paused,
    tscCatchup: changes.tscCatchup ?? v.tscCatchup,
    tscMatched: changes.tscMatched ?? v.tscMatched,
    tscSyncWrite: changes.tscSyncWrite ?? v.tscSyncWrite,
    tscSyncNs: changes.tscSyncNs ?? v.tscSyncNs,
    savedTsc: changes.savedTsc ?? v.savedTsc,
    tscRestored: changes.tscRestored ?? v.tscRestored,
  };
}

/** A page write record, field by field (see vcpuWithPage). */
export function pvtiWrite(active: boolean, step: number, target: Pvti, previous: Pvti): PvtiWrite {
  return { active, step, target, previous };
}
