/**
 * Whole KVM records for the steps that change the VM-wide state: built field by field in one
 * shape and assigned at the draft's root (a field write through `d.kvm` would make a nested draft,
 * and with one nested draft immer walks every record assigned at the root when it finalises).
 */
import type { KvmState, KvmTscSync } from './state.ts';

/** `k` with `changes`. A field added to KvmState must be added here (the type says so). */
export function kvmWith(k: KvmState, changes: Partial<KvmState>): KvmState {
  return {
    masterCycleNow: changes.masterCycleNow ?? k.masterCycleNow,
    masterKernelNs: changes.masterKernelNs ?? k.masterKernelNs,
    useMasterClock: changes.useMasterClock ?? k.useMasterClock,
    masterclockUpdates: changes.masterclockUpdates ?? k.masterclockUpdates,
    lastMasterclockUpdateAt: changes.lastMasterclockUpdateAt ?? k.lastMasterclockUpdateAt,
    vmOffsetSet: changes.vmOffsetSet ?? k.vmOffsetSet,
    unrequestedPvclockWrites: changes.unrequestedPvclockWrites ?? k.unrequestedPvclockWrites,
    kvmclockOffset: changes.kvmclockOffset ?? k.kvmclockOffset,
    tscSync: changes.tscSync ?? k.tscSync,
  };
}

/** `t` with `changes`, field by field (see kvmWith). */
export function tscSyncWith(t: KvmTscSync, changes: Partial<KvmTscSync>): KvmTscSync {
  return {
    unstable: changes.unstable ?? t.unstable,
    userSet: changes.userSet ?? t.userSet,
    lastWrite: changes.lastWrite ?? t.lastWrite,
    lastNs: changes.lastNs ?? t.lastNs,
    lastKhz: changes.lastKhz ?? t.lastKhz,
    lastOffset: changes.lastOffset ?? t.lastOffset,
    curWrite: changes.curWrite ?? t.curWrite,
    curNs: changes.curNs ?? t.curNs,
    curOffset: changes.curOffset ?? t.curOffset,
  };
}
