/**
 * The fixed configuration of one model run: topology, rates, bounds, which transitions are in play
 * and which policies the variant under test uses. A scenario builds it from its parameters and the
 * chosen variant; it never changes during a run, so it is not part of the state.
 */
import type { ActionKind, MasterclockTrigger } from './actions.ts';
import type { Policies } from './policies/index.ts';
import type { ClockState } from './state.ts';
import type { StateExtension } from './stateExtension.ts';
import type { ClockDraft, TransitionOverrides } from './transition.ts';
import type { ClockAction } from './actions.ts';

export interface PcpuConfig {
  /** The pCPU's real TSC rate. When it differs from `tscKhz`, nobody in the model notices. */
  readonly tscHz: bigint;
  /** The pCPU's TSC value at real time 0. */
  readonly tscOffset: bigint;
}

export interface Limits {
  readonly readsPerTask: number;
  readonly taskMigrations: number;
  readonly vcpuMigrations: number;
  readonly ntpChanges: number;
  /** Masterclock updates from the non-periodic triggers (hotplug, Xen shared info). */
  readonly masterclockTriggers: number;
  /** Host pvclock page rewrites not requested by anything else (a periodic kvmclock update). */
  readonly pvclockWrites: number;
  readonly timersPerVcpu: number;
}

export interface ClockConfig {
  readonly pcpus: readonly PcpuConfig[];
  /** Initial pCPU of each vCPU. */
  readonly vcpus: readonly { readonly pcpu: number }[];
  /** Initial vCPU of each guest task. */
  readonly tasks: readonly { readonly vcpu: number }[];
  /** The TSC frequency the host and KVM believe, in kHz: every conversion uses it. */
  readonly tscKhz: bigint;
  /** Host CLOCK_MONOTONIC and MONOTONIC_RAW at real time 0. */
  readonly bootNs: bigint;
  readonly horizonNs: number;
  /** Time may advance by any of these (besides jumping to the next scheduled instant). */
  readonly gapsNs: readonly number[];
  /** Period of the host tick on a busy pCPU (0: ticks are not modelled). */
  readonly tickNs: number;
  /** pCPUs that always have host work to do and never enter NOHZ idle (the timekeeping CPU, say). */
  readonly busyPcpus: readonly number[];
  /** The transitions this scenario has; the others are never enabled. */
  readonly transitions: ReadonlySet<ActionKind>;
  readonly limits: Limits;
  /** pvclock pages carry PVCLOCK_TSC_STABLE_BIT. */
  readonly stableBit: boolean;
  /** KVM starts with the masterclock in use (all pages anchored at one snapshot). */
  readonly useMasterClock: boolean;
  /** A host pvclock write may overlap a guest read (false: they exclude each other). */
  readonly writesDuringReads: boolean;
  /** The NTP mult adjustments that may be requested. */
  readonly ntpAdjs: readonly number[];
  /** How far ahead of the guest TSC a guest may program its TSC deadline, in cycles. */
  readonly timerCycles: readonly number[];
  /** The events that may trigger a masterclock update (besides the periodic one). */
  readonly masterclockTriggerKinds: readonly Exclude<MasterclockTrigger, 'periodic'>[];
  /** Period of periodic masterclock updates (0: none). */
  readonly masterclockPeriodNs: number;
  /** Invariant bounds: allowed timer lateness, kvmclock step per update and drift from RAW (ns). */
  readonly latenessBoundNs: number;
  readonly stepBoundNs: bigint;
  readonly driftBoundNs: bigint;
  /** arm64: the counter value saved before the migration, restored into every vCPU. */
  readonly savedCounter: bigint;
  /** arm64: how long after the start restores may still happen (0: all at the same instant). */
  readonly restoreWindowNs: number;
  readonly policies: Policies;
  /**
   * Transitions a user's variant replaces (check/defineVariant.ts), by action kind; absent for the
   * built-in variants, which differ only in their policies.
   */
  readonly transitionOverrides?: TransitionOverrides;
  /** The scenario's own state fields (`state.ext`), by name; `{}` for the model's own scenarios. */
  readonly ext: StateExtension;
  /**
   * A user's monitor, run after every transition: it updates the scenario's own fields (history
   * variables) on a draft of the successor, with the state before and the action at hand.
   */
  readonly observe?: Observer;
  /**
   * Present when any of the run's behaviour is a user's code (a policy, transition, invariant,
   * property or monitor of their own). `symmetric` is the user's word that all of it treats
   * interchangeable pCPUs, vCPUs and tasks alike (symmetry reduction stays on only then); `where`
   * names the user's file, for messages.
   */
  readonly userCode?: { readonly symmetric: boolean; readonly where: string };
}

/** A monitor of the run (ClockConfig.observe). */
export type Observer = (
  d: ClockDraft,
  step: { readonly before: ClockState; readonly action: ClockAction; readonly cfg: ClockConfig },
) => void;
