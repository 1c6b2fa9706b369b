/**
 * pvclockWrite: the host writes a vCPU's pvclock page, one protocol step per action.
 *
 * Enabled: a vCPU with a write under way takes its next step, always; a new write starts on a vCPU
 * with a clock update requested, or on any vCPU while fewer than limits.pvclockWrites unrequested
 * (periodic kvmclock) writes were done; with writesDuringReads off, not while a read is under way.
 * Changes: the page, step by step, by the pvclockWrite protocol (atomic; bulk-copy: version += 2
 * then the fields in struct order; odd-even: version odd, the fields, version even); the request
 * is taken (or the unrequested write counted) at the first step; at the last, the clock step the
 * write caused at that instant.
 * Abstracts: kvm_guest_time_update -> kvm_setup_guest_pvclock (arch/x86/kvm/x86.c).
 *
 * Numbers: vCPU0 runs on pCPU1, whose TSC runs at 1.001 GHz although KVM believes 1 GHz; the
 * host clocksource is pCPU0's exact 1 GHz TSC (MONOTONIC_RAW = boot + t). At t = 1e6 the page
 * written at t = 0 (stamp 0, 1e9) reads 1e9 + 1_001_000 on vCPU0, while a page written now stamps
 * TSC 1_001_000 at RAW = 1e9 + 1e6: the rewrite steps kvmclock back by 1000 ns. step() also checks
 * the input state is not mutated.
 */
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { PVCLOCK_TSC_STABLE_BIT, type Pvti } from '../../../model/arith/index.ts';
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
const NEW_FIELDS = { tscTimestamp: 1_001_000n, systemTime: BOOT + 1_000_000n };

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

  it('writes the whole page at once, version + 2, anchored at this pCPU’s TSC and MONOTONIC_RAW', () => {
    const s = requested(cfg);
    const [next] = writeSteps(s, cfg, 1);
    const v = next!.vcpus[0]!;
    expect(v.pvti).toEqual({ ...OLD, ...NEW_FIELDS, version: 4 });
    expect(v.pvtiWrite.active).toBe(false);
    expect(v.clockUpdateRequested).toBe(false);
    expect(next!.kvm.unrequestedPvclockWrites).toBe(0);
    expect(next!.vcpus[1]).toEqual(s.vcpus[1]);
  });

  it('records the step the rewrite caused at that instant: back 1000 ns', () => {
    const [next] = writeSteps(requested(cfg), cfg, 1);
    expect(next!.vcpus[0]!.lastClockStep).toBe(-1000n);
  });

  it('adds the vCPU’s TSC offset to the stamp, and carries the stable bit when the pages have it', () => {
    const stable = writing({ stableBit: true });
    const s = produce(requested(stable), (d) => void (d.vcpus[0]!.tscOffset = 5000n));
    const [next] = writeSteps(s, stable, 1);
    expect(next!.vcpus[0]!.pvti).toMatchObject({
      tscTimestamp: 1_006_000n,
      flags: PVCLOCK_TSC_STABLE_BIT,
    });
  });

  it('with the masterclock, anchors at the VM-wide snapshot, not at now', () => {
    const s = produce(requested(cfg), (d) => {
      d.kvm.useMasterClock = true;
      d.kvm.masterCycleNow = 400_000n;
      d.kvm.masterKernelNs = BOOT + 399_000n;
    });
    const [next] = writeSteps(s, cfg, 1);
    expect(next!.vcpus[0]!.pvti).toMatchObject({
      tscTimestamp: 400_000n,
      systemTime: BOOT + 399_000n,
    });
  });
});

describe('pvclockWrite: bulk-copy (version += 2, then one copy in struct order)', () => {
  const cfg = writing({ policies: { pvclockWrite: 'bulk-copy' } });
  // An old page with another scale and no flags, so that the last copy step shows too.
  const old: Pvti = { ...OLD, tscToSystemMul: 123, tscShift: 0, flags: 0 };
  const s = produce(requested(cfg), (d) => void (d.vcpus[0]!.pvti = old));
  const pages = () => writeSteps(s, cfg, 4);

  it('shows a reader the new even version first, then each field as it is copied', () => {
    expect(pages().map((p) => p.vcpus[0]!.pvti)).toEqual([
      { ...old, version: 4 },
      { ...old, version: 4, tscTimestamp: NEW_FIELDS.tscTimestamp },
      { ...old, version: 4, ...NEW_FIELDS },
      { ...OLD, version: 4, ...NEW_FIELDS },
    ]);
  });

  it('keeps the write under way until the last field, with the page it started from and its target', () => {
    expect(pages().map((p) => [p.vcpus[0]!.pvtiWrite.active, p.vcpus[0]!.pvtiWrite.step])).toEqual([
      [true, 1],
      [true, 2],
      [true, 3],
      [false, 0],
    ]);
    expect(pages()[0]!.vcpus[0]!.pvtiWrite.previous).toEqual(old);
    expect(pages()[0]!.vcpus[0]!.pvtiWrite.target).toEqual({ ...OLD, ...NEW_FIELDS, version: 2 });
  });

  it('takes the request at the first step and records the clock step only at the end', () => {
    expect(pages().map((p) => p.vcpus[0]!.clockUpdateRequested)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(
      pages()
        .slice(0, 3)
        .map((p) => p.vcpus[0]!.lastClockStep),
    ).toEqual([0n, 0n, 0n]);
    // Old page (mul 123, shift 0) at TSC 1_001_000: 1e9 + floor(1_001_000 * 123 / 2^32) = 1e9 + 0.
    expect(pages()[3]!.vcpus[0]!.lastClockStep).toBe(1_000_000n);
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
