/**
 * The clock model's public surface: the kernel's arithmetic, the state and its actions, the
 * transitions and the policies that vary them, the scenario catalogue, and buildModel, which turns
 * a configuration into the explorer's Model. Code outside model/ (and a user's own variant file)
 * should need nothing that is not exported here.
 */

// The kernel's fixed-point clock arithmetic, with its names: mulU64U32Shr, pvclockScaleDelta,
// pvclockReadCycles, kvmGetTimeScale, clocksCalcMultShift, kvmScaleTsc, timekeeperRead,
// timekeeperApplyAdjustment, lapicDeadlineNs, and the Pvti and TkClock types.
export * from './arith/index.ts';

export type {
  ClockState,
  HostState,
  HostClockStep,
  PcpuState,
  KvmState,
  VcpuState,
  PvtiWrite,
  GuestTimer,
  HostHrtimer,
  TaskState,
  ReadProgress,
  ReadRecord,
  GuestState,
  KvmTscSync,
  VmmState,
  KvmClockData,
} from './state.ts';
export {
  ACTION_KINDS,
  describeAction,
  type ClockAction,
  type ActionKind,
  type ActionOf,
  type MasterclockTrigger,
  type ReadStep,
} from './actions.ts';
export type {
  ClockConfig,
  PcpuConfig,
  Limits,
  VcpuConfig,
  LiveMigrationConfig,
  PvclockRate,
  VcpuLoadTsc,
} from './config.ts';

export { initialState } from './initialState.ts';
export { enabledActions, nextState } from './next.ts';
export { encodeState } from './encode.ts';
export { TRANSITIONS } from './transitions/index.ts';
export type { Transition, ClockDraft } from './transition.ts';

// What a policy (a user's own one too) is built from: the clocks as functions of the state, and
// the guest timer's arming and latching.
export {
  hostTscAt,
  guestTsc,
  hostClocksourceCycles,
  monoNow,
  rawNow,
  monoAt,
  monoReachesAt,
  guestTscReachesAt,
  rawToMono,
  kvmclockOn,
  pvtiFor,
  guestTscAt,
  caughtUpTscOffset,
} from './clocks.ts';
export {
  armForRemaining,
  kick,
  latchPending,
  disarm,
  deliverNow,
  deadlineReached,
  resumeGuest,
  blockAgain,
  clockeventInstant,
} from './timers.ts';

// What a reader is made of (defineReader and its building blocks), for a reader of one's own.
export * from './readers/index.ts';

// Each vCPU's TSC scaling (KVM_SET_TSC_KHZ) as KVM sets it up from the configuration.
export { vcpuTsc, virtualTscKhz, scaleHostTsc, nsecToCycles, type VcpuTsc } from './tscScaling.ts';

export {
  POLICY_LIBRARY,
  DEFAULT_POLICIES,
  resolvePolicies,
  type Policies,
  type PolicyNames,
  type PolicyPoint,
} from './policies/index.ts';
export { WHOLE_VM, type CounterRestorePolicy } from './policies/counterRestore.ts';
export type { HrtimerExpiryPolicy } from './policies/hrtimerExpiry.ts';
export {
  copyFields,
  copyAllFields,
  copyScaleAndFlags,
  copySystemTime,
  copyTscTimestamp,
  copyVisibleSubset,
  definePvclockWrite,
  PVTI_FIELDS,
  versionEven,
  versionOdd,
  versionPlus2,
  writeVersion,
  writeWholePage,
  type PvclockWriteProtocol,
  type PvtiField,
  type PvtiWriteStep,
} from './policies/pvclockWriteProtocol.ts';
export type { ReadClampPolicy, ClampResult } from './policies/readClamp.ts';
export type { ReadPagePolicy } from './policies/readPage.ts';
export type { ReaderPolicy } from './policies/reader.ts';
export type { TimerClockPolicy } from './policies/timerClock.ts';
export type { WakeCheckPolicy } from './policies/wakeCheck.ts';

export * from './scenarios/index.ts';
export { baseConfig, MAX_TIME_NS, NS_PER_DAY } from './scenarios/baseConfig.ts';

export { buildModel, type ClockModel } from './buildModel.ts';
