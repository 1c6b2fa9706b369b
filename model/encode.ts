/**
 * The canonical encoding of a state, word by word, for the explorer's visited set. Every field of
 * the state is written, in a fixed order; the test for this file checks that changing any single
 * field changes the encoding, so a field added to the state cannot be forgotten here.
 */
import type { Encoder } from '../explorer/index.ts';
import type { Pvti, TkClock } from './arith/index.ts';
import type { ClockState, ReadRecord } from './state.ts';

function pvti(out: Encoder, p: Pvti): void {
  out.u32(p.version);
  out.u64(p.tscTimestamp);
  out.u64(p.systemTime);
  out.u32(p.tscToSystemMul);
  out.u32(p.tscShift);
  out.u32(p.flags);
}

function tk(out: Encoder, c: TkClock): void {
  out.u64(c.cycleLast);
  out.u32(c.mult);
  out.u32(c.shift);
  out.i64(c.xtimeNsec);
  out.i64(c.base);
}

function readRecord(out: Encoder, r: ReadRecord): void {
  out.bool(r.valid);
  out.u64(r.value);
  out.u32(r.vcpu);
  out.int(r.at);
  out.bool(r.torn);
  out.u64(r.floorAtStart);
}

export function encodeState(s: ClockState, out: Encoder): void {
  out.int(s.now);

  const h = s.host;
  tk(out, h.mono);
  tk(out, h.raw);
  out.int(h.ntpPendingAdj);
  out.u32(h.ntpChanges);
  out.int(h.lastUpdateAt);
  out.i64(h.lastUpdate.monoBefore);
  out.i64(h.lastUpdate.monoAfter);
  out.i64(h.lastUpdate.rawBefore);
  out.i64(h.lastUpdate.rawAfter);

  for (const p of s.pcpus) {
    out.bool(p.idle);
    out.int(p.wakeAt);
  }

  const k = s.kvm;
  out.u64(k.masterCycleNow);
  out.i64(k.masterKernelNs);
  out.bool(k.useMasterClock);
  out.u32(k.masterclockUpdates);
  out.int(k.lastMasterclockUpdateAt);
  out.bool(k.vmOffsetSet);
  out.u32(k.unrequestedPvclockWrites);

  for (const v of s.vcpus) {
    out.u32(v.pcpu);
    out.u64(v.tscOffset);
    pvti(out, v.pvti);
    out.bool(v.pvtiWrite.active);
    out.u32(v.pvtiWrite.step);
    pvti(out, v.pvtiWrite.target);
    pvti(out, v.pvtiWrite.previous);
    out.i64(v.lastClockStep);
    out.bool(v.clockUpdateRequested);
    out.u32(v.migrations);
    const t = v.timer;
    out.bool(t.programmed);
    out.u64(t.deadline);
    out.int(t.deadlineAt);
    out.bool(t.hrtimer.armed);
    out.u32(t.hrtimer.clock === 'mono' ? 0 : 1);
    out.i64(t.hrtimer.expires);
    out.i64(t.hrtimer.queuedMono);
    out.bool(t.pending);
    out.bool(t.delivered);
    out.u64(t.deliveredTsc);
    out.int(t.deliveredAt);
    out.bool(v.halted);
    out.bool(v.kicked);
    out.i64(v.voffset);
    out.bool(v.counterRestored);
  }

  for (const t of s.tasks) {
    out.u32(t.vcpu);
    const r = t.read;
    out.bool(r.active);
    out.u32(r.step);
    out.u32(r.pageVcpu);
    out.u32(r.version);
    pvti(out, r.fields);
    out.u64(r.tsc);
    out.bool(r.torn);
    out.u64(r.floorAtStart);
    out.u32(t.reads);
    out.u32(t.migrations);
    readRecord(out, t.prevRead);
    readRecord(out, t.lastRead);
  }

  out.u64(s.guest.lastValue);
  out.u64(s.guest.maxReturned);
}
