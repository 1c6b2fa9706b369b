import { describe, expect, it } from 'vitest';
import { explore } from '../../../explorer/index.ts';
import { target } from '../../helpers.ts';
import { holdsWith, pinScenario } from './pin.ts';

describe('pvclock-read', () => {
  pinScenario('pvclock-read', [
    ['host-bulk-copy', 9295, 17, { 'guest-monotonic': 12, 'pvti-consistent': 7 }],
    ['host-odd-even', 8136, 18, { 'guest-monotonic': 'holds', 'pvti-consistent': 'holds' }],
    ['reader-getcpu-per-vcpu-pvti', 11321, 18, { 'guest-monotonic': 10 }],
    ['reader-vcpu0-stable', 8136, 18, { 'guest-monotonic': 'holds' }],
  ]);

  it('with the cause switched off (hostWritesDuringRead=false) host-bulk-copy holds', () =>
    holdsWith('pvclock-read', 'host-bulk-copy', { hostWritesDuringRead: false }));

  it('host-bulk-copy: a read passes the version check between the copy of tsc_timestamp and system_time', () => {
    const v = explore(target('pvclock-read', 'host-bulk-copy').model).violations.find(
      (x) => x.invariant === 'guest-monotonic',
    )!;
    const kinds = v.trace.actions.map((a) => (a.kind === 'guestRead' ? `read:${a.step}` : a.kind));
    expect(kinds).toContain('pvclockWrite');
    expect(v.trace.states.at(-1)!.tasks[0]!.lastRead.torn).toBe(true);
    // Read on vCPU1 from vCPU0's page: vCPU0 itself runs no guest code while its page is written.
    expect(v.trace.states.at(-1)!.tasks[0]!.lastRead.vcpu).toBe(1);
  });
});
