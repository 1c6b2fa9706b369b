import { describe, expect, it } from 'vitest';
import { explore } from '../../../explorer/index.ts';
import { PVCLOCK_TSC_STABLE_BIT } from '../../../model/arith/index.ts';
import { target } from '../../helpers.ts';
import { scenarioNamed } from '../../../check/scenarios.ts';

// Pinned: a model change that alters these shows up in review.
describe('unsynced-tsc', () => {
  it.each([
    ['no-clamp', 259, 7, 'violated', 4],
    ['global-clamp', 259, 7, 'holds', undefined],
    ['stable-bit-with-skew', 259, 7, 'violated', 4],
    // Graf's cap (issue 13): capped reads ask for fresh pages, which the host writes.
    ['graf-swing-cap', 508, 10, 'violated', 6],
    ['graf-swing-cap-global-clamp', 508, 10, 'holds', undefined],
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

  it('every variant of the catalogue is pinned above', () => {
    expect(scenarioNamed('unsynced-tsc')!.variants.map((v) => v.name)).toEqual([
      'no-clamp',
      'global-clamp',
      'stable-bit-with-skew',
      'graf-swing-cap',
      'graf-swing-cap-global-clamp',
    ]);
  });

  it('graf-swing-cap: the cap makes the backwards step larger, not bounded by the swing', () => {
    const v = explore(target('unsynced-tsc', 'graf-swing-cap').model).violations[0]!;
    expect(v.trace.actions).toEqual([
      { kind: 'timeAdvance', to: 1_000_000 },
      { kind: 'guestRead', task: 0, step: 'capped' },
      { kind: 'pvclockWrite', vcpu: 0 },
      { kind: 'guestRead', task: 0, step: 'capped' },
      { kind: 'taskMigrate', task: 0, to: 1 },
      { kind: 'guestRead', task: 0, step: 'capped' },
    ]);
    // HZ 1000: the swing is 200 µs. vCPU0's first read at 1 ms is capped (1,000,200,000) and
    // asks for a fresh page; read again two reading actions later (causal time: its TSC two
    // cycles on), the fresh page gives 1,001,000,100; vCPU1's page, still from t = 0, is capped
    // at 1,000,200,000: 800,100 ns backwards, four times the swing.
    expect(v.message).toBe(
      'task 0 read 1000200000 on vCPU1 at t=1000000ns after reading 1001000100 on vCPU0 at t=1000000ns: time went backwards by 800100 ns',
    );
  });

  it('graf-swing-cap: with a swing longer than the gap between reads nothing is capped, and it fails as no-clamp does', () => {
    const v = explore(target('unsynced-tsc', 'graf-swing-cap', { hz: 100 }).model).violations[0]!;
    expect(v.message).toContain('time went backwards by 100 ns');
    expect(v.trace.actions.some((a) => a.kind === 'pvclockWrite')).toBe(false);
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
