/**
 * The canonical encoding of a state, word by word, for the explorer's visited set. Every field of
 * the state is written, in a fixed order; the test for this file checks that changing any single
 * field changes the encoding, so a field added to the state cannot be forgotten here.
 *
 * With a renaming (symmetry.ts), the encoding is that of the state with its pCPUs, vCPUs and
 * tasks renumbered: components are written in their new order and every field that names one
 * (a vCPU's pCPU, a task's vCPU, the page a read uses and the vCPU its getcpu returned, the vCPU
 * a completed read ran on) is renamed. Placeholders are not: an empty read record's vCPU (0 until
 * the record is first written, which names a live vCPU), a getcpu vCPU of -1 (none asked), and
 * the page and getcpu vCPU of a read not in progress, which are written as 0: leftovers of the
 * last read that no built-in step, invariant or property looks at before the next read chooses
 * afresh (a user's reader, which might, is explored without renamings). Renamed, they would tell
 * apart states that behave the same (and make the initial state look different from its own
 * image under a renaming).
 *
 * Small fields share words: a record's booleans are bits of one word, with its step counter (a
 * write's or a read's, at most 16 bits) in the upper half, and a page's tsc_shift (s8) and flags
 * (u8) share one word. The explorer hashes and copies every word of every state it generates, so
 * the 165 words instead of 199 (unsynced-tsc, before the TSC-sync and live-migration fields of
 * issue 12 added 44: 209 now) were a sixth less of that work. A value that does not fit its share
 * is a bug and throws, as a u64 out of range does.
 */
import type { Encoder } from '../explorer/index.ts';
import type { Pvti, TkClock } from './arith/index.ts';
import { RecordWords } from './recordWords.ts';
import type {
  ClockState,
  HostState,
  KvmClockData,
  KvmState,
  ReadProgress,
  ReadRecord,
  TaskState,
  VcpuState,
  VmmState,
} from './state.ts';
import { encodeExt, NO_EXTENSION, type StateExtension } from './stateExtension.ts';
import type { Renaming } from './symmetry.ts';

/** Bit `i` of a record's word of flags. */
const bit = (x: boolean, i: number): number => (x ? 1 << i : 0);

/** A step counter, in the upper half of a word of flags. */
function step16(step: number, what: string): number {
  if (!Number.isInteger(step) || step < 0 || step > 0xffff)
    throw new RangeError(`encodeState: ${what} ${step} is not a 16-bit step`);
  return step << 16;
}

/** tsc_shift (s8) and flags (u8) of a pvclock page, in one word: shift in bits 0-7, flags 8-15. */
function shiftAndFlags(p: Pvti): number {
  const { tscShift: shift, flags } = p;
  if (!Number.isInteger(shift) || shift < -128 || shift > 127)
    throw new RangeError(`encodeState: tsc_shift ${shift} is not an s8`);
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xff)
    throw new RangeError(`encodeState: pvclock flags ${flags} is not a u8`);
  return (shift & 0xff) | (flags << 8);
}

function pvti(out: Encoder, p: Pvti): void {
  out.u32(p.version);
  out.u64(p.tscTimestamp);
  out.u64(p.systemTime);
  out.u32(p.tscToSystemMul);
  out.u32(shiftAndFlags(p));
}

function tk(out: Encoder, c: TkClock): void {
  out.u64(c.cycleLast);
  out.u32(c.mult);
  out.u32(c.shift);
  out.i64(c.xtimeNsec);
  out.i64(c.base);
}

/** A completed read, but for its two flags (valid, torn), which are in the task's word of flags. */
function readRecord(out: Encoder, r: ReadRecord, vcpuName: readonly number[] | undefined): void {
  out.u64(r.value);
  out.u32(vcpuName === undefined || !r.valid ? r.vcpu : vcpuName[r.vcpu]!);
  out.int(r.at);
  out.u64(r.floorAtStart);
}

/** Remembered words of the records shared between states, per renaming (see recordWords.ts). */
interface Remembered {
  readonly host: RecordWords;
  readonly kvm: RecordWords;
  readonly vcpu: RecordWords;
  readonly task: RecordWords;
  readonly vmm: RecordWords;
}
const remembered = (): Remembered => ({
  host: new RecordWords(2),
  kvm: new RecordWords(2),
  vcpu: new RecordWords(8),
  task: new RecordWords(4),
  vmm: new RecordWords(1),
});
const plainRemembered = remembered();
const renamedRemembered = new WeakMap<Renaming, Remembered>();

function rememberedFor(r: Renaming | undefined): Remembered {
  if (r === undefined) return plainRemembered;
  let m = renamedRemembered.get(r);
  if (m === undefined) {
    m = remembered();
    renamedRemembered.set(r, m);
  }
  return m;
}

/**
 * Writes `s`'s encoding (renamed by `r`); the scenario's own fields (`ext`, declared by `ext`) come
 * last.
 */
export function encodeState(
  s: ClockState,
  out: Encoder,
  r?: Renaming,
  ext: StateExtension = NO_EXTENSION,
): void {
  const m = rememberedFor(r);
  out.int(s.now);
  out.int(s.tscLead);

  const h = s.host;
  if (!m.host.copyTo(h, out)) {
    const start = out.length;
    host(out, h);
    m.host.remember(h, out, start);
  }

  for (let i = 0; i < s.pcpus.length; i++) {
    const p = s.pcpus[r === undefined ? i : r.pcpuOrder[i]!]!;
    out.bool(p.idle);
    out.int(p.wakeAt);
  }

  const k = s.kvm;
  if (!m.kvm.copyTo(k, out)) {
    const start = out.length;
    kvm(out, k);
    m.kvm.remember(k, out, start);
  }

  const pcpuName = r?.pcpuName;
  for (let i = 0; i < s.vcpus.length; i++) {
    const v = s.vcpus[r === undefined ? i : r.vcpuOrder[i]!]!;
    if (m.vcpu.copyTo(v, out)) continue;
    const start = out.length;
    vcpu(out, v, pcpuName);
    m.vcpu.remember(v, out, start);
  }

  const vcpuName = r?.vcpuName;
  for (let i = 0; i < s.tasks.length; i++) {
    const t = s.tasks[r === undefined ? i : r.taskOrder[i]!]!;
    if (m.task.copyTo(t, out)) continue;
    const start = out.length;
    task(out, t, vcpuName);
    m.task.remember(t, out, start);
  }

  out.u64(s.guest.lastValue);
  out.u64(s.guest.maxReturned);

  const vm = s.vmm;
  if (!m.vmm.copyTo(vm, out)) {
    const start = out.length;
    vmm(out, vm);
    m.vmm.remember(vm, out, start);
  }
  if (ext !== NO_EXTENSION) encodeExt(out, ext, s.ext, r);
}

function host(out: Encoder, h: HostState): void {
  tk(out, h.mono);
  tk(out, h.raw);
  out.int(h.ntpPendingAdj);
  out.u32(h.ntpChanges);
  out.int(h.lastUpdateAt);
  out.i64(h.lastUpdate.monoBefore);
  out.i64(h.lastUpdate.monoAfter);
  out.i64(h.lastUpdate.rawBefore);
  out.i64(h.lastUpdate.rawAfter);
  // Not renamed: like pCPU 0, the clocksource pCPU is read by number, and a renaming only ever
  // swaps it with a pCPU of the same rate and offset (symmetry.ts), whose TSC reads the same.
  out.u32(h.clocksourcePcpu);
}

function kvm(out: Encoder, k: KvmState): void {
  out.u64(k.masterCycleNow);
  out.i64(k.masterKernelNs);
  const t = k.tscSync;
  out.u32(
    bit(k.useMasterClock, 0) | bit(k.vmOffsetSet, 1) | bit(t.unstable, 2) | bit(t.userSet, 3),
  );
  out.u32(k.masterclockUpdates);
  out.int(k.lastMasterclockUpdateAt);
  out.u32(k.unrequestedPvclockWrites);
  // kvmclock offset and TSC synchronization (issue 12)
  out.i64(k.kvmclockOffset);
  out.u64(t.lastWrite);
  out.i64(t.lastNs);
  out.u32(t.lastKhz);
  out.u64(t.lastOffset);
  out.u64(t.curWrite);
  out.i64(t.curNs);
  out.u64(t.curOffset);
}

function vcpu(out: Encoder, v: VcpuState, pcpuName: readonly number[] | undefined): void {
  const w = v.pvtiWrite;
  const t = v.timer;
  const h = t.hrtimer;
  out.u32(pcpuName === undefined ? v.pcpu : pcpuName[v.pcpu]!);
  out.u64(v.tscOffset);
  pvti(out, v.pvti);
  out.u32(
    bit(w.active, 0) |
      bit(v.clockUpdateRequested, 1) |
      bit(t.programmed, 2) |
      bit(h.armed, 3) |
      bit(h.clock === 'raw', 4) |
      bit(t.pending, 5) |
      bit(t.delivered, 6) |
      bit(v.halted, 7) |
      bit(v.kicked, 8) |
      bit(v.counterRestored, 9) |
      bit(v.paused, 10) |
      bit(v.tscCatchup, 11) |
      bit(v.tscMatched, 12) |
      bit(v.tscRestored, 13) |
      step16(w.step, 'pvclock write step'),
  );
  pvti(out, w.target);
  pvti(out, w.previous);
  out.i64(v.lastClockStep);
  out.u32(v.migrations);
  out.u64(t.deadline);
  out.int(t.deadlineAt);
  out.i64(h.expires);
  out.i64(h.queuedMono);
  out.u64(t.deliveredTsc);
  out.int(t.deliveredAt);
  out.i64(v.voffset);
  // TSC synchronization and live migration (issue 12)
  out.u64(v.tscSyncWrite);
  out.i64(v.tscSyncNs);
  out.u64(v.savedTsc);
}

/**
 * The two vCPUs a read in progress names, in one word: its page's vCPU in the lower half, and in
 * the upper half the vCPU its getcpu or rdtscp returned, plus one (0: none). Renamed, a read not
 * in progress writes 0 for both (see the file's header).
 */
function readVcpus(read: ReadProgress, vcpuName: readonly number[] | undefined): number {
  const { pageVcpu, cpu } = read;
  if (!Number.isInteger(pageVcpu) || pageVcpu < 0 || pageVcpu > 0xffff)
    throw new RangeError(`encodeState: read page vCPU ${pageVcpu} is not a 16-bit vCPU`);
  if (!Number.isInteger(cpu) || cpu < -1 || cpu > 0xfffe)
    throw new RangeError(`encodeState: read getcpu vCPU ${cpu} is not -1 or a 16-bit vCPU`);
  if (vcpuName === undefined) return pageVcpu | ((cpu + 1) << 16);
  if (!read.active) return 0;
  return vcpuName[pageVcpu]! | ((cpu < 0 ? 0 : vcpuName[cpu]! + 1) << 16);
}

function task(out: Encoder, t: TaskState, vcpuName: readonly number[] | undefined): void {
  out.u32(vcpuName === undefined ? t.vcpu : vcpuName[t.vcpu]!);
  const read = t.read;
  out.u32(
    bit(read.active, 0) |
      bit(read.torn, 1) |
      bit(t.prevRead.valid, 2) |
      bit(t.prevRead.torn, 3) |
      bit(t.lastRead.valid, 4) |
      bit(t.lastRead.torn, 5) |
      step16(read.step, 'read step'),
  );
  out.u32(readVcpus(read, vcpuName));
  out.u32(read.version);
  pvti(out, read.fields);
  out.u64(read.tsc);
  pvti(out, read.overlapOld);
  pvti(out, read.overlapNew);
  out.u64(read.floorAtStart);
  out.u32(t.reads);
  out.u32(t.migrations);
  readRecord(out, t.prevRead, vcpuName);
  readRecord(out, t.lastRead, vcpuName);
}

// --- live migration (issue 12) ---

/** A KVM_CLOCK_* flags byte. */
function flags8(flags: number): number {
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xff)
    throw new RangeError(`encodeState: KVM clock flags ${flags} is not a u8`);
  return flags;
}

function clockData(out: Encoder, c: KvmClockData): void {
  out.u64(c.clock);
  out.i64(c.realtime);
  out.u64(c.hostTsc);
}

/** The VMM's record; its three flags and the two KVM_CLOCK_* bytes share one word. */
function vmm(out: Encoder, v: VmmState): void {
  out.u32(v.migrations);
  out.u32(
    bit(v.clockSaved, 0) |
      bit(v.clockSet, 1) |
      bit(v.destTaken, 2) |
      (flags8(v.saved.flags) << 8) |
      (flags8(v.dest.flags) << 16),
  );
  clockData(out, v.saved);
  clockData(out, v.dest);
  out.i64(v.referenceKvmclockOffset);
}
