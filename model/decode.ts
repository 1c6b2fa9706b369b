/**
 * The inverse of encode.ts: a state from its encoding, so that worker threads can hand states to
 * each other as words. Reads the fields in exactly the order encodeState writes them; the counts
 * of pCPUs, vCPUs and tasks come from the configuration (they never change during a run). Its
 * test decodes every reachable state of every catalogue scenario and compares field by field.
 *
 * A decoder built by stateDecoder shares the parts (host, pCPUs, KVM, vCPUs, tasks, guest) it has
 * decoded before from the same words, as states built by `next` share what a step leaves alone:
 * a fresh copy of everything costs far more in allocation and garbage collection than decoding.
 */
import { Decoder, SectionCache } from '../explorer/index.ts';
import type { Pvti, TkClock } from './arith/index.ts';
import type { ClockConfig } from './config.ts';
import type {
  ClockState,
  GuestTimer,
  PcpuState,
  ReadRecord,
  TaskState,
  VcpuState,
} from './state.ts';

function pvti(r: Decoder): Pvti {
  return {
    version: r.u32(),
    tscTimestamp: r.u64(),
    systemTime: r.u64(),
    tscToSystemMul: r.u32(),
    tscShift: r.i32(),
    flags: r.u32(),
  };
}

function tk(r: Decoder): TkClock {
  return { cycleLast: r.u64(), mult: r.u32(), shift: r.u32(), xtimeNsec: r.i64(), base: r.i64() };
}

function readRecord(r: Decoder): ReadRecord {
  return {
    valid: r.bool(),
    value: r.u64(),
    vcpu: r.u32(),
    at: r.int(),
    torn: r.bool(),
    floorAtStart: r.u64(),
  };
}

function timer(r: Decoder): GuestTimer {
  return {
    programmed: r.bool(),
    deadline: r.u64(),
    deadlineAt: r.int(),
    hrtimer: {
      armed: r.bool(),
      clock: r.u32() === 0 ? 'mono' : 'raw',
      expires: r.i64(),
      queuedMono: r.i64(),
    },
    pending: r.bool(),
    delivered: r.bool(),
    deliveredTsc: r.u64(),
    deliveredAt: r.int(),
  };
}

function vcpu(r: Decoder): VcpuState {
  return {
    pcpu: r.u32(),
    tscOffset: r.u64(),
    pvti: pvti(r),
    pvtiWrite: { active: r.bool(), step: r.u32(), target: pvti(r), previous: pvti(r) },
    lastClockStep: r.i64(),
    clockUpdateRequested: r.bool(),
    migrations: r.u32(),
    timer: timer(r),
    halted: r.bool(),
    kicked: r.bool(),
    voffset: r.i64(),
    counterRestored: r.bool(),
  };
}

function task(r: Decoder): TaskState {
  return {
    vcpu: r.u32(),
    read: {
      active: r.bool(),
      step: r.u32(),
      pageVcpu: r.u32(),
      version: r.u32(),
      fields: pvti(r),
      tsc: r.u64(),
      torn: r.bool(),
      floorAtStart: r.u64(),
    },
    reads: r.u32(),
    migrations: r.u32(),
    prevRead: readRecord(r),
    lastRead: readRecord(r),
  };
}

function times<T>(n: number, read: () => T): T[] {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(read());
  return out;
}

/** A decoder of `cfg`'s states with its own caches of shared parts. */
export function stateDecoder(cfg: ClockConfig): (words: Int32Array) => ClockState {
  const caches = {
    host: new SectionCache<ClockState['host']>(),
    pcpus: new SectionCache<PcpuState[]>(),
    kvm: new SectionCache<ClockState['kvm']>(),
    vcpus: new SectionCache<VcpuState[]>(),
    tasks: new SectionCache<TaskState[]>(),
    guest: new SectionCache<ClockState['guest']>(),
  };
  return (words) => decodeState(words, cfg, caches);
}

export function decodeState(
  words: Int32Array,
  cfg: ClockConfig,
  caches?: {
    readonly host: SectionCache<ClockState['host']>;
    readonly pcpus: SectionCache<PcpuState[]>;
    readonly kvm: SectionCache<ClockState['kvm']>;
    readonly vcpus: SectionCache<VcpuState[]>;
    readonly tasks: SectionCache<TaskState[]>;
    readonly guest: SectionCache<ClockState['guest']>;
  },
): ClockState {
  const r = new Decoder(words);
  const part = <T>(cache: SectionCache<T> | undefined, read: () => T): T =>
    cache === undefined ? read() : r.section(cache, read);
  const now = r.int();
  const host = part(caches?.host, () => ({
    mono: tk(r),
    raw: tk(r),
    ntpPendingAdj: r.int(),
    ntpChanges: r.u32(),
    lastUpdateAt: r.int(),
    lastUpdate: { monoBefore: r.i64(), monoAfter: r.i64(), rawBefore: r.i64(), rawAfter: r.i64() },
  }));
  const pcpus = part(caches?.pcpus, () =>
    times(cfg.pcpus.length, (): PcpuState => ({ idle: r.bool(), wakeAt: r.int() })),
  );
  const kvm = part(caches?.kvm, () => ({
    masterCycleNow: r.u64(),
    masterKernelNs: r.i64(),
    useMasterClock: r.bool(),
    masterclockUpdates: r.u32(),
    lastMasterclockUpdateAt: r.int(),
    vmOffsetSet: r.bool(),
    unrequestedPvclockWrites: r.u32(),
  }));
  const vcpus = part(caches?.vcpus, () => times(cfg.vcpus.length, () => vcpu(r)));
  const tasks = part(caches?.tasks, () => times(cfg.tasks.length, () => task(r)));
  const guest = part(caches?.guest, () => ({ lastValue: r.u64(), maxReturned: r.u64() }));
  r.end();
  return { now, host, pcpus, kvm, vcpus, tasks, guest };
}
