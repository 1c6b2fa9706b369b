import { describe, expect, it } from 'vitest';
import { explore } from '../../../explorer/index.ts';
import { PVCLOCK_TSC_STABLE_BIT } from '../../../model/arith/index.ts';
import { target } from '../../helpers.ts';
import { pinScenario } from './pin.ts';

// Pinned: a model change that alters these shows up in review.
describe('unsynced-tsc', () => {
  it.each([
    ['no-clamp', 259, 7, 'violated', 4],
    ['global-clamp', 259, 7, 'holds', undefined],
    ['stable-bit-with-skew', 259, 7, 'violated', 4],
  ] as const)(
    '%s: %i states, depth %i, guest-monotonic %s',
    (variant, states, depth, verdict, violationDepth) => {
      const r = explore(target('unsynced-tsc', variant).model);
      expect(r.complete).toBe(true);
      expect(r.stats.distinctStates).toBe(states);
      expect(r.stats.maxDepth).toBe(depth);
      expect(r.status).toBe(verdict === 'violated' ? 'violation' : 'ok');
      expect(r.violations[0]?.depth).toBe(violationDepth);
      expect(r.sometimes.every((s) => s.reached)).toBe(true);
    },
  );

  it('no-clamp: the shortest counterexample reads on the fast vCPU, migrates, reads on the slow one', () => {
    const v = explore(target('unsynced-tsc', 'no-clamp').model).violations[0]!;
    expect(v.trace.actions).toEqual([
      { kind: 'timeAdvance', to: 1_000_000 },
      { kind: 'guestRead', task: 0, step: 'whole' },
      { kind: 'taskMigrate', task: 0, to: 1 },
      { kind: 'guestRead', task: 0, step: 'whole' },
    ]);
    // 1 ms at 100 ppm is 100 ns of skew.
    expect(v.message).toContain('time went backwards by 100 ns');
  });

  it('stable-bit-with-skew: the masterclock in use, every page from its one snapshot, STABLE', () => {
    const [s] = target('unsynced-tsc', 'stable-bit-with-skew').model.init();
    expect(s!.kvm.useMasterClock).toBe(true);
    for (const v of s!.vcpus)
      expect(v.pvti).toMatchObject({
        tscTimestamp: s!.kvm.masterCycleNow,
        systemTime: s!.kvm.masterKernelNs,
        flags: PVCLOCK_TSC_STABLE_BIT,
      });
    const [plain] = target('unsynced-tsc', 'no-clamp').model.init();
    expect(plain!.kvm.useMasterClock).toBe(false);
    expect(plain!.vcpus.map((v) => v.pvti.flags)).toEqual([0, 0]);
  });

  it('with the cause switched off (tscSkewPpm=0) no-clamp holds', () => {
    const r = explore(target('unsynced-tsc', 'no-clamp', { tscSkewPpm: 0 }).model);
    expect(r.status).toBe('ok');
    expect(r.complete).toBe(true);
  });

  it('the skew shows within the bounds: a smaller skew still breaks no-clamp, by its size', () => {
    const v = explore(target('unsynced-tsc', 'no-clamp', { tscSkewPpm: 3 }).model).violations[0]!;
    expect(v.message).toContain('backwards by 3 ns');
  });

  it('split reads (version, fields, tsc, check) give the same verdicts', () => {
    for (const [variant, status] of [
      ['no-clamp', 'violation'],
      ['global-clamp', 'ok'],
    ] as const) {
      const r = explore(target('unsynced-tsc', variant, { splitReads: true }).model);
      expect(r.status).toBe(status);
      expect(r.complete).toBe(true);
    }
  });
});
