/**
 * guestRead: a guest task reads kvmclock through a pvclock page, one step of its reader per
 * action: the built-in readers in one step (`whole`) or in four (version, fields, tsc, check) so
 * that host writes and migrations can come in between, or a reader of one's own.
 *
 * Enabled: a task in a read takes its next step; a task not in one may start one while it has done
 * fewer than limits.readsPerTask reads. A read does not start (nor retry) on a page whose version is
 * odd. No step while the task's vCPU is out of the guest: a clock update requested, or its own page
 * being written (KVM writes it from that vCPU's thread); with writesDuringReads off, no read starts
 * while any host write is under way.
 * Changes: the read's progress; on completion the task's last two reads, last_value (by the
 * readClamp policy) and the largest value returned.
 * Abstracts: pvclock_clocksource_read / __pvclock_read_cycles (arch/x86/kernel/pvclock.c,
 * arch/x86/include/asm/pvclock.h) and the 2014 vDSO's vread_pvclock.
 *
 * Numbers: 1 GHz TSCs and tscKhz 1e6, so kvm_get_time_scale gives mul 2^31, shift 1 and
 * pvclock scale(d) = d exactly. The initial page of every vCPU is version 2, written at t = 0 from
 * its pCPU's TSC and MONOTONIC_RAW = boot = 1e9. step() also checks the input state is not mutated.
 */
import { produce, type Draft } from 'immer';
import { describe, expect, it } from 'vitest';
import { PVCLOCK_TSC_STABLE_BIT, type Pvti } from '../../../model/arith/index.ts';
import type { ClockConfig } from '../../../model/config.ts';
import { enabledActions, nextState } from '../../../model/next.ts';
import { POLICY_LIBRARY } from '../../../model/policies/index.ts';
import {
  combine,
  computeValue,
  defineReader,
  rdtsc,
  rdtscp,
  readFields,
  readVersion,
  recheck,
  syscallRead,
  vcpu0Page,
  versionChanged,
  type Reader,
  type ReaderStep,
} from '../../../model/readers/index.ts';
import type { ClockState, ReadRecord } from '../../../model/state.ts';
import { config, enabled, GHZ, state, step } from '../fixtures.ts';

const BOOT = 1_000_000_000n;
const read = (step: string, task = 0) => ({ kind: 'guestRead', task, step }) as const;

/** A page written at TSC 400 for kvmclock 1_000_000_500: at TSC x it reads 1_000_000_100 + x. */
const PAGE: Pvti = {
  version: 4,
  tscTimestamp: 400n,
  systemTime: 1_000_000_500n,
  tscToSystemMul: 2 ** 31,
  tscShift: 1,
  flags: 0,
};

const reading = (extra: Parameters<typeof config>[0] = {}) =>
  config({ transitions: ['guestRead'], limits: { readsPerTask: 1 }, ...extra });
const split = (extra: Parameters<typeof config>[0] = {}) =>
  reading({ ...extra, policies: { reader: 'split', ...extra.policies } });

/** `s` at the later instant `now` (as timeAdvance: the TSCs have passed the causal lead since; the same instant keeps it). */
const at = (s: ClockState, now: number) =>
  now === s.now
    ? s
    : produce(s, (d) => {
        d.now = now;
        d.tscLead = 0;
      });

/** Runs the four steps of a split read from `s`, each one enabled, returning every state. */
function splitRead(s: ClockState, cfg: ClockConfig, task = 0): ClockState[] {
  const states = [s];
  for (const name of ['version', 'fields', 'tsc', 'check'] as const)
    states.push(step(states.at(-1)!, cfg, read(name, task)));
  return states;
}

const record = (value: bigint, extra: Partial<ReadRecord> = {}): ReadRecord => ({
  valid: true,
  value,
  vcpu: 0,
  at: 1000,
  torn: false,
  floorAtStart: 0n,
  ...extra,
});

describe('guestRead: when it is enabled', () => {
  it('in one step (whole) while the task has reads left, and not after', () => {
    const cfg = reading();
    expect(enabled(state(cfg), cfg, 'guestRead')).toEqual([read('whole')]);
    const done = step(state(cfg), cfg, read('whole'));
    expect(enabled(done, cfg, 'guestRead')).toEqual([]);
    const none = reading({ limits: { readsPerTask: 0 } });
    expect(enabled(state(none), none, 'guestRead')).toEqual([]);
  });

  it('in four steps with split reads, in order, one read per task', () => {
    const cfg = split({ tasks: [{ vcpu: 0 }, { vcpu: 0 }] });
    const s = state(cfg);
    expect(enabled(s, cfg, 'guestRead')).toEqual([read('version', 0), read('version', 1)]);
    const states = splitRead(s, cfg, 1);
    expect(states.slice(1).map((x) => enabled(x, cfg, 'guestRead'))).toEqual([
      [read('version', 0), read('fields', 1)],
      [read('version', 0), read('tsc', 1)],
      [read('version', 0), read('check', 1)],
      [read('version', 0)],
    ]);
  });

  it('never when the scenario does not have it', () => {
    const off = config({ limits: { readsPerTask: 1 }, transitions: ['taskMigrate'] });
    expect(enabled(state(off), off, 'guestRead')).toEqual([]);
  });

  it('does not start (or retry) on a page with an odd version, but a read under way goes on', () => {
    const cfg = split();
    const odd = state(cfg, (d) => void (d.vcpus[0]!.pvti.version = 3));
    expect(enabled(odd, cfg, 'guestRead')).toEqual([]);
    const retrying = produce(odd, (d) => void (d.tasks[0]!.read.active = true));
    expect(enabled(retrying, cfg, 'guestRead')).toEqual([]);
    for (const [at, name] of [
      [1, 'fields'],
      [2, 'tsc'],
      [3, 'check'],
    ] as const) {
      const mid = produce(odd, (d) => {
        d.tasks[0]!.read.active = true;
        d.tasks[0]!.read.step = at;
      });
      expect(enabled(mid, cfg, 'guestRead')).toEqual([read(name)]);
    }
    const whole = reading();
    expect(
      enabled(
        state(whole, (d) => void (d.vcpus[0]!.pvti.version = 3)),
        whole,
      ),
    ).toEqual([]);
  });

  it('waits on the version of the page the reader policy picks: getcpu’s own, or vCPU0’s', () => {
    const two = (readPage: 'getcpu' | 'vcpu0') =>
      split({ vcpus: [{ pcpu: 0 }, { pcpu: 0 }], tasks: [{ vcpu: 1 }], policies: { readPage } });
    const page0Odd = (cfg: ClockConfig) => state(cfg, (d) => void (d.vcpus[0]!.pvti.version = 3));
    const page1Odd = (cfg: ClockConfig) => state(cfg, (d) => void (d.vcpus[1]!.pvti.version = 3));
    expect(enabled(page0Odd(two('getcpu')), two('getcpu'))).toEqual([read('version')]);
    expect(enabled(page1Odd(two('getcpu')), two('getcpu'))).toEqual([]);
    expect(enabled(page0Odd(two('vcpu0')), two('vcpu0'))).toEqual([]);
    expect(enabled(page1Odd(two('vcpu0')), two('vcpu0'))).toEqual([read('version')]);
  });

  it('takes no step while the task’s vCPU has a clock update requested (it is out of the guest)', () => {
    const cfg = split();
    const requested = state(cfg, (d) => void (d.vcpus[0]!.clockUpdateRequested = true));
    expect(enabled(requested, cfg, 'guestRead')).toEqual([]);
    const midRead = produce(requested, (d) => {
      d.tasks[0]!.read.active = true;
      d.tasks[0]!.read.step = 2;
    });
    expect(enabled(midRead, cfg, 'guestRead')).toEqual([]);
    // Another vCPU's request does not stop this task.
    const other = split({ vcpus: [{ pcpu: 0 }, { pcpu: 0 }] });
    const s = state(other, (d) => void (d.vcpus[1]!.clockUpdateRequested = true));
    expect(enabled(s, other, 'guestRead')).toEqual([read('version')]);
  });

  it('takes no step while the task’s own vCPU writes its page; a task on another vCPU may read that page', () => {
    // KVM writes a vCPU's page from that vCPU's thread, so the vCPU runs no guest code meanwhile.
    const cfg = split({
      vcpus: [{ pcpu: 0 }, { pcpu: 0 }],
      tasks: [{ vcpu: 0 }, { vcpu: 1 }],
      policies: { readPage: 'vcpu0' },
    });
    const writing = state(cfg, (d) => {
      d.vcpus[0]!.pvtiWrite.active = true;
      d.vcpus[0]!.pvtiWrite.step = 1;
      d.tasks[0]!.read.active = true;
      d.tasks[0]!.read.step = 1;
    });
    expect(enabled(writing, cfg, 'guestRead')).toEqual([read('version', 1)]);
    const done = produce(writing, (d) => void (d.vcpus[0]!.pvtiWrite.active = false));
    expect(enabled(done, cfg, 'guestRead')).toEqual([read('fields', 0), read('version', 1)]);
  });

  it('with writesDuringReads off, starts no read during a host write but finishes one under way', () => {
    const cfg = split({ vcpus: [{ pcpu: 0 }, { pcpu: 0 }], writesDuringReads: false });
    const writing = state(cfg, (d) => {
      d.vcpus[1]!.pvtiWrite.active = true;
      d.vcpus[1]!.pvtiWrite.step = 1;
    });
    expect(enabled(writing, cfg, 'guestRead')).toEqual([]);
    const midRead = produce(writing, (d) => {
      d.tasks[0]!.read.active = true;
      d.tasks[0]!.read.step = 1;
    });
    expect(enabled(midRead, cfg, 'guestRead')).toEqual([read('fields')]);
    const overlapping = split({ vcpus: [{ pcpu: 0 }, { pcpu: 0 }] });
    expect(enabled(writing, overlapping, 'guestRead')).toEqual([read('version')]);
  });
});

describe('guestRead: each step', () => {
  const cfg = split();
  const s = state(cfg, (d) => {
    d.now = 1000;
    d.vcpus[0]!.pvti = PAGE;
    d.guest.maxReturned = 777n;
  });

  it('version: starts the read on getcpu’s page and notes the largest value returned so far', () => {
    const next = step(s, cfg, read('version'));
    expect(next.tasks[0]!.read).toEqual({
      ...s.tasks[0]!.read,
      active: true,
      step: 1,
      pageVcpu: 0,
      version: 4,
      floorAtStart: 777n,
    });
    expect({ ...next, tasks: [] }).toEqual({ ...s, tasks: [] });
  });

  it('fields: copies the page’s fields', () => {
    const [, , fields] = splitRead(s, cfg);
    expect(fields!.tasks[0]!.read).toMatchObject({ step: 2, fields: PAGE, torn: false });
  });

  it('tsc: reads the TSC of the vCPU the task is on now', () => {
    const [, , , tsc] = splitRead(s, cfg);
    expect(tsc!.tasks[0]!.read).toMatchObject({ step: 3, tsc: 1000n });
  });

  it('tsc: the fields and TSC are those of the moments they were read at, not of the check', () => {
    // Version and fields at t = 1000, TSC at t = 1500, check at t = 2000: 1_000_000_100 + 1500.
    const v = step(s, cfg, read('version'));
    const f = step(v, cfg, read('fields'));
    const t = step(at(f, 1500), cfg, read('tsc'));
    const done = step(at(t, 2000), cfg, read('check'));
    expect(done.tasks[0]!.lastRead).toEqual(
      record(1_000_001_600n, { at: 2000, floorAtStart: 777n }),
    );
  });

  it('check: with the version unchanged, returns system_time + scale(tsc - tsc_timestamp) and records it', () => {
    const [, , , , done] = splitRead(s, cfg);
    const t = done!.tasks[0]!;
    expect(t.read.active).toBe(false);
    expect(t.read.step).toBe(0);
    expect(t.reads).toBe(1);
    expect(t.lastRead).toEqual(record(1_000_001_100n, { floorAtStart: 777n }));
    expect(t.prevRead).toEqual(s.tasks[0]!.lastRead);
    expect(done!.guest).toEqual({ lastValue: 0n, maxReturned: 1_000_001_100n });
  });

  it('check: keeps the previous read as prevRead, and the largest value returned', () => {
    const earlier = record(2_000_000_000n, { at: 500 });
    const s2 = produce(s, (d) => {
      d.tasks[0]!.lastRead = earlier;
      d.guest.maxReturned = 2_000_000_000n;
    });
    const cfg2 = split({ limits: { readsPerTask: 2 } });
    const done = splitRead(s2, cfg2).at(-1)!;
    expect(done.tasks[0]!.prevRead).toEqual(earlier);
    expect(done.tasks[0]!.lastRead.value).toBe(1_000_001_100n);
    expect(done.guest.maxReturned).toBe(2_000_000_000n);
  });

  it('check: a version changed since the first step starts the read over, getcpu included', () => {
    const [, , , tsc] = splitRead(s, cfg);
    const rewritten = produce(tsc!, (d) => {
      d.vcpus[0]!.pvti = { ...PAGE, version: 6, systemTime: 1_000_000_900n };
      d.guest.maxReturned = 888n;
    });
    const retry = step(rewritten, cfg, read('check'));
    expect(retry.tasks[0]!.read).toEqual({ ...rewritten.tasks[0]!.read, step: 0 });
    expect(retry.tasks[0]!.reads).toBe(0);
    expect(retry.tasks[0]!.lastRead).toEqual(s.tasks[0]!.lastRead);
    expect(enabled(retry, cfg, 'guestRead')).toEqual([read('version')]);
    // The retry reads the new page; it is still the same read, so its floor is the one at its start.
    // Its rdtsc follows the first try's, so it reads a cycle (1 ns) more (causal time).
    const done = splitRead(retry, cfg).at(-1)!;
    expect(done.tasks[0]!.lastRead).toEqual(record(1_000_001_501n, { floorAtStart: 777n }));
  });

  it('whole: reads the page and the TSC at once', () => {
    const whole = reading();
    const done = step(
      state(whole, (d) => {
        d.now = 1000;
        d.vcpus[0]!.pvti = PAGE;
      }),
      whole,
      read('whole'),
    );
    expect(done.tasks[0]!.lastRead).toEqual(record(1_000_001_100n));
    expect(done.tasks[0]!.read.active).toBe(false);
    expect(done.tasks[0]!.reads).toBe(1);
  });
});

describe('guestRead: the reader policies (readPage)', () => {
  // vCPU0 on pCPU0 (TSC = t), vCPU1 on pCPU1 (TSC = 300 + t). Each page was written at t = 0
  // from its own pCPU: page0 stamps TSC 0, page1 TSC 300, both at kvmclock 1e9.
  const twoPcpus = [
    { tscHz: GHZ, tscOffset: 0n },
    { tscHz: GHZ, tscOffset: 300n },
  ];
  const onVcpu1 = (readPage: 'getcpu' | 'vcpu0') =>
    split({
      pcpus: twoPcpus,
      vcpus: [{ pcpu: 0 }, { pcpu: 1 }],
      tasks: [{ vcpu: 1 }],
      policies: { readPage },
    });

  it('getcpu: the page of the vCPU the task is on, with that vCPU’s TSC', () => {
    const cfg = onVcpu1('getcpu');
    const states = splitRead(at(state(cfg), 1000), cfg);
    expect(states[1]!.tasks[0]!.read.pageVcpu).toBe(1);
    expect(states[2]!.tasks[0]!.read.fields.tscTimestamp).toBe(300n);
    expect(states[3]!.tasks[0]!.read.tsc).toBe(1300n);
    // vCPU1's page was written at TSC 300 with the MONOTONIC_RAW pCPU1 reads: 1e9 + 300.
    expect(states[4]!.tasks[0]!.lastRead).toEqual(record(BOOT + 1300n, { vcpu: 1 }));
  });

  it('vcpu0: vCPU0’s page whatever the task’s vCPU, with the TSC of the vCPU the task is on', () => {
    // Page0 with vCPU1's TSC: 1e9 + (1300 - 0), what the task's own page gives too.
    const cfg = onVcpu1('vcpu0');
    const states = splitRead(at(state(cfg), 1000), cfg);
    expect(states[1]!.tasks[0]!.read.pageVcpu).toBe(0);
    expect(states[2]!.tasks[0]!.read.fields.tscTimestamp).toBe(0n);
    expect(states[3]!.tasks[0]!.read.tsc).toBe(1300n);
    expect(states[4]!.tasks[0]!.lastRead).toEqual(record(BOOT + 1300n, { vcpu: 1 }));
  });

  it('whole reads use the policy too', () => {
    const split = onVcpu1('vcpu0');
    const cfg = {
      ...split,
      policies: { ...split.policies, reader: POLICY_LIBRARY.reader['one-step'] },
    };
    const done = step(at(state(cfg), 1000), cfg, read('whole'));
    expect(done.tasks[0]!.lastRead.value).toBe(BOOT + 1300n);
  });
});

describe('guestRead: the clamp (readClamp)', () => {
  /** A whole read at t = 1000 of PAGE (flags as given) computes 1_000_001_100; last_value as given. */
  const clamped = (
    readClamp: 'none' | 'last-value' | 'last-value-unless-stable',
    lastValue: bigint,
    flags = 0,
  ) => {
    const cfg = reading({ policies: { readClamp } });
    const s = state(cfg, (d: Draft<ClockState>) => {
      d.now = 1000;
      d.vcpus[0]!.pvti = { ...PAGE, flags };
      d.guest.lastValue = lastValue;
    });
    const next = step(s, cfg, read('whole'));
    return { value: next.tasks[0]!.lastRead.value, lastValue: next.guest.lastValue };
  };

  it('none: returns the value as computed and leaves last_value alone', () => {
    expect(clamped('none', 1_000_002_000n)).toEqual({
      value: 1_000_001_100n,
      lastValue: 1_000_002_000n,
    });
  });

  it('last-value: never less than the largest value returned; a larger value becomes last_value', () => {
    expect(clamped('last-value', 1_000_002_000n)).toEqual({
      value: 1_000_002_000n,
      lastValue: 1_000_002_000n,
    });
    expect(clamped('last-value', 1_000_001_000n)).toEqual({
      value: 1_000_001_100n,
      lastValue: 1_000_001_100n,
    });
    expect(clamped('last-value', 1_000_001_100n)).toEqual({
      value: 1_000_001_100n,
      lastValue: 1_000_001_100n,
    });
  });

  it('last-value-unless-stable: clamps without PVCLOCK_TSC_STABLE_BIT, not with it', () => {
    expect(clamped('last-value-unless-stable', 1_000_002_000n)).toEqual({
      value: 1_000_002_000n,
      lastValue: 1_000_002_000n,
    });
    expect(clamped('last-value-unless-stable', 1_000_002_000n, PVCLOCK_TSC_STABLE_BIT)).toEqual({
      value: 1_000_001_100n,
      lastValue: 1_000_002_000n,
    });
  });

  it('a split read clamps by the flags it read with the fields, not the page’s flags at the check', () => {
    const cfg = split({ policies: { readClamp: 'last-value-unless-stable' } });
    const s = state(cfg, (d) => {
      d.now = 1000;
      d.vcpus[0]!.pvti = { ...PAGE, flags: PVCLOCK_TSC_STABLE_BIT };
      d.guest.lastValue = 1_000_002_000n;
    });
    const [, , , tsc] = splitRead(s, cfg);
    const flagsDropped = produce(tsc!, (d) => void (d.vcpus[0]!.pvti.flags = 0));
    const done = step(flagsDropped, cfg, read('check'));
    expect(done.tasks[0]!.lastRead.value).toBe(1_000_001_100n);
    expect(done.guest.lastValue).toBe(1_000_002_000n);
  });
});

describe('guestRead: against a host write in steps', () => {
  // Two vCPUs on 1 GHz pCPUs; the task runs on vCPU1 and reads vCPU0's page (vcpu0 policy) while
  // the host rewrites that page at t = 1000: the new page stamps TSC 1000 at kvmclock 1e9 + 1000.
  const during = (pvclockWrite: 'bulk-copy' | 'odd-even') =>
    config({
      vcpus: [{ pcpu: 0 }, { pcpu: 0 }],
      tasks: [{ vcpu: 1 }],
      transitions: ['guestRead', 'pvclockWrite'],
      limits: { readsPerTask: 1, pvclockWrites: 1 },
      policies: { reader: 'split', readPage: 'vcpu0', pvclockWrite },
    });
  const WRITE = { kind: 'pvclockWrite', vcpu: 0 } as const;
  const EMPTY = {
    version: 0,
    tscTimestamp: 0n,
    systemTime: 0n,
    tscToSystemMul: 0,
    tscShift: 0,
    flags: 0,
  };
  const PAGE_AT_1000 = {
    version: 2,
    tscTimestamp: 1000n,
    systemTime: BOOT + 1000n,
    tscToSystemMul: 2 ** 31,
    tscShift: 1,
    flags: 0,
  };

  it('bulk-copy: a read that starts after the new version was copied passes its check with a half-written page', () => {
    const cfg = during('bulk-copy');
    const versionCopied = step(at(state(cfg), 1000), cfg, WRITE);
    expect(versionCopied.vcpus[0]!.pvti.version).toBe(4);
    const v = step(versionCopied, cfg, read('version'));
    // The copy's stores seen in any order: here only tsc_timestamp (choice bit 0).
    const stampCopied = step(v, cfg, { ...WRITE, choice: 0b00001 });
    const f = step(stampCopied, cfg, read('fields'));
    expect(f.tasks[0]!.read.torn).toBe(true);
    expect(f.tasks[0]!.read.fields).toMatchObject({ tscTimestamp: 1000n, systemTime: BOOT });
    // The read keeps the write's two pages while it is under way, for pvti-consistent.
    expect(f.tasks[0]!.read.overlapOld).toEqual(state(cfg).vcpus[0]!.pvti);
    expect(f.tasks[0]!.read.overlapNew).toMatchObject({
      tscTimestamp: 1000n,
      systemTime: BOOT + 1000n,
    });
    const t = step(f, cfg, read('tsc'));
    const done = step(t, cfg, read('check'));
    // The read's rdtsc follows the write that took the stamp at TSC 1000, so it reads 1001 (causal
    // time). New tsc_timestamp with the old system_time: 1e9 + (1001 - 1000), where either page
    // gives 1e9 + 1001: a mixed value.
    expect(done.tasks[0]!.lastRead).toEqual(record(BOOT + 1n, { vcpu: 1, torn: true }));
    // Done, the read forgets what it overlapped.
    expect(done.tasks[0]!.read).toMatchObject({
      torn: false,
      overlapOld: EMPTY,
      overlapNew: EMPTY,
    });
  });

  it('bulk-copy: a half-written page whose fields still give the right value is no mixed read', () => {
    const cfg = during('bulk-copy');
    // vCPU0's page already anchored at TSC 1000, but at another scale (mul 123, shift 0).
    const old = { ...PAGE_AT_1000, tscToSystemMul: 123, tscShift: 0 };
    const s0 = produce(at(state(cfg), 1000), (d) => void (d.vcpus[0]!.pvti = old));
    const v = step(step(s0, cfg, WRITE), cfg, read('version'));
    // Only tsc_to_system_mul new (bit 2): torn, but at TSC 1000 the scale multiplies nothing.
    const f = step(step(v, cfg, { ...WRITE, choice: 0b00100 }), cfg, read('fields'));
    expect(f.tasks[0]!.read.torn).toBe(true);
    const done = step(step(f, cfg, read('tsc')), cfg, read('check'));
    expect(done.tasks[0]!.lastRead).toEqual(record(BOOT + 1000n, { vcpu: 1, torn: false }));
  });

  it('a whole read in one step of a half-written page: judged with the TSC it read and that write’s pages', () => {
    const split = during('bulk-copy');
    const cfg = {
      ...split,
      policies: { ...split.policies, reader: POLICY_LIBRARY.reader['one-step'] },
    };
    const stamp = step(step(at(state(cfg), 1000), cfg, WRITE), cfg, { ...WRITE, choice: 0b00001 });
    // The read's TSC is 1001, a cycle after the stamp (causal time): a mixed value, 1e9 + 1.
    expect(step(stamp, cfg, read('whole')).tasks[0]!.lastRead).toEqual(
      record(BOOT + 1n, { vcpu: 1, torn: true }),
    );
    const old = { ...PAGE_AT_1000, tscToSystemMul: 123, tscShift: 0 };
    const s0 = produce(at(state(cfg), 1000), (d) => void (d.vcpus[0]!.pvti = old));
    const scale = step(step(s0, cfg, WRITE), cfg, { ...WRITE, choice: 0b00100 });
    expect(step(scale, cfg, read('whole')).tasks[0]!.lastRead).toEqual(
      record(BOOT + 1000n, { vcpu: 1, torn: false }),
    );
  });

  it('bulk-copy: fields read before any new field is visible, or after the copy, are not torn', () => {
    const cfg = during('bulk-copy');
    const versionCopied = step(at(state(cfg), 1000), cfg, WRITE);
    const before = step(step(versionCopied, cfg, read('version')), cfg, read('fields'));
    expect(before.tasks[0]!.read.torn).toBe(false);
    const none = step(versionCopied, cfg, { ...WRITE, choice: 0 });
    expect(step(step(none, cfg, read('version')), cfg, read('fields')).tasks[0]!.read.torn).toBe(
      false,
    );
    const written = step(none, cfg, WRITE);
    expect(written.vcpus[0]!.pvtiWrite.active).toBe(false);
    const after = step(step(written, cfg, read('version')), cfg, read('fields'));
    expect(after.tasks[0]!.read.torn).toBe(false);
  });

  it('odd-even: no read starts while the version is odd; one that started before the write retries', () => {
    const cfg = during('odd-even');
    const v = step(at(state(cfg), 1000), cfg, read('version'));
    let s = v;
    for (let i = 0; i < 4; i++) {
      s = step(s, cfg, WRITE);
      expect(s.vcpus[0]!.pvti.version).toBe(3);
      expect(
        enabled(
          produce(s, (d) => void (d.tasks[0]!.read.active = false)),
          cfg,
        ),
      ).not.toContainEqual(read('version'));
    }
    const f = step(s, cfg, read('fields'));
    expect(f.tasks[0]!.read.torn).toBe(false); // every field written, only the version is left
    const even = step(f, cfg, WRITE);
    expect(even.vcpus[0]!.pvti.version).toBe(4);
    const retry = step(step(even, cfg, read('tsc')), cfg, read('check'));
    expect(retry.tasks[0]!.read).toMatchObject({ active: true, step: 0 });
    expect(retry.tasks[0]!.reads).toBe(0);
  });
});

describe('guestRead: a reader of one’s own (the reader policy)', () => {
  // The task on vCPU0 (pCPU0, TSC = t) reads PAGE (vCPU0's page) at t = 1000: TSC 1000.
  const withReader = (reader: Reader, extra: Parameters<typeof config>[0] = {}): ClockConfig => {
    const cfg = reading({ limits: { readsPerTask: 2 }, ...extra });
    return { ...cfg, policies: { ...cfg.policies, reader } };
  };
  const page = (cfg: ClockConfig) =>
    state(cfg, (d) => {
      d.now = 1000;
      d.vcpus[0]!.pvti = PAGE;
      d.guest.maxReturned = 777n;
    });
  const mine = defineReader({
    name: 'mine',
    steps: [rdtscp(), readVersion(), readFields(), recheck({ retryIf: [versionChanged] })],
  });

  it('takes one action per step, named by the step, in the reader’s order', () => {
    const cfg = withReader(mine);
    const states = [page(cfg)];
    for (const name of ['rdtscp', 'version', 'fields', 'check']) {
      expect(enabled(states.at(-1)!, cfg, 'guestRead')).toEqual([read(name)]);
      states.push(step(states.at(-1)!, cfg, read(name)));
    }
    expect(states[1]!.tasks[0]!.read).toMatchObject({ active: true, step: 1, tsc: 1000n, cpu: 0 });
    expect(states[2]!.tasks[0]!.read).toMatchObject({ step: 2, pageVcpu: 0, version: 4 });
    const done = states[4]!.tasks[0]!;
    expect(done.lastRead).toEqual(record(1_000_001_100n, { floorAtStart: 777n }));
    // The read has ended; what it read stays, as after a built-in read.
    expect(done.read).toMatchObject({ active: false, step: 0, cpu: 0, tsc: 1000n, fields: PAGE });
    // The action values are shared between states, as the built-in readers' are.
    expect(enabled(states[0]!, cfg, 'guestRead')[0]).toBe(enabled(states[4]!, cfg, 'guestRead')[0]);
  });

  it('retry: back to the first step, still the same read, keeping the floor of its first attempt', () => {
    const cfg = withReader(mine);
    let s = page(cfg);
    for (const name of ['rdtscp', 'version', 'fields']) s = step(s, cfg, read(name));
    s = produce(s, (d) => {
      d.vcpus[0]!.pvti = { ...PAGE, version: 6 };
      d.guest.maxReturned = 888n;
    });
    const retry = step(s, cfg, read('check'));
    expect(retry.tasks[0]!.read).toMatchObject({ active: true, step: 0, floorAtStart: 777n });
    expect(retry.tasks[0]!.reads).toBe(0);
    expect(enabled(retry, cfg, 'guestRead')).toEqual([read('rdtscp')]);
  });

  it('goTo: jumps to the named step; a step’s own clamp replaces the readClamp policy', () => {
    // Bail at once to the kernel's read, which clamps to last_value (no STABLE bit here).
    const bail = defineReader({
      name: 'bail',
      steps: [recheck({ name: 'bail', fallbackIf: [() => true] }), syscallRead()],
    });
    const cfg = withReader(bail, { policies: { readClamp: 'none' } });
    const s = produce(page(cfg), (d) => void (d.guest.lastValue = 2_000_000_000n));
    const jumped = step(s, cfg, read('bail'));
    expect(jumped.tasks[0]!.read).toMatchObject({ active: true, step: 1 });
    expect(enabled(jumped, cfg, 'guestRead')).toEqual([read('syscall')]);
    const done = step(jumped, cfg, read('syscall'));
    expect(done.tasks[0]!.lastRead.value).toBe(2_000_000_000n);
    expect(done.guest.lastValue).toBe(2_000_000_000n);
  });

  it('a step that changes the progress and returns: the ended read keeps the changes', () => {
    const oneShot = defineReader({
      name: 'one-shot',
      steps: [combine('all', rdtsc(), readVersion({ page: vcpu0Page }), readFields(), recheck())],
    });
    const cfg = withReader(oneShot);
    const done = step(page(cfg), cfg, read('all'));
    expect(done.tasks[0]!.read).toMatchObject({ active: false, step: 0, version: 4, tsc: 1000n });
    expect(done.tasks[0]!.lastRead).toEqual(record(1_000_001_100n, { floorAtStart: 777n }));
  });

  it('a step that is not ready keeps the task waiting there', () => {
    let open = false;
    const gate: ReaderStep = { name: 'gate', ready: () => open, run: () => ({ then: 'next' }) };
    const cfg = withReader(defineReader({ name: 'gated', steps: [rdtsc(), gate, computeValue()] }));
    const s = step(page(cfg), cfg, read('tsc'));
    expect(enabled(s, cfg, 'guestRead')).toEqual([]);
    open = true;
    expect(enabled(s, cfg, 'guestRead')).toEqual([read('gate')]);
  });

  it('a reader that goes past its last step, jumps nowhere, or is not a reader, is an error naming it', () => {
    const past = withReader(defineReader({ name: 'past', steps: [rdtsc()] }));
    expect(() => nextState(page(past), read('tsc'), past)).toThrow(
      "guestRead: reader 'past': its last step 'tsc' went on to a next step; it must return a value, retry or go to a step",
    );
    const nowhere = withReader(
      defineReader({
        name: 'nowhere',
        steps: [{ name: 'jump', run: () => ({ then: { goTo: 'moon' } }) }],
      }),
    );
    expect(() => nextState(page(nowhere), read('jump'), nowhere)).toThrow(
      "guestRead: reader 'nowhere': step 'jump' went to step 'moon', which it does not have",
    );
    expect(() => nextState(page(past), read('whole'), past)).toThrow(
      "guestRead: reader 'past' has no step 'whole' (steps: tsc)",
    );
    const empty = withReader({ name: 'empty', description: '', steps: [] });
    expect(() => enabledActions(page(empty), empty)).toThrow(
      "guestRead: reader 'empty': steps must be a non-empty list of { name, run, ready? }",
    );
  });
});

describe('guestRead: a read that asks for a fresh page (requestClockUpdate, Graf’s cap)', () => {
  const asking = (ask: boolean): ClockConfig => {
    const cfg = reading({ limits: { readsPerTask: 2 } });
    const reader = defineReader({
      name: 'asking',
      steps: [
        { name: 'ask', run: () => ({ then: { value: 5n, flags: 0, requestClockUpdate: ask } }) },
      ],
    });
    return { ...cfg, policies: { ...cfg.policies, reader } };
  };

  it('sets the vCPU’s clock-update request, and the task takes no step until the host has served it', () => {
    const cfg = asking(true);
    const s = step(state(cfg), cfg, read('ask'));
    expect(s.tasks[0]!.lastRead.value).toBe(5n);
    expect(s.vcpus[0]!.clockUpdateRequested).toBe(true);
    expect(enabled(s, cfg, 'guestRead')).toEqual([]);
  });

  it('leaves it alone otherwise', () => {
    const cfg = asking(false);
    const s = step(state(cfg), cfg, read('ask'));
    expect(s.vcpus[0]!.clockUpdateRequested).toBe(false);
    expect(enabled(s, cfg, 'guestRead')).toEqual([read('ask')]);
  });
});
