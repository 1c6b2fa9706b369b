/**
 * The fixed configuration of one model run: topology, rates, bounds, which transitions are in play
 * and which policies the variant under test uses. A scenario builds it from its parameters and the
 * chosen variant; it never changes during a run, so it is not part of the state.
 */
import type { ActionKind, MasterclockTrigger } from './actions.ts';
import type { TscFracBits } from './arith/index.ts';
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

export interface VcpuConfig {
  readonly pcpu: number;
  /**
   * The guest TSC rate the VMM set with KVM_SET_TSC_KHZ (virtual_tsc_khz). Absent: the host's
   * `tscKhz`, no scaling. Within tsc_tolerance_ppm of the host rate KVM does not scale either,
   * but the LAPIC and the TSC-write heuristics still use this rate (model/tscScaling.ts).
   */
  readonly tscKhz?: bigint;
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
  /** Initial pCPU of each vCPU, and the guest TSC rate it was given (see VcpuConfig). */
  readonly vcpus: readonly VcpuConfig[];
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
  /**
   * KVM starts with the masterclock in use (all pages anchored at one snapshot, and carrying
   * PVCLOCK_TSC_STABLE_BIT, which kvm_guest_time_update sets exactly then). The live-migration
   * steps also take it for whether the host clocksource is the TSC (model/masterclock.ts).
   */
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
  /**
   * What the `hotplug` and `xen-shared-info` triggers do (model/transitions/masterclockUpdate.ts):
   * `snapshot` (the kernel's; the default) retakes the VM-wide snapshot; `one-snapshot`
   * (Woodhouse's proposal, 2023) only asks every vCPU to rewrite its page from the snapshot the
   * VM already has (KVM_REQ_CLOCK_UPDATE).
   */
  readonly masterclockTriggerEffect: 'snapshot' | 'one-snapshot';
  /** Invariant bounds: allowed timer lateness, kvmclock step per update and drift from RAW (ns). */
  readonly latenessBoundNs: number;
  readonly stepBoundNs: bigint;
  readonly driftBoundNs: bigint;
  /** arm64: the counter value saved before the migration, restored into every vCPU. */
  readonly savedCounter: bigint;
  /** arm64: how long after the start restores may still happen (0: all at the same instant). */
  readonly restoreWindowNs: number;
  readonly policies: Policies;

  // --- TSC scaling, vCPU load and live migration (issue 12); absent fields take the defaults ---
  /** Fraction bits of the hardware TSC multiplier: 48 (VMX, the default) or 32 (SVM). */
  readonly tscFracBits?: TscFracBits;
  /** The tsc_tolerance_ppm module parameter (default 250): rates this close to the host's are not scaled. */
  readonly tscTolerancePpm?: number;
  /** Where a scaled vCPU's pvclock mul/shift come from (model/tscScaling.ts; default `scaled-khz`). */
  readonly pvclockRate?: PvclockRate;
  /** What kvm_arch_vcpu_load does to the TSC offset when a vCPU moves (vcpuMigrate; default `today`). */
  readonly vcpuLoad?: VcpuLoadTsc;
  /** An x86 live migration the VMM may perform (vmPause ... vcpuResume); absent: none. */
  readonly liveMigration?: LiveMigrationConfig;

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
/**
 * The rate kvm_guest_time_update computes a vCPU's pvclock mul/shift from:
 * - `scaled-khz`: since 78db6a503796 (2016) to today: the host tsc_khz scaled by the vCPU's ratio
 *   (kvm_scale_tsc on kHz), times 1000;
 * - `scaled-hz`: Woodhouse's posted fix (2024, "Improve accuracy of KVM clock when TSC scaling is
 *   in force"): the host rate in Hz scaled by the ratio, which keeps the digits kHz loses;
 * - `virtual-khz`: before 78db6a503796 (4.6 to 4.8 had it): the requested virtual_tsc_khz itself,
 *   with kvm_get_time_scale(NSEC_PER_SEC / 1000, khz), for every vCPU, scaled or not.
 */
export type PvclockRate = 'scaled-khz' | 'scaled-hz' | 'virtual-khz';

/**
 * kvm_arch_vcpu_load's TSC handling when a vCPU thread lands on another pCPU:
 * - `today`: a host TSC that went backwards since vcpu_put marks the TSC unstable; with an
 *   unstable TSC the offset is recomputed so the guest TSC resumes at last_guest_tsc, and
 *   tsc_catchup is set (since 2.6.38; the last_guest_tsc form since 2012);
 * - `backwards-bump`: vmx_vcpu_load before 2.6.38: if the new pCPU's TSC is behind, the offset
 *   is raised by the difference; nothing is marked.
 */
export type VcpuLoadTsc = 'today' | 'backwards-bump';

/**
 * One x86 live migration (or several, back and forth) of the whole VM, as a VMM performs it: stop
 * the vCPUs, save kvmclock (KVM_GET_CLOCK) and each vCPU's TSC, move the VM onto the destination's
 * pCPUs, restore kvmclock (KVM_SET_CLOCK) and the TSCs, resume the vCPUs.
 */
export interface LiveMigrationConfig {
  /** The destination pCPU of each vCPU (pCPUs whose TSC offsets differ from the source's). */
  readonly destPcpus: readonly number[];
  /** The destination host's clocksource pCPU (default: vCPU 0's destination pCPU). */
  readonly destClocksourcePcpu?: number;
  /**
   * How the destination restores each vCPU's TSC: `msr` (KVM_SET_MSRS of IA32_TSC, matched by
   * kvm_synchronize_tsc's heuristic; QEMU) or `offset-attr` (the KVM_VCPU_TSC_OFFSET attribute,
   * since 5.16, with the algorithm of Documentation/virt/kvm/devices/vcpu.rst).
   */
  readonly tscRestore: 'msr' | 'offset-attr';
  /** KVM_SET_CLOCK is given KVM_CLOCK_REALTIME and the source's realtime (since 5.16). */
  readonly clockRealtime: boolean;
  /** `clock-first`: KVM_SET_CLOCK before any TSC (the vcpu.rst algorithm); `tsc-first` (QEMU); `any`. */
  readonly restoreOrder: 'clock-first' | 'tsc-first' | 'any';
  /** A vCPU whose own TSC is restored may resume before the clock and the other vCPUs are. */
  readonly resumeEarly: boolean;
  /** How many migrations may happen (the VM goes to the destination and back, alternately). */
  readonly migrations: number;
  /** CLOCK_REALTIME on the destination host minus on the source (ns): NTP's disagreement. */
  readonly realtimeSkewNs?: number;
}
