/**
 * pvclockWrite: the host writes a vCPU's pvclock page, one protocol step per action.
 *
 * Enabled: a vCPU with a write under way takes its next step, always; a new write starts on a vCPU
 * with a clock update requested, or on any vCPU while fewer than limits.pvclockWrites unrequested
 * (periodic kvmclock) writes were done; with writesDuringReads off, not while a read is under way.
 * Changes: the page, step by step, by the pvclockWrite protocol (atomic; bulk-copy: version += 2
 * then a copy that shows any subset of the new fields, then all; odd-even: version odd, the fields, version even); the request
 * is taken (or the unrequested write counted) at the first step; at the last, the clock step the
 * write caused at that instant.
 * Abstracts: kvm_guest_time_update -> kvm_setup_guest_pvclock (arch/x86/kvm/x86.c).
 *
 * Numbers: vCPU0 runs on pCPU1, whose TSC runs at 1.001 GHz although KVM believes 1 GHz; the
 * timekeeping pCPU0's TSC runs at exactly 1 GHz. At t = 1e6 the page written at t = 0 (stamp 0,
 * 1e9) reads 1e9 + 1_001_000 on vCPU0; a page written now by vCPU0 stamps TSC 1_001_000 and the
 * MONOTONIC_RAW read on pCPU1, from its own TSC: 1e9 + 1_001_000 (not pCPU0's 1e9 + 1e6), so the
 * rewrite does not step kvmclock. A masterclock snapshot taken earlier does (back 1000 ns).
 * step() also checks the input state is not mutated.
 */
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { PVCLOCK_TSC_STABLE_BIT, type Pvti } from '../../../model/arith/index.ts';
import { guestTsc } from '../../../model/clocks.ts';
import { POLICY_LIBRARY } from '../../../model/policies/index.ts';
import {
  copyFields,
  copyVisibleSubset,
  definePvclockWrite,
  PVTI_FIELDS,
  versionPlus2,
} from '../../../model/policies/pvclockWriteProtocol.ts';
import type { ClockState } from '../../../model/state.ts';
import { config, enabled, GHZ, state, step } from '../fixtures.ts';

const BOOT = 1_000_000_000n;
const T = 1_000_000;
const WRITE0 = { kind: 'pvclockWrite', vcpu: 0 } as const;
const WRITE1 = { kind: 'pvclockWrite', vcpu: 1 } as const;
const pcpus = [
  { tscHz: GHZ, tscOffset: 0n },
  { tscHz: 1_001_000_000n, tscOffset: 0n },
];

const writing = (extra: Parameters<typeof config>[0] = {}) =>
  config({
    pcpus,
    vcpus: [{ pcpu: 1 }, { pcpu: 0 }],
    tasks: [{ vcpu: 1 }],
    transitions: ['pvclockWrite'],
    ...extra,
  });

/** The page written at t = 0 on pCPU1, and the one a write at t = 1e6 produces (before its version). */
const OLD: Pvti = {
  version: 2,
  tscTimestamp: 0n,
  systemTime: BOOT,
  tscToSystemMul: 2 ** 31,
  tscShift: 1,
  flags: 0,
};
const NEW_FIELDS = { tscTimestamp: 1_001_000n, systemTime: BOOT + 1_001_000n };

const requested = (cfg: ReturnType<typeof writing>, vcpu = 0): ClockState =>
  state(cfg, (d) => {
    d.now = T;
    d.vcpus[vcpu]!.clockUpdateRequested = true;
  });

/** Every step of one write from `s`: the states after each step. */
function writeSteps(s: ClockState, cfg: ReturnType<typeof writing>, steps: number): ClockState[] {
  const out: ClockState[] = [];
  let cur = s;
  for (let i = 0; i < steps; i++) out.push((cur = step(cur, cfg, WRITE0)));
  return out;
}

describe('pvclockWrite: when it is enabled', () => {
  it('on a vCPU with a clock update requested, and only there', () => {
    const cfg = writing();
    expect(enabled(state(cfg), cfg, 'pvclockWrite')).toEqual([]);
    expect(enabled(requested(cfg, 1), cfg, 'pvclockWrite')).toEqual([WRITE1]);
  });

  it('on every vCPU while unrequested writes are left, until one is done', () => {
    const cfg = writing({ limits: { pvclockWrites: 1 } });
    expect(enabled(state(cfg), cfg, 'pvclockWrite')).toEqual([WRITE0, WRITE1]);
    const done = step(state(cfg), cfg, WRITE1);
    expect(done.kvm.unrequestedPvclockWrites).toBe(1);
    expect(enabled(done, cfg, 'pvclockWrite')).toEqual([]);
  });

  it('never when the scenario does not have it', () => {
    const off = writing({ transitions: ['guestRead'], limits: { pvclockWrites: 1 } });
    expect(enabled(requested(off), off, 'pvclockWrite')).toEqual([]);
  });

  it('with writesDuringReads off, no write starts while a read is under way', () => {
    const cfg = writing({ writesDuringReads: false });
    const midRead = produce(requested(cfg), (d) => void (d.tasks[0]!.read.active = true));
    expect(enabled(midRead, cfg, 'pvclockWrite')).toEqual([]);
    const overlapping = writing();
    expect(enabled(midRead, overlapping, 'pvclockWrite')).toEqual([WRITE0]);
  });

  it('a write under way always takes its next step: no request, no writes left, a read under way', () => {
    const cfg = writing({ writesDuringReads: false, policies: { pvclockWrite: 'odd-even' } });
    const [first] = writeSteps(requested(cfg), cfg, 1);
    const midRead = produce(first!, (d) => void (d.tasks[0]!.read.active = true));
    expect(midRead.vcpus[0]!.clockUpdateRequested).toBe(false);
    expect(enabled(midRead, cfg, 'pvclockWrite')).toEqual([WRITE0]);
  });
});

describe('pvclockWrite: atomic', () => {
  const cfg = writing();

  it('writes the whole page at once, version + 2, anchored at this pCPU’s TSC and the MONOTONIC_RAW it reads', () => {
    const s = requested(cfg);
    const [next] = writeSteps(s, cfg, 1);
    const v = next!.vcpus[0]!;
    expect(v.pvti).toEqual({ ...OLD, ...NEW_FIELDS, version: 4 });
    expect(v.pvtiWrite.active).toBe(false);
    expect(v.clockUpdateRequested).toBe(false);
    expect(next!.kvm.unrequestedPvclockWrites).toBe(0);
    expect(next!.vcpus[1]).toEqual(s.vcpus[1]);
  });

  it('records the step the rewrite caused at that instant: none from this pCPU’s own clocks', () => {
    const [next] = writeSteps(requested(cfg), cfg, 1);
    expect(next!.vcpus[0]!.lastClockStep).toBe(0n);
  });

  it('takes the kvmclock base from the writing pCPU’s TSC, clamped at cycle_last', () => {
    // pCPU1's TSC behind the timekeeper's cycle_last (the last update read pCPU0's, further on).
    const behind = produce(requested(cfg), (d) => {
      d.host.raw = { ...d.host.raw, cycleLast: 2_000_000n, base: BOOT + 2_000_000n };
    });
    const [next] = writeSteps(behind, cfg, 1);
    expect(next!.vcpus[0]!.pvti.systemTime).toBe(BOOT + 2_000_000n);
  });

  it('adds the vCPU’s TSC offset to the stamp; without the masterclock, no stable bit', () => {
    const s = produce(requested(cfg), (d) => void (d.vcpus[0]!.tscOffset = 5000n));
    const [next] = writeSteps(s, cfg, 1);
    expect(next!.vcpus[0]!.pvti).toMatchObject({ tscTimestamp: 1_006_000n, flags: 0 });
  });

  it('with the masterclock, anchors at the VM-wide snapshot, not at now, and sets the stable bit', () => {
    const s = produce(requested(cfg), (d) => {
      d.kvm.useMasterClock = true;
      d.kvm.masterCycleNow = 400_000n;
      d.kvm.masterKernelNs = BOOT + 399_000n;
    });
    const [next] = writeSteps(s, cfg, 1);
    expect(next!.vcpus[0]!.pvti).toMatchObject({
      tscTimestamp: 400_000n,
      systemTime: BOOT + 399_000n,
      flags: PVCLOCK_TSC_STABLE_BIT,
    });
    // The snapshot's RAW is 1000 ns behind what the old page reads at vCPU0's TSC now.
    expect(next!.vcpus[0]!.lastClockStep).toBe(-1000n);
  });
});

describe('pvclockWrite: bulk-copy (version += 2, then one weakly ordered copy)', () => {
  const cfg = writing({ policies: { pvclockWrite: 'bulk-copy' } });
  // An old page with another scale and no flags, so that every field changes.
  const old: Pvti = { ...OLD, tscToSystemMul: 123, tscShift: 0, flags: 0 };
  const s = produce(requested(cfg), (d) => void (d.vcpus[0]!.pvti = old));
  // The copy's second step makes visible the subset `mask` (bit i: PVTI_FIELDS[i]).
  const pages = (mask = 0b00010): ClockState[] => {
    const first = step(s, cfg, WRITE0);
    const second = step(first, cfg, { ...WRITE0, choice: mask });
    return [first, second, step(second, cfg, WRITE0)];
  };

  it('offers one action per visible subset of the new fields after the version store, one per page', () => {
    const [first] = pages();
    const actions = enabled(first!, cfg, 'pvclockWrite');
    // flags are the same in both pages: the subsets with and without them give the same page, and
    // only the first (without, bit 4 clear) is offered.
    expect(actions).toHaveLength(16);
    expect(actions).toEqual(Array.from({ length: 16 }, (_, choice) => ({ ...WRITE0, choice })));
  });

  it('shows a reader the new even version first, then any subset of the new fields, then all', () => {
    expect(pages().map((p) => p.vcpus[0]!.pvti)).toEqual([
      { ...old, version: 4 },
      // system_time new, tsc_timestamp old: no prefix of the struct.
      { ...old, version: 4, systemTime: NEW_FIELDS.systemTime },
      { ...OLD, version: 4, ...NEW_FIELDS },
    ]);
    expect(pages(0b01100)[1]!.vcpus[0]!.pvti).toEqual({
      ...OLD,
      version: 4,
      ...{
        tscTimestamp: old.tscTimestamp,
        systemTime: old.systemTime,
      },
    });
  });

  it('keeps the write under way until the last step, with the page it started from and its target', () => {
    expect(pages().map((p) => [p.vcpus[0]!.pvtiWrite.active, p.vcpus[0]!.pvtiWrite.step])).toEqual([
      [true, 1],
      [true, 2],
      [false, 0],
    ]);
    expect(pages()[0]!.vcpus[0]!.pvtiWrite.previous).toEqual(old);
    expect(pages()[0]!.vcpus[0]!.pvtiWrite.target).toEqual({ ...OLD, ...NEW_FIELDS, version: 2 });
  });

  it('takes the request at the first step and records the clock step only at the end', () => {
    expect(pages().map((p) => p.vcpus[0]!.clockUpdateRequested)).toEqual([false, false, false]);
    expect(
      pages()
        .slice(0, 2)
        .map((p) => p.vcpus[0]!.lastClockStep),
    ).toEqual([0n, 0n]);
    // The last step reads the TSC a cycle after the first step took the stamp (causal time), at
    // 1_001_001: the new page gives 1e9 + 1_001_000 + 1, the old one (mul 123, shift 0)
    // 1e9 + floor(1_001_001 * 123 / 2^32) = 1e9 + 0.
    expect(pages()[2]!.vcpus[0]!.lastClockStep).toBe(1_001_001n);
  });

  it('lets a read start at every step (the version is always even)', () => {
    const reads = writing({
      policies: { pvclockWrite: 'bulk-copy', readPage: 'vcpu0', reader: 'split' },
      transitions: ['pvclockWrite', 'guestRead'],
      limits: { readsPerTask: 1 },
    });
    for (const p of pages())
      expect(enabled(p, reads, 'guestRead')).toEqual([
        { kind: 'guestRead', task: 0, step: 'version' },
      ]);
  });
});

describe('pvclockWrite: odd-even (version odd, fields, version even)', () => {
  const cfg = writing({ policies: { pvclockWrite: 'odd-even' } });
  const old: Pvti = { ...OLD, tscToSystemMul: 123, tscShift: 0 };
  const s = produce(requested(cfg), (d) => void (d.vcpus[0]!.pvti = old));
  const pages = () => writeSteps(s, cfg, 5);

  it('shows a reader an odd version for as long as any field is being written', () => {
    expect(pages().map((p) => p.vcpus[0]!.pvti)).toEqual([
      { ...old, version: 3 },
      { ...old, version: 3, tscTimestamp: NEW_FIELDS.tscTimestamp },
      { ...old, version: 3, ...NEW_FIELDS },
      { ...OLD, version: 3, ...NEW_FIELDS },
      { ...OLD, version: 4, ...NEW_FIELDS },
    ]);
    expect(pages().map((p) => p.vcpus[0]!.pvtiWrite.active)).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it('lets no read start until the version is even again', () => {
    const reads = writing({
      policies: { pvclockWrite: 'odd-even', readPage: 'vcpu0', reader: 'split' },
      transitions: ['pvclockWrite', 'guestRead'],
      limits: { readsPerTask: 1 },
    });
    expect(pages().map((p) => enabled(p, reads, 'guestRead').length)).toEqual([0, 0, 0, 0, 1]);
  });

  it('version arithmetic wraps as a u32', () => {
    const wrapping = produce(s, (d) => void (d.vcpus[0]!.pvti.version = 0xffff_fffe));
    const [odd, , , , even] = writeSteps(wrapping, cfg, 5);
    expect(odd!.vcpus[0]!.pvti.version).toBe(0xffff_ffff);
    expect(even!.vcpus[0]!.pvti.version).toBe(0);
  });
});

describe('pvclockWrite: a step with several outcomes (a protocol of one’s own)', () => {
  // The old bulk copy, weakly ordered: version + 2, then any subset of the new fields visible,
  // then all of them.
  const weak = definePvclockWrite({
    steps: [
      versionPlus2,
      copyVisibleSubset(['tscTimestamp', 'systemTime']),
      copyFields('the rest', PVTI_FIELDS, { partialAfter: false }),
    ],
  });
  const cfg = (() => {
    const c = writing();
    return { ...c, policies: { ...c.policies, pvclockWrite: weak } };
  })();

  it('is one action per outcome, `choice` K; a step with one outcome has no choice', () => {
    const s = requested(cfg);
    expect(enabled(s, cfg, 'pvclockWrite')).toEqual([WRITE0]);
    const [bumped] = writeSteps(s, cfg, 1);
    expect(enabled(bumped!, cfg, 'pvclockWrite')).toEqual(
      [0, 1, 2, 3].map((choice) => ({ ...WRITE0, choice })),
    );
    const pages = [0, 1, 2, 3].map(
      (choice) => step(bumped!, cfg, { ...WRITE0, choice }).vcpus[0]!.pvti,
    );
    expect(pages).toEqual([
      { ...OLD, version: 4 },
      { ...OLD, version: 4, tscTimestamp: NEW_FIELDS.tscTimestamp },
      { ...OLD, version: 4, systemTime: NEW_FIELDS.systemTime },
      { ...OLD, version: 4, ...NEW_FIELDS },
    ]);
    const last = step(bumped!, cfg, { ...WRITE0, choice: 2 });
    expect(enabled(last, cfg, 'pvclockWrite')).toEqual([WRITE0]);
    expect(step(last, cfg, WRITE0).vcpus[0]!.pvti).toEqual({ ...OLD, version: 4, ...NEW_FIELDS });
  });

  it('a reader on another vCPU can see a subset that is no prefix of the struct: new system_time, old stamp', () => {
    const reads = {
      ...cfg,
      transitions: new Set(['pvclockWrite', 'guestRead'] as const),
      limits: { ...cfg.limits, readsPerTask: 1 },
      policies: {
        ...cfg.policies,
        reader: POLICY_LIBRARY.reader.split,
        readPage: POLICY_LIBRARY.readPage.vcpu0,
      },
    };
    const s = requested(reads);
    const bumped = step(s, reads, WRITE0);
    const v = step(bumped, reads, { kind: 'guestRead', task: 0, step: 'version' });
    const systemTimeOnly = step(v, reads, { ...WRITE0, choice: 2 });
    const f = step(systemTimeOnly, reads, { kind: 'guestRead', task: 0, step: 'fields' });
    expect(f.tasks[0]!.read.fields).toMatchObject({
      tscTimestamp: OLD.tscTimestamp,
      systemTime: NEW_FIELDS.systemTime,
    });
    expect(f.tasks[0]!.read.torn).toBe(true);
  });
});

describe('pvclockWrite: kvm_guest_time_update’s TSC catch-up (tsc_catchup)', () => {
  // 1 GHz: the generation's TSC was 5000 at the kvmclock base's boot value, so at t = 1000 the
  // elapsed-time TSC is 6000 while the vCPU's own reads 1000: the offset is raised by 5000.
  const cfg = config({ transitions: ['pvclockWrite'], limits: { pvclockWrites: 1 } });
  const behind = (catchup: boolean) =>
    state(cfg, (d) => {
      d.now = 1000;
      const v = d.vcpus[0]!;
      v.tscCatchup = catchup;
      v.tscSyncWrite = 5000n;
      v.clockUpdateRequested = true;
    });

  it('raises the offset to the elapsed-time TSC and anchors the page there', () => {
    const next = step(behind(true), cfg, { kind: 'pvclockWrite', vcpu: 0 });
    expect(next.vcpus[0]!.tscOffset).toBe(5000n);
    // Anchored at the TSC the write read; the next read of this instant is a cycle later.
    expect(next.vcpus[0]!.pvti.tscTimestamp).toBe(6000n);
    expect(guestTsc(next, cfg, 0)).toBe(6001n);
    // The page still reads the kvmclock base: the TSC jumped, kvmclock did not.
    expect(next.vcpus[0]!.lastClockStep).toBe(0n);
  });

  it('leaves the offset alone without tsc_catchup, or when the TSC is not behind', () => {
    expect(step(behind(false), cfg, { kind: 'pvclockWrite', vcpu: 0 }).vcpus[0]!.tscOffset).toBe(
      0n,
    );
    const ahead = produce(behind(true), (d) => void (d.vcpus[0]!.tscOffset = 9000n));
    expect(step(ahead, cfg, { kind: 'pvclockWrite', vcpu: 0 }).vcpus[0]!.tscOffset).toBe(9000n);
  });

  it('a paused vCPU does not write its page, requested or not', () => {
    const paused = produce(behind(true), (d) => void (d.vcpus[0]!.paused = true));
    expect(enabled(paused, cfg, 'pvclockWrite')).toEqual([]);
  });
});
