/**
 * The state of the whole modelled system: one immutable value. Every field is an integer, a
 * boolean or an array/record of those, so a state can be encoded, compared and written to a trace
 * file without loss. 64-bit quantities (TSC values, nanoseconds since boot, fixed-point
 * intermediates) are bigints; small counts, indexes and real time are numbers.
 *
 * Optional things are never null: a record says whether it is in use (`armed`, `active`, ...) and
 * keeps zeros otherwise, so every state of a scenario has the same shape.
 */
import type { Pvti } from './arith/index.ts';
import type { TkClock } from './arith/index.ts';
import type { ExtState } from './stateExtension.ts';

export interface ClockState {
  /** Real time in ns since the start of the run; advances only by the timeAdvance transition. */
  readonly now: number;
  /**
   * Causal time (causalTime.ts): the actions since the last timeAdvance that read a TSC, less what
   * a short timeAdvance carried over. Every x86 TSC read at `now` reads this many cycles more.
   */
  readonly tscLead: number;
  readonly host: HostState;
  readonly pcpus: readonly PcpuState[];
  readonly kvm: KvmState;
  readonly vcpus: readonly VcpuState[];
  readonly tasks: readonly TaskState[];
  readonly guest: GuestState;
  /** The VMM's side of a live migration (issue 12). */
  readonly vmm: VmmState;
  /** The scenario's own declared fields (stateExtension.ts); `{}` when it declares none. */
  readonly ext: ExtState;
}

export interface HostState {
  /** CLOCK_MONOTONIC: NTP may change its mult. */
  readonly mono: TkClock;
  /** CLOCK_MONOTONIC_RAW: its mult never changes. */
  readonly raw: TkClock;
  /** A requested NTP change of MONOTONIC's mult, applied at the next timekeeping update (0: none). */
  readonly ntpPendingAdj: number;
  readonly ntpChanges: number;
  /** Real time of the last timekeeping update (boot, at 0, counts as one). */
  readonly lastUpdateAt: number;
  /** Both clocks just before and just after the last timekeeping update, for host-monotonic. */
  readonly lastUpdate: HostClockStep;
  /** The pCPU whose TSC the host clocksource reads: 0, or the destination's after a live migration. */
  readonly clocksourcePcpu: number;
}

export interface HostClockStep {
  readonly monoBefore: bigint;
  readonly monoAfter: bigint;
  readonly rawBefore: bigint;
  readonly rawAfter: bigint;
}

export interface PcpuState {
  /** In NOHZ idle: the tick is stopped and the clockevent is programmed for `wakeAt`. */
  readonly idle: boolean;
  /** Real time the clockevent device will fire while idle (-1: nothing programmed). */
  readonly wakeAt: number;
}

export interface KvmState {
  /** The VM-wide snapshot (master_cycle_now, master_kernel_ns) of pvclock_update_vm_gtod_copy. */
  readonly masterCycleNow: bigint;
  readonly masterKernelNs: bigint;
  readonly useMasterClock: boolean;
  /** How many masterclock updates each trigger has caused (hotplug, xen shared info, periodic). */
  readonly masterclockUpdates: number;
  /** Real time of the last masterclock update (the snapshot at the start counts as one, at 0). */
  readonly lastMasterclockUpdateAt: number;
  /** arm64: whether the per-VM counter offset has been set. */
  readonly vmOffsetSet: boolean;
  /** pvclock rewrites done without a request (periodic kvmclock updates), against Limits.pvclockWrites. */
  readonly unrequestedPvclockWrites: number;

  // --- kvmclock offset and TSC synchronization (issue 12) ---
  /** kvmclock_offset: a page's system_time is kernel_ns + kvmclock_offset; KVM_SET_CLOCK sets it. */
  readonly kvmclockOffset: bigint;
  readonly tscSync: KvmTscSync;
}

/**
 * What kvm_synchronize_tsc remembers VM-wide (struct kvm_arch): the last TSC write and the current
 * matching generation, and the host's check_tsc_unstable().
 */
export interface KvmTscSync {
  /** mark_tsc_unstable has been called (sticky): vCPU loads then resync the offset. */
  readonly unstable: boolean;
  /** user_set_tsc: userspace has written a TSC, which arms the one-second matching window. */
  readonly userSet: boolean;
  /** last_tsc_write, last_tsc_nsec, last_tsc_khz, last_tsc_offset. */
  readonly lastWrite: bigint;
  readonly lastNs: bigint;
  readonly lastKhz: number;
  readonly lastOffset: bigint;
  /** cur_tsc_write, cur_tsc_nsec, cur_tsc_offset: the current generation's. */
  readonly curWrite: bigint;
  readonly curNs: bigint;
  readonly curOffset: bigint;
}

export interface VcpuState {
  readonly pcpu: number;
  readonly tscOffset: bigint;
  readonly pvti: Pvti;
  /** A pvclock page write in progress (multi-step protocols). */
  readonly pvtiWrite: PvtiWrite;
  /**
   * How far guest time jumped, at one instant, when the last page write completed: kvmclock from
   * the new page minus kvmclock from the old one (0 before any rewrite).
   */
  readonly lastClockStep: bigint;
  /** KVM_REQ_CLOCK_UPDATE: the page must be rewritten before the vCPU next runs guest code. */
  readonly clockUpdateRequested: boolean;
  readonly migrations: number;
  readonly timer: GuestTimer;
  /** Guest executed HLT and KVM blocked the vCPU thread. */
  readonly halted: boolean;
  /** The vCPU thread was woken (kicked) and must decide whether to run or block again. */
  readonly kicked: boolean;
  /** arm64: virtual counter = physical counter - voffset, once restored. */
  readonly voffset: bigint;
  readonly counterRestored: boolean;

  // --- TSC synchronization and live migration (issue 12) ---
  /** The VMM has stopped the vCPU: it runs no guest code and handles no requests. */
  readonly paused: boolean;
  /** tsc_catchup: kvm_guest_time_update raises the offset to the elapsed-time TSC (compute_guest_tsc). */
  readonly tscCatchup: boolean;
  /** In the current TSC-matching generation (this_tsc_generation == cur_tsc_generation). */
  readonly tscMatched: boolean;
  /** this_tsc_write and this_tsc_nsec: the generation's TSC value and kvmclock-base time. */
  readonly tscSyncWrite: bigint;
  readonly tscSyncNs: bigint;
  /** What the source VMM saved for this vCPU (its IA32_TSC, or its TSC offset), and whether it is restored. */
  readonly savedTsc: bigint;
  readonly tscRestored: boolean;
}

export interface PvtiWrite {
  readonly active: boolean;
  /** Index of the next step of the write protocol. */
  readonly step: number;
  /** The page being written. */
  readonly target: Pvti;
  /** The page before the write started (for the clock step the write causes). */
  readonly previous: Pvti;
}

export interface GuestTimer {
  /** The guest has written a TSC deadline. */
  readonly programmed: boolean;
  /** The deadline in guest TSC cycles. */
  readonly deadline: bigint;
  /** Real time at which the guest TSC reaches the deadline (for the lateness and lost-timer checks). */
  readonly deadlineAt: number;
  readonly hrtimer: HostHrtimer;
  /** KVM's pending latch: the timer expired and an interrupt is owed to the guest. */
  readonly pending: boolean;
  readonly delivered: boolean;
  /** Guest TSC and real time when the interrupt was injected. */
  readonly deliveredTsc: bigint;
  readonly deliveredAt: number;
}

export interface HostHrtimer {
  readonly armed: boolean;
  /** The clock the hrtimer is on. */
  readonly clock: 'mono' | 'raw';
  /** Expiry in that clock's nanoseconds. */
  readonly expires: bigint;
  /** The CLOCK_MONOTONIC time it is queued for (equal to `expires` for a MONOTONIC timer). */
  readonly queuedMono: bigint;
}

export interface TaskState {
  readonly vcpu: number;
  readonly read: ReadProgress;
  readonly reads: number;
  readonly migrations: number;
  /** The last two completed reads (count 0, 1 or 2 are valid). */
  readonly prevRead: ReadRecord;
  readonly lastRead: ReadRecord;
}

/**
 * A guest clock read in progress: which step of the reader (model/readers/) is next and what has
 * been read so far. Between reads the fields keep what the last read left.
 */
export interface ReadProgress {
  readonly active: boolean;
  readonly step: number;
  /** The vCPU whose pvclock page is being read (getcpu at the start, or vCPU0). */
  readonly pageVcpu: number;
  /**
   * The vCPU a getcpu or rdtscp of this read returned, for a re-check that the task has not
   * migrated since (-1: the reader has not asked; the built-in readers never do).
   */
  readonly cpu: number;
  readonly version: number;
  readonly fields: Pvti;
  readonly tsc: bigint;
  /** The fields were read while a host write had written some of them but not all. */
  readonly torn: boolean;
  /**
   * While `torn`: the page before the write the fields were read in the middle of, and the page
   * it was writing (the write's `previous` and `target`), so that pvti-consistent can tell whether
   * the value returned is one either page gives. Empty pages otherwise, and once the read is done.
   */
  readonly overlapOld: Pvti;
  readonly overlapNew: Pvti;
  /** The largest value any read had returned when this one started (for cross-vcpu-order). */
  readonly floorAtStart: bigint;
}

export interface ReadRecord {
  readonly valid: boolean;
  readonly value: bigint;
  readonly vcpu: number;
  readonly at: number;
  /**
   * The read took its fields from a half-written page and returned a value that neither the page
   * before that write nor the page it was writing gives for the TSC the read used.
   */
  readonly torn: boolean;
  /** The largest value any read had returned when this read started. */
  readonly floorAtStart: bigint;
}

export interface GuestState {
  /** pvclock's last_value: the largest value returned so far (the global clamp). */
  readonly lastValue: bigint;
  /** The largest value returned by any completed read. */
  readonly maxReturned: bigint;
}

/**
 * The VMM's record of a live migration: how many have started, which of its steps are done, and
 * what KVM_GET_CLOCK returned on each side.
 */
export interface VmmState {
  readonly migrations: number;
  /** The source's KVM_GET_CLOCK is done and the VM now runs on the destination's pCPUs. */
  readonly clockSaved: boolean;
  /** KVM_SET_CLOCK is done on the destination. */
  readonly clockSet: boolean;
  readonly saved: KvmClockData;
  /** The destination's KVM_GET_CLOCK for the KVM_VCPU_TSC_OFFSET algorithm (step 5), once taken. */
  readonly destTaken: boolean;
  readonly dest: KvmClockData;
  /** kvmclock_offset before the first migration: the VM's kvmclock had it never stopped is kernel_ns plus this. */
  readonly referenceKvmclockOffset: bigint;
}

/** struct kvm_clock_data: kvmclock ns, the host realtime and TSC of the same instant, KVM_CLOCK_* flags. */
export interface KvmClockData {
  readonly clock: bigint;
  readonly realtime: bigint;
  readonly hostTsc: bigint;
  readonly flags: number;
}
