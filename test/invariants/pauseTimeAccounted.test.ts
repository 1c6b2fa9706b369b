import { describe, expect, it } from 'vitest';
import { pauseTimeAccounted } from '../../invariants/pauseTimeAccounted.ts';
import { state } from '../model/fixtures.ts';
import { migrating, run, saved, T2 } from '../model/transitions/liveMigration.ts';

const check = (
  cfg: ReturnType<typeof migrating>,
  s: Parameters<typeof pauseTimeAccounted.check>[0],
) => pauseTimeAccounted.check(s, cfg);

/** Restored with the msr method, the clock set, both vCPUs resumed and their pages rewritten, at T2. */
function migrated(cfg: ReturnType<typeof migrating>) {
  return run(
    saved(cfg),
    cfg,
    [T2, { kind: 'tscRestore', vcpu: 0 }],
    [T2, { kind: 'tscRestore', vcpu: 1 }],
    [T2, { kind: 'kvmSetClock' }],
    [T2, { kind: 'vcpuResume', vcpu: 0 }],
    [T2, { kind: 'vcpuResume', vcpu: 1 }],
    [T2, { kind: 'pvclockWrite', vcpu: 0 }],
    [T2, { kind: 'pvclockWrite', vcpu: 1 }],
  );
}

describe('pause-time-accounted', () => {
  it('holds before any migration and while the clock is not set', () => {
    const cfg = migrating({}, { driftBoundNs: 0n });
    expect(check(cfg, state(cfg))).toBeUndefined();
    expect(check(cfg, saved(cfg))).toBeUndefined();
  });

  it('holds after a restore with KVM_CLOCK_REALTIME', () => {
    const cfg = migrating({}, { driftBoundNs: 0n });
    expect(check(cfg, migrated(cfg))).toBeUndefined();
  });

  it('fails, with the numbers, when the pause is lost (no KVM_CLOCK_REALTIME)', () => {
    const cfg = migrating({ clockRealtime: false }, { driftBoundNs: 999_999n });
    // The 1 ms pause, and 2 ns of causal time: the source's KVM_GET_CLOCK and the check read
    // their instants' clocks at different counts of reads into them (model/causalTime.ts).
    expect(check(cfg, migrated(cfg))).toBe(
      'after migration 1, kvmclock on vCPU0 is 1000002 ns behind that of a VM that never stopped at t=3000000ns (bound 999999 ns)',
    );
    expect(check({ ...cfg, driftBoundNs: 1_000_002n }, migrated(cfg))).toBeUndefined();
  });

  it('is a skew of the destination’s realtime, within the bound or not', () => {
    const cfg = migrating({ realtimeSkewNs: 300 }, { driftBoundNs: 299n });
    expect(check(cfg, migrated(cfg))).toMatch(/vCPU0 is 300 ns ahead of/);
  });
});
