/**
 * kvmSetClock: KVM_SET_CLOCK on the destination. Saved at T = 2 ms (kvmclock boot + 2 ms), set at
 * T2 = 3 ms: with KVM_CLOCK_REALTIME the clock is advanced by the 1 ms of realtime that passed
 * (kvmclock_offset 0: as if the VM never stopped); without, it resumes at the saved value
 * (offset -1 ms: the pause is lost).
 */
import { describe, expect, it } from 'vitest';
import { enabled } from '../fixtures.ts';
import { BOOT, DEST_OFFSET, migrating, run, saved, T, T2 } from './liveMigration.ts';

const set = { kind: 'kvmSetClock' } as const;

describe('kvmSetClock', () => {
  it('is enabled once per migration after the save; with tsc-first only once every TSC is restored', () => {
    const any = migrating();
    expect(enabled(saved(any), any, 'kvmSetClock')).toEqual([set]);
    expect(enabled(run(saved(any), any, [T2, set]), any, 'kvmSetClock')).toEqual([]);
    const tscFirst = migrating({ restoreOrder: 'tsc-first' });
    const s = saved(tscFirst);
    expect(enabled(s, tscFirst, 'kvmSetClock')).toEqual([]);
    const restored = run(
      s,
      tscFirst,
      [T2, { kind: 'tscRestore', vcpu: 0 }],
      [T2, { kind: 'tscRestore', vcpu: 1 }],
    );
    expect(enabled(restored, tscFirst, 'kvmSetClock')).toEqual([set]);
  });

  it('with KVM_CLOCK_REALTIME: the pause time is added back (kvmclock_offset 0)', () => {
    const cfg = migrating();
    const next = run(saved(cfg), cfg, [T2, set]);
    expect(next.kvm.kvmclockOffset).toBe(0n);
    expect(next.kvm).toMatchObject({
      useMasterClock: true,
      masterCycleNow: DEST_OFFSET + BigInt(T2),
      masterKernelNs: BOOT + BigInt(T2),
      lastMasterclockUpdateAt: T2,
    });
    expect(next.vmm.clockSet).toBe(true);
    expect(next.vcpus.map((v) => v.clockUpdateRequested)).toEqual([true, true]);
  });

  it('without it: kvmclock resumes where it was saved, the pause is lost', () => {
    const cfg = migrating({ clockRealtime: false });
    expect(run(saved(cfg), cfg, [T2, set]).kvm.kvmclockOffset).toBe(BigInt(T - T2));
  });

  it('adds the destination’s realtime skew, and never moves the clock back', () => {
    const ahead = migrating({ realtimeSkewNs: 500 });
    expect(run(saved(ahead), ahead, [T2, set]).kvm.kvmclockOffset).toBe(500n);
    // A destination 5 ms behind: realtime has not passed the saved value, so nothing is added.
    const behind = migrating({ realtimeSkewNs: -5_000_000 });
    expect(run(saved(behind), behind, [T2, set]).kvm.kvmclockOffset).toBe(BigInt(T - T2));
  });

  it('without the masterclock on the source there is no realtime to use', () => {
    const cfg = migrating({}, { useMasterClock: false });
    const next = run(saved(cfg), cfg, [T2, set]);
    expect(next.kvm.useMasterClock).toBe(false);
    expect(next.kvm.kvmclockOffset).toBe(BigInt(T - T2));
  });
});
