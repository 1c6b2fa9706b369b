/**
 * The building blocks of a reader, each run alone on a read context: what it changes in the
 * read's progress, what comes next, and when it is ready.
 *
 * Numbers: vCPU0 on pCPU0 (TSC = t), vCPU1 on pCPU1 (TSC = 300 + t), 1 GHz TSCs and tscKhz 1e6,
 * so pvclock scale(d) = d. PAGE, at TSC x, reads 1_000_000_100 + x.
 */
import { produce, type Draft } from 'immer';
import { describe, expect, it } from 'vitest';
import { PVCLOCK_TSC_STABLE_BIT, type Pvti } from '../../../model/arith/index.ts';
import { POLICY_LIBRARY } from '../../../model/policies/index.ts';
import {
  combine,
  computeValue,
  currentVcpuPage,
  getcpu,
  choosePage,
  pvclockValue,
  rdtsc,
  rdtscp,
  readFields,
  readVersion,
  recheck,
  swingCappedRead,
  syscallRead,
  vcpu0Page,
  wholeRead,
  type ReadContext,
  type ReaderStep,
} from '../../../model/readers/index.ts';
import {
  copyScaleAndFlags,
  copySystemTime,
  copyTscTimestamp,
  definePvclockWrite,
  versionPlus2,
} from '../../../model/policies/pvclockWriteProtocol.ts';
import type { ClockState } from '../../../model/state.ts';
import { config, GHZ, state } from '../fixtures.ts';

const PAGE: Pvti = {
  version: 4,
  tscTimestamp: 400n,
  systemTime: 1_000_000_500n,
  tscToSystemMul: 2 ** 31,
  tscShift: 1,
  flags: 0,
};

const cfg = config({
  pcpus: [
    { tscHz: GHZ, tscOffset: 0n },
    { tscHz: GHZ, tscOffset: 300n },
  ],
  vcpus: [{ pcpu: 0 }, { pcpu: 1 }],
  tasks: [{ vcpu: 1 }],
  transitions: ['guestRead'],
  limits: { readsPerTask: 1 },
});

/** At t = 1000, the task on vCPU1, vCPU0's page PAGE; `recipe` changes more. */
function at1000(recipe?: (d: Draft<ClockState>) => void): ClockState {
  return state(cfg, (d) => {
    d.now = 1000;
    d.vcpus[0]!.pvti = { ...PAGE };
    recipe?.(d);
  });
}

const ctx = (s: ClockState, task = 0): ReadContext => ({
  s,
  cfg,
  task,
  vcpu: s.tasks[task]!.vcpu,
  read: s.tasks[task]!.read,
});

const run = (step: ReaderStep, s: ClockState) => step.run(ctx(s));

describe('getcpu, choosePage', () => {
  it('getcpu remembers the task’s vCPU and takes its page', () => {
    const step = getcpu();
    expect(step.name).toBe('getcpu');
    expect(run(step, at1000())).toEqual({ changes: { cpu: 1, pageVcpu: 1 }, then: 'next' });
    expect(run(getcpu({ choosePage: false }), at1000())).toEqual({
      changes: { cpu: 1 },
      then: 'next',
    });
  });

  it('choosePage takes the page its choice names', () => {
    expect(run(choosePage(vcpu0Page), at1000())).toEqual({
      changes: { pageVcpu: 0 },
      then: 'next',
    });
    expect(choosePage(currentVcpuPage, { name: 'pvti' }).name).toBe('pvti');
  });
});

describe('readVersion', () => {
  const onPage0 = (version: number) =>
    at1000((d) => {
      d.vcpus[0]!.pvti.version = version;
      d.tasks[0]!.read.pageVcpu = 0;
    });

  it('reads the version of the page already chosen, or of the page it chooses', () => {
    expect(run(readVersion(), onPage0(6))).toEqual({
      changes: { pageVcpu: 0, version: 6 },
      then: 'next',
    });
    expect(run(readVersion({ page: currentVcpuPage }), onPage0(6))).toEqual({
      changes: { pageVcpu: 1, version: 2 },
      then: 'next',
    });
  });

  it('clearLowBit keeps version & ~1, as pvclock_read_begin does', () => {
    expect(run(readVersion({ clearLowBit: true }), onPage0(7)).changes?.version).toBe(6);
    expect(run(readVersion({ clearLowBit: true }), onPage0(0xffff_ffff)).changes?.version).toBe(
      0xffff_fffe,
    );
    expect(run(readVersion(), onPage0(7)).changes?.version).toBe(7);
  });

  it('waitWhileOdd: ready only while the page’s version is even; otherwise always ready', () => {
    const waiting = readVersion({ waitWhileOdd: true });
    expect(waiting.ready?.(ctx(onPage0(6)))).toBe(true);
    expect(waiting.ready?.(ctx(onPage0(7)))).toBe(false);
    // With a page choice, the version of the page it would choose.
    const onVcpu0 = readVersion({ waitWhileOdd: true, page: vcpu0Page });
    expect(onVcpu0.ready?.(ctx(at1000((d) => void (d.vcpus[0]!.pvti.version = 3))))).toBe(false);
    expect(readVersion().ready).toBeUndefined();
  });
});

describe('readFields, rdtsc, rdtscp', () => {
  const page0 = at1000((d) => void (d.tasks[0]!.read.pageVcpu = 0));

  it('readFields copies the chosen page, noting whether a write was half done', () => {
    expect(run(readFields(), page0)).toEqual({
      changes: { fields: PAGE, torn: false },
      then: 'next',
    });
    // A bulk copy in struct order: after tsc_timestamp and before the last field group the page
    // is half-written.
    const bulk = {
      ...cfg,
      policies: {
        ...cfg.policies,
        pvclockWrite: definePvclockWrite({
          steps: [versionPlus2, copyTscTimestamp, copySystemTime, copyScaleAndFlags],
        }),
      },
    };
    const midCopy = produce(page0, (d) => {
      d.vcpus[0]!.pvtiWrite.active = true;
      d.vcpus[0]!.pvtiWrite.step = 2; // version and tsc_timestamp copied
    });
    expect(readFields().run({ ...ctx(midCopy), cfg: bulk }).changes?.torn).toBe(true);
    const copied = produce(midCopy, (d) => void (d.vcpus[0]!.pvtiWrite.step = 4)); // all fields
    expect(readFields().run({ ...ctx(copied), cfg: bulk }).changes?.torn).toBe(false);
  });

  it('rdtsc reads the TSC of the vCPU the task is on, whichever page it reads', () => {
    expect(run(rdtsc(), page0)).toEqual({ changes: { tsc: 1300n }, then: 'next' });
  });

  it('rdtscp reads the TSC and the vCPU at once, and takes that vCPU’s page', () => {
    expect(run(rdtscp(), page0)).toEqual({
      changes: { tsc: 1300n, cpu: 1, pageVcpu: 1 },
      then: 'next',
    });
    expect(run(rdtscp({ choosePage: false }), page0).changes).toEqual({ tsc: 1300n, cpu: 1 });
  });
});

describe('readFields in parts (Lutomirski’s tsc_timestamp after the other fields)', () => {
  const rest = readFields({ fields: ['systemTime', 'tscToSystemMul', 'tscShift', 'flags'] });
  const stamp = readFields({ name: 'stamp', fields: ['tscTimestamp'], continuing: true });
  const onPage0 = (recipe?: (d: Draft<ClockState>) => void) =>
    at1000((d) => {
      d.tasks[0]!.read.pageVcpu = 0;
      d.tasks[0]!.read.torn = true; // what the last read left: a first part starts afresh
      recipe?.(d);
    });

  it('a part takes only its fields; the others keep what the read had', () => {
    const first = run(rest, onPage0());
    expect(first.changes?.torn).toBe(false);
    expect(first.changes?.fields).toMatchObject({
      systemTime: PAGE.systemTime,
      tscToSystemMul: PAGE.tscToSystemMul,
      tscShift: PAGE.tscShift,
      tscTimestamp: 0n,
    });
    const s = onPage0((d) => {
      d.tasks[0]!.read.fields = { ...PAGE, tscTimestamp: 0n };
      d.tasks[0]!.read.torn = false;
    });
    expect(run(stamp, s)).toEqual({ changes: { fields: PAGE, torn: false }, then: 'next' });
    expect(stamp.name).toBe('stamp');
  });

  it('the later part counts the read torn when a field the earlier part read has changed since', () => {
    const s = onPage0((d) => {
      d.tasks[0]!.read.fields = { ...PAGE, tscTimestamp: 0n, systemTime: 5n };
      d.tasks[0]!.read.torn = false;
    });
    expect(run(stamp, s).changes?.torn).toBe(true);
    // Unchanged values are one page, whatever the version did.
    const same = onPage0((d) => {
      d.tasks[0]!.read.fields = { ...PAGE, version: 2, tscTimestamp: 0n };
      d.tasks[0]!.read.torn = false;
    });
    expect(run(stamp, same).changes?.torn).toBe(false);
  });
});

describe('swingCappedRead (Graf’s PVCLOCK_DELTA_MAX)', () => {
  // The task on vCPU1 (TSC 1300 at t = 1000) reads its own page: PAGE at TSC 400, 900 ns ago.
  const own = at1000((d) => void (d.vcpus[1]!.pvti = { ...PAGE }));

  it('below the cap: the plain pvclock value, no request', () => {
    expect(run(swingCappedRead({ swingNs: 1000n }), own)).toEqual({
      then: { value: PAGE.systemTime + 900n, flags: 0, torn: false },
    });
  });

  it('above it: system_time + the cap, and a request for a fresh page', () => {
    const step = swingCappedRead({ swingNs: 200n, clamp: POLICY_LIBRARY.readClamp.none });
    expect(step.name).toBe('capped');
    expect(run(step, own)).toEqual({
      then: {
        value: PAGE.systemTime + 200n,
        flags: 0,
        torn: false,
        clamp: POLICY_LIBRARY.readClamp.none,
        requestClockUpdate: true,
      },
    });
  });

  it('waits while its own page’s version is odd', () => {
    const step = swingCappedRead({ swingNs: 200n });
    expect(step.ready?.(ctx(own))).toBe(true);
    expect(step.ready?.(ctx(at1000((d) => void (d.vcpus[1]!.pvti.version = 5))))).toBe(false);
  });
});

describe('the value: pvclockValue, recheck, computeValue', () => {
  /** A read of PAGE (vCPU0's) with TSC 1500, begun at version 4. */
  const readDone = (recipe?: (d: Draft<ClockState>) => void) =>
    at1000((d) => {
      Object.assign(d.tasks[0]!.read, {
        active: true,
        step: 3,
        pageVcpu: 0,
        cpu: 1,
        version: 4,
        fields: PAGE,
        tsc: 1500n,
      });
      recipe?.(d);
    });
  const VALUE = { value: 1_000_001_600n, flags: 0, torn: false };

  it('pvclockValue: system_time + scale(tsc - tsc_timestamp), with the fields’ flags', () => {
    const s = readDone();
    expect(pvclockValue(s.tasks[0]!.read)).toEqual(VALUE);
    const clamp = POLICY_LIBRARY.readClamp['last-value'];
    expect(pvclockValue(s.tasks[0]!.read, clamp)).toEqual({ ...VALUE, clamp });
  });

  it('recheck: retries if a retry condition holds, falls back if a fallback one does, else returns the value', () => {
    const yes = () => true;
    const no = () => false;
    expect(run(recheck(), readDone())).toEqual({ then: VALUE });
    expect(run(recheck({ retryIf: [no, yes] }), readDone())).toEqual({ then: 'retry' });
    expect(run(recheck({ fallbackIf: [yes] }), readDone())).toEqual({ then: { goTo: 'syscall' } });
    expect(run(recheck({ fallbackIf: [yes], fallbackTo: 'slow' }), readDone())).toEqual({
      then: { goTo: 'slow' },
    });
    // Retry conditions come first (the vDSO's loop), then the bail after it.
    expect(run(recheck({ retryIf: [yes], fallbackIf: [yes] }), readDone())).toEqual({
      then: 'retry',
    });
    expect(run(recheck({ then: 'next' }), readDone())).toEqual({ then: 'next' });
  });

  it('recheck: the conditions see the read as it is, and it names where it may go', () => {
    const seen: ReadContext[] = [];
    run(recheck({ retryIf: [(c) => (seen.push(c), false)] }), readDone());
    expect(seen[0]!.read.tsc).toBe(1500n);
    expect(recheck({ fallbackIf: [() => true] }).goesTo).toEqual(['syscall']);
    expect(recheck().goesTo).toBeUndefined();
  });

  it('computeValue returns the value in a step of its own, with its clamp', () => {
    const clamp = POLICY_LIBRARY.readClamp.none;
    expect(computeValue().name).toBe('value');
    expect(run(computeValue({ clamp }), readDone())).toEqual({ then: { ...VALUE, clamp } });
  });
});

describe('wholeRead, syscallRead', () => {
  it('wholeRead: the readPage policy’s page with the task’s TSC, in one step that changes no progress', () => {
    const step = wholeRead();
    expect(step.name).toBe('whole');
    // readPage getcpu: vCPU1's own page (written at t = 0 at TSC 300, kvmclock 1e9 + 300: the
    // MONOTONIC_RAW pCPU1 reads from its own TSC).
    expect(run(step, at1000())).toEqual({ then: { value: 1_000_001_300n, flags: 0, torn: false } });
    expect(run(wholeRead({ page: vcpu0Page }), at1000())).toEqual({
      then: { value: 1_000_001_400n, flags: 0, torn: false },
    });
    const odd = at1000((d) => void (d.vcpus[1]!.pvti.version = 3));
    expect(step.ready?.(ctx(odd))).toBe(false);
    expect(step.ready?.(ctx(at1000()))).toBe(true);
  });

  it('syscallRead: the task’s own vCPU’s page, clamped as the kernel clamps (last_value unless STABLE)', () => {
    const step = syscallRead();
    expect(step.name).toBe('syscall');
    const result = run(
      step,
      at1000((d) => void (d.tasks[0]!.read.pageVcpu = 0)),
    );
    expect(result).toEqual({
      then: {
        value: 1_000_001_300n,
        flags: 0,
        torn: false,
        clamp: POLICY_LIBRARY.readClamp['last-value-unless-stable'],
      },
    });
    const none = POLICY_LIBRARY.readClamp.none;
    expect(run(syscallRead({ clamp: none }), at1000()).then).toMatchObject({ clamp: none });
  });
});

describe('combine', () => {
  const page0 = at1000((d) => void (d.tasks[0]!.read.pageVcpu = 0));

  it('runs its steps in order as one, each seeing what the ones before it changed', () => {
    const step = combine(
      'read',
      readVersion({ page: vcpu0Page }),
      rdtsc(),
      readFields(),
      recheck(),
    );
    expect(step.name).toBe('read');
    expect(run(step, at1000())).toEqual({
      changes: { pageVcpu: 0, version: 4, tsc: 1300n, fields: PAGE, torn: false },
      then: { value: 1_000_001_400n, flags: 0, torn: false },
    });
  });

  it('stops at the first step that does not go on, and goes on if all do', () => {
    const after: string[] = [];
    const spy = (name: string): ReaderStep => ({
      name,
      run: () => (after.push(name), { then: 'next' }),
    });
    const stop = recheck({ retryIf: [() => true] });
    expect(run(combine('x', rdtsc(), stop, spy('never')), page0)).toEqual({
      changes: { tsc: 1300n },
      then: 'retry',
    });
    expect(after).toEqual([]);
    expect(run(combine('y', rdtsc(), spy('after')), page0)).toEqual({
      changes: { tsc: 1300n },
      then: 'next',
    });
    expect(after).toEqual(['after']);
  });

  it('waits as its first step does, names where its steps may go, and needs a step', () => {
    const waiting = combine('v', readVersion({ waitWhileOdd: true }), recheck({ fallbackIf: [] }));
    expect(combine('t', rdtsc(), readVersion({ waitWhileOdd: true })).ready).toBeUndefined();
    expect(waiting.ready?.(ctx(page0))).toBe(true);
    const odd = at1000((d) => {
      d.vcpus[0]!.pvti.version = 5;
      d.tasks[0]!.read.pageVcpu = 0;
    });
    expect(waiting.ready?.(ctx(odd))).toBe(false);
    expect(combine('b', rdtsc(), recheck({ fallbackIf: [() => true] })).goesTo).toEqual([
      'syscall',
    ]);
    expect(() => combine('empty')).toThrow("combine('empty'): give it at least one step");
  });

  it('the flags of a STABLE page reach the value it returns', () => {
    const stable = at1000((d) => void (d.vcpus[0]!.pvti.flags = PVCLOCK_TSC_STABLE_BIT));
    const step = combine('r', readVersion({ page: vcpu0Page }), readFields(), rdtsc(), recheck());
    expect(run(step, stable).then).toMatchObject({ flags: PVCLOCK_TSC_STABLE_BIT });
  });
});
