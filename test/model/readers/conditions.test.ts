/**
 * The re-check's conditions, each true in one read and false in another: the page compared as it
 * is now with what the read read, the task's vCPU with what getcpu returned, the TSC with the
 * stamp, and the STABLE bit of the page now or of the fields read.
 */
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { PVCLOCK_TSC_STABLE_BIT } from '../../../model/arith/index.ts';
import {
  cpuChanged,
  fieldsNotStable,
  pageNotStable,
  tscBeforeTimestamp,
  versionChanged,
  versionOdd,
  type ReadCondition,
  type ReadContext,
} from '../../../model/readers/index.ts';
import type { ClockState, ReadProgress } from '../../../model/state.ts';
import { config, state } from '../fixtures.ts';

const cfg = config({ vcpus: [{ pcpu: 0 }, { pcpu: 0 }], transitions: ['guestRead'] });
const s0 = state(cfg);
/** A read of vCPU1's page as it was at the start (version 2, stamp 0), TSC 500, getcpu vCPU 0. */
const READ: ReadProgress = {
  ...s0.tasks[0]!.read,
  active: true,
  pageVcpu: 1,
  cpu: 0,
  version: 2,
  fields: s0.vcpus[1]!.pvti,
  tsc: 500n,
};

function holds(cond: ReadCondition, change: (d: ClockState) => void = () => {}, read = READ) {
  const s = produce(s0, (d) => void change(d as ClockState));
  const c: ReadContext = { s, cfg, task: 0, vcpu: s.tasks[0]!.vcpu, read };
  return cond(c);
}
const page1 = (d: ClockState) => d.vcpus[1]!.pvti as { version: number; flags: number };

describe('the re-check conditions', () => {
  it('versionChanged: the page’s version now differs from the one read', () => {
    expect(holds(versionChanged)).toBe(false);
    expect(holds(versionChanged, (d) => void (page1(d).version = 4))).toBe(true);
    // Another vCPU's page does not count.
    expect(
      holds(versionChanged, (d) => void ((d.vcpus[0]!.pvti as { version: number }).version = 4)),
    ).toBe(false);
  });

  it('versionOdd: a write is under way on the page', () => {
    expect(holds(versionOdd)).toBe(false);
    expect(holds(versionOdd, (d) => void (page1(d).version = 3))).toBe(true);
  });

  it('cpuChanged: the task is not on the vCPU getcpu returned', () => {
    expect(holds(cpuChanged)).toBe(false);
    expect(holds(cpuChanged, (d) => void ((d.tasks[0] as { vcpu: number }).vcpu = 1))).toBe(true);
  });

  it('tscBeforeTimestamp: the TSC read predates the stamp of the fields read', () => {
    expect(holds(tscBeforeTimestamp)).toBe(false);
    const stamped = (tscTimestamp: bigint) => ({
      ...READ,
      fields: { ...READ.fields, tscTimestamp },
    });
    expect(holds(tscBeforeTimestamp, undefined, stamped(501n))).toBe(true);
    expect(holds(tscBeforeTimestamp, undefined, stamped(500n))).toBe(false);
  });

  it('pageNotStable looks at the page now; fieldsNotStable at the flags read', () => {
    const stablePage = (d: ClockState) => void (page1(d).flags = PVCLOCK_TSC_STABLE_BIT);
    const stableFields = { ...READ, fields: { ...READ.fields, flags: PVCLOCK_TSC_STABLE_BIT } };
    expect(holds(pageNotStable)).toBe(true);
    expect(holds(pageNotStable, stablePage)).toBe(false);
    expect(holds(pageNotStable, undefined, stableFields)).toBe(true);
    expect(holds(fieldsNotStable)).toBe(true);
    expect(holds(fieldsNotStable, stablePage)).toBe(true);
    expect(holds(fieldsNotStable, undefined, stableFields)).toBe(false);
  });
});
