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
import { decodeExt } from './stateExtension.ts';
import type {
  ClockState,
  GuestTimer,
  KvmClockData,
  PcpuState,
  ReadRecord,
  TaskState,
  VcpuState,
  VmmState,
} from './state.ts';

/** Bit `i` of a word of flags. */
const bit = (word: number, i: number): boolean => ((word >>> i) & 1) === 1;

function pvti(r: Decoder): Pvti {
  const version = r.u32();
  const tscTimestamp = r.u64();
  const systemTime = r.u64();
  const tscToSystemMul = r.u32();
  const packed = r.i32(); // tsc_shift (s8) in bits 0-7, flags (u8) in bits 8-15
  return {
    version,
    tscTimestamp,
    systemTime,
    tscToSystemMul,
    tscShift: (packed << 24) >> 24,
    flags: (packed >>> 8) & 0xff,
  };
}

function tk(r: Decoder): TkClock {
  return { cycleLast: r.u64(), mult: r.u32(), shift: r.u32(), xtimeNsec: r.i64(), base: r.i64() };
}

/** A completed read; its two flags come from the task's word of flags. */
function readRecord(r: Decoder, valid: boolean, torn: boolean): ReadRecord {
  return { valid, value: r.u64(), vcpu: r.u32(), at: r.int(), torn, floorAtStart: r.u64() };
}

function vcpu(r: Decoder): VcpuState {
  const pcpu = r.u32();
  const tscOffset = r.u64();
  const page = pvti(r);
  const flags = r.u32(); // booleans in bits 0-13, the write's step in bits 16-31
  const target = pvti(r);
  const previous = pvti(r);
  const lastClockStep = r.i64();
  const migrations = r.u32();
  const timer: GuestTimer = {
    programmed: bit(flags, 2),
    deadline: r.u64(),
    deadlineAt: r.int(),
    hrtimer: {
      armed: bit(flags, 3),
      clock: bit(flags, 4) ? 'raw' : 'mono',
      expires: r.i64(),
      queuedMono: r.i64(),
    },
    pending: bit(flags, 5),
    delivered: bit(flags, 6),
    deliveredTsc: r.u64(),
    deliveredAt: r.int(),
  };
  const voffset = r.i64();
  return {
    pcpu,
    tscOffset,
    pvti: page,
    pvtiWrite: { active: bit(flags, 0), step: flags >>> 16, target, previous },
    lastClockStep,
    clockUpdateRequested: bit(flags, 1),
    migrations,
    timer,
    halted: bit(flags, 7),
    kicked: bit(flags, 8),
    voffset,
    counterRestored: bit(flags, 9),
    paused: bit(flags, 10),
    tscCatchup: bit(flags, 11),
    tscMatched: bit(flags, 12),
    tscSyncWrite: r.u64(),
    tscSyncNs: r.i64(),
    savedTsc: r.u64(),
    tscRestored: bit(flags, 13),
  };
}

function task(r: Decoder): TaskState {
  const vcpu = r.u32();
  const flags = r.u32(); // booleans in bits 0-5, the read's step in bits 16-31
  const vcpus = r.u32(); // the page's vCPU in bits 0-15, getcpu's plus one in bits 16-31
  const read = {
    active: bit(flags, 0),
    step: flags >>> 16,
    pageVcpu: vcpus & 0xffff,
    cpu: (vcpus >>> 16) - 1,
    version: r.u32(),
    fields: pvti(r),
    tsc: r.u64(),
    torn: bit(flags, 1),
    overlapOld: pvti(r),
    overlapNew: pvti(r),
    floorAtStart: r.u64(),
  };
  return {
    vcpu,
    read,
    reads: r.u32(),
    migrations: r.u32(),
    prevRead: readRecord(r, bit(flags, 2), bit(flags, 3)),
    lastRead: readRecord(r, bit(flags, 4), bit(flags, 5)),
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
    vmm: new SectionCache<VmmState>(),
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
    readonly vmm?: SectionCache<VmmState>;
  },
): ClockState {
  const r = new Decoder(words);
  const part = <T>(cache: SectionCache<T> | undefined, read: () => T): T =>
    cache === undefined ? read() : r.section(cache, read);
  const now = r.int();
  const tscLead = r.int();
  const host = part(caches?.host, () => ({
    mono: tk(r),
    raw: tk(r),
    ntpPendingAdj: r.int(),
    ntpChanges: r.u32(),
    lastUpdateAt: r.int(),
    lastUpdate: { monoBefore: r.i64(), monoAfter: r.i64(), rawBefore: r.i64(), rawAfter: r.i64() },
    clocksourcePcpu: r.u32(),
  }));
  const pcpus = part(caches?.pcpus, () =>
    times(cfg.pcpus.length, (): PcpuState => ({ idle: r.bool(), wakeAt: r.int() })),
  );
  const kvm = part(caches?.kvm, () => {
    const masterCycleNow = r.u64();
    const masterKernelNs = r.i64();
    const flags = r.u32();
    return {
      masterCycleNow,
      masterKernelNs,
      useMasterClock: bit(flags, 0),
      masterclockUpdates: r.u32(),
      lastMasterclockUpdateAt: r.int(),
      vmOffsetSet: bit(flags, 1),
      unrequestedPvclockWrites: r.u32(),
      kvmclockOffset: r.i64(),
      tscSync: {
        unstable: bit(flags, 2),
        userSet: bit(flags, 3),
        lastWrite: r.u64(),
        lastNs: r.i64(),
        lastKhz: r.u32(),
        lastOffset: r.u64(),
        curWrite: r.u64(),
        curNs: r.i64(),
        curOffset: r.u64(),
      },
    };
  });
  const vcpus = part(caches?.vcpus, () => times(cfg.vcpus.length, () => vcpu(r)));
  const tasks = part(caches?.tasks, () => times(cfg.tasks.length, () => task(r)));
  const guest = part(caches?.guest, () => ({ lastValue: r.u64(), maxReturned: r.u64() }));
  const vmm = part(caches?.vmm, () => vmmState(r));
  const ext = decodeExt(r, cfg.ext, {
    vcpu: cfg.vcpus.length,
    task: cfg.tasks.length,
    pcpu: cfg.pcpus.length,
  });
  r.end();
  return { now, tscLead, host, pcpus, kvm, vcpus, tasks, guest, vmm, ext };
}

// --- live migration (issue 12) ---

function clockData(r: Decoder, flags: number): KvmClockData {
  return { clock: r.u64(), realtime: r.i64(), hostTsc: r.u64(), flags };
}

function vmmState(r: Decoder): VmmState {
  const migrations = r.u32();
  const flags = r.u32(); // booleans in bits 0-2, the two KVM_CLOCK_* bytes in bits 8-23
  const saved = clockData(r, (flags >>> 8) & 0xff);
  const dest = clockData(r, (flags >>> 16) & 0xff);
  return {
    migrations,
    clockSaved: bit(flags, 0),
    clockSet: bit(flags, 1),
    saved,
    destTaken: bit(flags, 2),
    dest,
    referenceKvmclockOffset: r.i64(),
  };
}
