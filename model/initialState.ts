/**
 * The state at real time 0: host clocks at boot time, every pCPU busy, every vCPU's pvclock page
 * written once by kvm_guest_time_update, no timer programmed, no read done.
 */
import { clocksCalcMultShift, type Pvti, type TkClock } from './arith/index.ts';
import { hostTscAt, pvtiFor } from './clocks.ts';
import type { ClockConfig } from './config.ts';
import type {
  ClockState,
  KvmClockData,
  KvmTscSync,
  ReadRecord,
  VcpuState,
  VmmState,
} from './state.ts';
import { scaleHostTsc, virtualTscKhz } from './tscScaling.ts';
import { initialExt } from './stateExtension.ts';

/** clocksource_register_khz computes mult/shift for a 600 s range (maxsec in ms units of the kHz call). */
const CLOCKSOURCE_MAXSEC_KHZ = 600_000n;

export const EMPTY_PVTI: Pvti = {
  version: 0,
  tscTimestamp: 0n,
  systemTime: 0n,
  tscToSystemMul: 0,
  tscShift: 0,
  flags: 0,
};
const NO_READ: ReadRecord = {
  valid: false,
  value: 0n,
  vcpu: 0,
  at: 0,
  torn: false,
  floorAtStart: 0n,
};

export function initialState(cfg: ClockConfig): ClockState {
  const { mult, shift } = clocksCalcMultShift(cfg.tscKhz, 1_000_000n, CLOCKSOURCE_MAXSEC_KHZ);
  const clock: TkClock = {
    cycleLast: hostTscAt(cfg, 0, 0),
    mult,
    shift,
    xtimeNsec: 0n,
    base: cfg.bootNs,
  };
  const vcpu = (pcpu: number, index: number): VcpuState => ({
    pcpu,
    tscOffset: 0n,
    pvti: EMPTY_PVTI,
    pvtiWrite: { active: false, step: 0, target: EMPTY_PVTI, previous: EMPTY_PVTI },
    lastClockStep: 0n,
    clockUpdateRequested: false,
    migrations: 0,
    timer: {
      programmed: false,
      deadline: 0n,
      deadlineAt: 0,
      hrtimer: { armed: false, clock: 'mono', expires: 0n, queuedMono: 0n },
      pending: false,
      delivered: false,
      deliveredTsc: 0n,
      deliveredAt: 0,
    },
    halted: false,
    kicked: false,
    voffset: 0n,
    counterRestored: false,
    // TSC synchronization and live migration (issue 12): the creation-time generation.
    paused: false,
    tscCatchup: false,
    tscMatched: index >= lastGeneration(cfg),
    tscSyncWrite: scaleHostTsc(cfg, index, hostTscAt(cfg, pcpu, 0)),
    tscSyncNs: cfg.bootNs,
    savedTsc: 0n,
    tscRestored: false,
  });
  const s: ClockState = {
    now: 0,
    tscLead: 0,
    host: {
      mono: clock,
      raw: clock,
      ntpPendingAdj: 0,
      ntpChanges: 0,
      lastUpdateAt: 0,
      lastUpdate: {
        monoBefore: cfg.bootNs,
        monoAfter: cfg.bootNs,
        rawBefore: cfg.bootNs,
        rawAfter: cfg.bootNs,
      },
      clocksourcePcpu: 0,
    },
    pcpus: cfg.pcpus.map(() => ({ idle: false, wakeAt: -1 })),
    kvm: {
      masterCycleNow: hostTscAt(cfg, 0, 0),
      masterKernelNs: cfg.bootNs,
      // vCPUs created with different TSC rates are never all matched: no masterclock then.
      useMasterClock: cfg.useMasterClock && lastGeneration(cfg) === 0,
      masterclockUpdates: 0,
      lastMasterclockUpdateAt: 0,
      vmOffsetSet: false,
      unrequestedPvclockWrites: 0,
      kvmclockOffset: 0n,
      tscSync: initialTscSync(cfg),
    },
    vcpus: cfg.vcpus.map((v, i) => vcpu(v.pcpu, i)),
    tasks: cfg.tasks.map((t) => ({
      vcpu: t.vcpu,
      read: {
        active: false,
        step: 0,
        pageVcpu: 0,
        cpu: -1,
        version: 0,
        fields: EMPTY_PVTI,
        tsc: 0n,
        torn: false,
        overlapOld: EMPTY_PVTI,
        overlapNew: EMPTY_PVTI,
        floorAtStart: 0n,
      },
      reads: 0,
      migrations: 0,
      prevRead: NO_READ,
      lastRead: NO_READ,
    })),
    guest: { lastValue: 0n, maxReturned: 0n },
    vmm: NO_MIGRATION,
    ext: initialExt(cfg.ext, {
      vcpu: cfg.vcpus.length,
      task: cfg.tasks.length,
      pcpu: cfg.pcpus.length,
    }),
  };
  // Each vCPU's first kvm_guest_time_update, at time 0.
  return { ...s, vcpus: s.vcpus.map((v, i) => ({ ...v, pvti: pvtiFor(s, cfg, i, 2) })) };
}

// --- TSC synchronization and live migration (issue 12) ---

/**
 * kvm_synchronize_tsc's VM-wide record after the vCPUs were created at time 0, all in one
 * generation: the model starts every vCPU at offset 0 (its guest TSC is its pCPU's, scaled), and
 * no TSC written by userspace yet.
 */
function initialTscSync(cfg: ClockConfig): KvmTscSync {
  const last = cfg.vcpus.length - 1;
  const write = last < 0 ? 0n : scaleHostTsc(cfg, 0, hostTscAt(cfg, cfg.vcpus[0]!.pcpu, 0));
  return {
    unstable: false,
    userSet: false,
    lastWrite: write,
    lastNs: cfg.bootNs,
    lastKhz: last < 0 ? 0 : Number(virtualTscKhz(cfg, last)),
    lastOffset: 0n,
    curWrite: write,
    curNs: cfg.bootNs,
    curOffset: 0n,
  };
}

/**
 * The first vCPU of the last TSC-matching generation after creation: kvm_synchronize_tsc at each
 * vCPU's creation matches it to the previous one when their rates (virtual_tsc_khz) are equal,
 * and starts a new generation when they are not.
 */
function lastGeneration(cfg: ClockConfig): number {
  let start = 0;
  for (let i = 1; i < cfg.vcpus.length; i++)
    if (virtualTscKhz(cfg, i) !== virtualTscKhz(cfg, i - 1)) start = i;
  return start;
}

const NO_CLOCK_DATA: KvmClockData = { clock: 0n, realtime: 0n, hostTsc: 0n, flags: 0 };

export const NO_MIGRATION: VmmState = {
  migrations: 0,
  clockSaved: false,
  clockSet: false,
  saved: NO_CLOCK_DATA,
  destTaken: false,
  dest: NO_CLOCK_DATA,
  referenceKvmclockOffset: 0n,
};
