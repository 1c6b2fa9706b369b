/**
 * The state at real time 0: host clocks at boot time, every pCPU busy, every vCPU's pvclock page
 * written once by kvm_guest_time_update, no timer programmed, no read done.
 */
import { clocksCalcMultShift, type Pvti, type TkClock } from './arith/index.ts';
import { hostTscAt, pvtiFor } from './clocks.ts';
import type { ClockConfig } from './config.ts';
import type { ClockState, ReadRecord, VcpuState } from './state.ts';
import { initialExt } from './stateExtension.ts';

/** clocksource_register_khz computes mult/shift for a 600 s range (maxsec in ms units of the kHz call). */
const CLOCKSOURCE_MAXSEC_KHZ = 600_000n;

const EMPTY_PVTI: Pvti = {
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
  const vcpu = (pcpu: number): VcpuState => ({
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
  });
  const s: ClockState = {
    now: 0,
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
    },
    pcpus: cfg.pcpus.map(() => ({ idle: false, wakeAt: -1 })),
    kvm: {
      masterCycleNow: hostTscAt(cfg, 0, 0),
      masterKernelNs: cfg.bootNs,
      useMasterClock: cfg.useMasterClock,
      masterclockUpdates: 0,
      lastMasterclockUpdateAt: 0,
      vmOffsetSet: false,
      unrequestedPvclockWrites: 0,
    },
    vcpus: cfg.vcpus.map((v) => vcpu(v.pcpu)),
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
        floorAtStart: 0n,
      },
      reads: 0,
      migrations: 0,
      prevRead: NO_READ,
      lastRead: NO_READ,
    })),
    guest: { lastValue: 0n, maxReturned: 0n },
    ext: initialExt(cfg.ext, {
      vcpu: cfg.vcpus.length,
      task: cfg.tasks.length,
      pcpu: cfg.pcpus.length,
    }),
  };
  // Each vCPU's first kvm_guest_time_update, at time 0.
  return { ...s, vcpus: s.vcpus.map((v, i) => ({ ...v, pvti: pvtiFor(s, cfg, i, 2) })) };
}
