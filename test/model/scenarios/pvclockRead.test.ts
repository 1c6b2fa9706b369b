import { describe, expect, it } from 'vitest';
import { explore } from '../../../explorer/index.ts';
import { PVCLOCK_TSC_STABLE_BIT } from '../../../model/arith/index.ts';
import { target } from '../../helpers.ts';
import { holdsWith, pinScenario } from './pin.ts';

describe('pvclock-read', () => {
  pinScenario('pvclock-read', [
    ['host-bulk-copy', 22964, 20, { 'guest-monotonic': 16, 'pvti-consistent': 12 }],
    ['host-odd-even', 18797, 24, { 'guest-monotonic': 'holds', 'pvti-consistent': 'holds' }],
    ['reader-getcpu-per-vcpu-pvti', 11317, 18, { 'guest-monotonic': 10 }],
    ['reader-vcpu0-stable', 18797, 24, { 'guest-monotonic': 'holds' }],
  ]);

  it('with the cause switched off (hostWritesDuringRead=false) host-bulk-copy holds', () =>
    holdsWith('pvclock-read', 'host-bulk-copy', { hostWritesDuringRead: false }));

  it('host-bulk-copy: a masterclock update, then a read passes the version check with the new stamp and the old system_time', () => {
    const r = explore(target('pvclock-read', 'host-bulk-copy').model);
    for (const name of ['guest-monotonic', 'pvti-consistent']) {
      const v = r.violations.find((x) => x.invariant === name)!;
      const kinds = v.trace.actions.map((a) =>
        a.kind === 'guestRead' ? `read:${a.step}` : a.kind,
      );
      // The pages change under a STABLE reader only through a masterclock update.
      expect(kinds.indexOf('masterclockUpdate')).toBeLessThan(kinds.indexOf('pvclockWrite'));
      const last = v.trace.states.at(-1)!;
      expect(last.tasks[0]!.lastRead.torn).toBe(true);
      // Read on vCPU1 from vCPU0's page: vCPU0 itself runs no guest code while its page is written.
      expect(last.tasks[0]!.lastRead.vcpu).toBe(1);
      expect(last.vcpus.every((p) => p.pvti.flags === PVCLOCK_TSC_STABLE_BIT)).toBe(true);
    }
    // The shortest: only tsc_timestamp of vCPU0's copy visible (choice 1), read at TSC 1000.
    const shortest = r.violations.find((x) => x.invariant === 'pvti-consistent')!;
    expect(shortest.trace.actions).toContainEqual({ kind: 'pvclockWrite', vcpu: 0, choice: 1 });
    expect(shortest.trace.states.at(-1)!.tasks[0]!.lastRead.value).toBe(1_000_000_000n);
  });

  it('the page is STABLE exactly when the masterclock is in use: the unsynced reader variant has neither', () => {
    const off = target('pvclock-read', 'reader-getcpu-per-vcpu-pvti').model;
    const on = target('pvclock-read', 'reader-vcpu0-stable').model;
    expect(off.init()[0]!.kvm.useMasterClock).toBe(false);
    expect(off.init()[0]!.vcpus.map((v) => v.pvti.flags)).toEqual([0, 0]);
    expect(on.init()[0]!.kvm.useMasterClock).toBe(true);
    expect(on.init()[0]!.vcpus.map((v) => v.pvti.flags)).toEqual([
      PVCLOCK_TSC_STABLE_BIT,
      PVCLOCK_TSC_STABLE_BIT,
    ]);
  });
});
