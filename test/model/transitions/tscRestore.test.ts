/**
 * tscRestore: the destination restores one vCPU's TSC. 1 GHz TSCs; saved at T = 2 ms (both guest
 * TSCs 2e6), restored at T2 = 3 ms on pCPUs whose TSCs are 10^12 ahead.
 */
import { describe, expect, it } from 'vitest';
import { u64 } from '../../../model/arith/index.ts';
import { guestTsc } from '../../../model/clocks.ts';
import { atInstant, enabled } from '../fixtures.ts';
import { BOOT, DEST_OFFSET, migrating, run, saved, T, T2 } from './liveMigration.ts';

const restore = (vcpu: number) => ({ kind: 'tscRestore', vcpu }) as const;
const set = { kind: 'kvmSetClock' } as const;

describe('tscRestore: when', () => {
  it('once per vCPU after the save; with clock-first only after KVM_SET_CLOCK', () => {
    const any = migrating();
    expect(enabled(saved(any), any, 'tscRestore')).toEqual([restore(0), restore(1)]);
    expect(enabled(run(saved(any), any, [T2, restore(1)]), any, 'tscRestore')).toEqual([
      restore(0),
    ]);
    const clockFirst = migrating({ restoreOrder: 'clock-first' });
    expect(enabled(saved(clockFirst), clockFirst, 'tscRestore')).toEqual([]);
    expect(
      enabled(run(saved(clockFirst), clockFirst, [T2, set]), clockFirst, 'tscRestore'),
    ).toEqual([restore(0), restore(1)]);
  });
});

describe('tscRestore by IA32_TSC (kvm_synchronize_tsc)', () => {
  const cfg = migrating();

  it('the first write sets the saved value (the pause is not counted) and starts a generation', () => {
    const next = run(saved(cfg), cfg, [T2, restore(0)]);
    expect(guestTsc(atInstant(next), cfg, 0)).toBe(BigInt(T));
    expect(next.vcpus[0]!.tscOffset).toBe(u64(BigInt(T) - (DEST_OFFSET + BigInt(T2))));
    expect(next.vcpus.map((v) => [v.tscRestored, v.tscMatched])).toEqual([
      [true, true],
      [false, false],
    ]);
    expect(next.kvm.tscSync).toMatchObject({
      userSet: true,
      lastWrite: BigInt(T),
      curWrite: BigInt(T),
      curOffset: next.vcpus[0]!.tscOffset,
    });
    expect(next.vcpus[0]).toMatchObject({
      tscSyncWrite: BigInt(T),
      tscSyncNs: next.kvm.tscSync.curNs,
    });
    // A new generation with the masterclock in use: KVM_REQ_MASTERCLOCK_UPDATE, and vCPU 1 is
    // no longer matched, so the masterclock goes off and every page is to be rewritten.
    expect(next.kvm.useMasterClock).toBe(false);
    expect(next.vcpus.map((v) => v.clockUpdateRequested)).toEqual([true, true]);
  });

  it('a second write within a second of the extrapolated TSC is matched: the first one’s offset', () => {
    // vCPU 1 saved the same 2e6; written 100 us later, its TSC is expected at 2e6 + 1e5.
    const next = run(saved(cfg), cfg, [T2, restore(0)], [T2 + 100_000, restore(1)]);
    expect(next.vcpus[1]!.tscOffset).toBe(next.vcpus[0]!.tscOffset);
    expect(guestTsc(next, cfg, 1)).toBe(guestTsc(next, cfg, 0));
    expect(next.vcpus.map((v) => v.tscMatched)).toEqual([true, true]);
    // All matched again: the masterclock comes back on.
    expect(next.kvm.useMasterClock).toBe(true);
  });

  it('a second write more than a second off starts its own generation', () => {
    const s = saved(cfg);
    const apart = {
      ...s,
      vcpus: s.vcpus.map((v, i) => (i === 1 ? { ...v, savedTsc: v.savedTsc + 2_000_000_000n } : v)),
    };
    const next = run(apart, cfg, [T2, restore(0)], [T2, restore(1)]);
    // Restored as saved; the next read, a cycle after the restore's own (causal time), one more.
    expect(guestTsc(next, cfg, 1)).toBe(BigInt(T) + 2_000_000_000n + 1n);
    expect(next.vcpus.map((v) => v.tscMatched)).toEqual([false, true]);
    expect(next.kvm.useMasterClock).toBe(false);
  });

  it('a vCPU of another rate is never matched (virtual_tsc_khz differs from last_tsc_khz)', () => {
    const rates = migrating({}, { vcpus: [{ pcpu: 0 }, { pcpu: 1, tscKhz: 500_000n }] });
    const next = run(saved(rates), rates, [T2, restore(0)], [T2, restore(1)]);
    expect(next.vcpus.map((v) => v.tscMatched)).toEqual([false, true]);
    // Its saved TSC was read at its own rate (0.5 cycles per ns) and is restored as it was.
    expect(guestTsc(atInstant(next), rates, 1)).toBe(BigInt(T) / 2n);
  });
});

describe('tscRestore by KVM_VCPU_TSC_OFFSET (the vcpu.rst algorithm)', () => {
  const cfg = migrating({ tscRestore: 'offset-attr', restoreOrder: 'clock-first' });

  it('after KVM_SET_CLOCK with realtime, the guest TSC counts the pause', () => {
    // ofs = 0 - (guest_src - guest_dst) * 1 + (tsc_src - tsc_dst)
    //     = -(2e6 - 3e6) + (2e6 - (1e12 + 3e6)) = -1e12: the TSC reads real time again.
    const next = run(saved(cfg), cfg, [T2, set], [T2, restore(0)]);
    expect(next.vmm.destTaken).toBe(true);
    // The destination's KVM_GET_CLOCK, taken by the restore: a TSC read after KVM_SET_CLOCK's.
    expect(next.vmm.dest).toMatchObject({ hostTsc: DEST_OFFSET + BigInt(T2) + 1n });
    expect(next.vcpus[0]!.tscOffset).toBe(u64(-DEST_OFFSET));
    expect(guestTsc(atInstant(next), cfg, 0)).toBe(BigInt(T2));
  });

  it('takes the destination’s KVM_GET_CLOCK once: a later restore uses the same values', () => {
    const next = run(saved(cfg), cfg, [T2, set], [T2, restore(0)], [T2 + 5000, restore(1)]);
    expect(next.vcpus[1]!.tscOffset).toBe(next.vcpus[0]!.tscOffset);
    // The same offset as the last write, at the same rate: matched.
    expect(next.vcpus.map((v) => v.tscMatched)).toEqual([true, true]);
    expect(next.kvm.useMasterClock).toBe(true);
  });

  it('in the wrong order (TSC before the clock) the fresh kvmclock puts the TSC far off', () => {
    const wrong = migrating({ tscRestore: 'offset-attr', restoreOrder: 'any' });
    const next = run(saved(wrong), wrong, [T2, restore(0)]);
    // guest_dest is the fresh VM's kvmclock, 1 ms (the time since its creation at T), while
    // guest_src was boot + 2 ms: the offset takes away about the host's whole uptime, and the
    // guest TSC wraps below 0.
    const guestSrc = BOOT + BigInt(T);
    const guestDest = BigInt(T2 - T);
    expect(guestTsc(atInstant(next), wrong, 0)).toBe(u64(BigInt(T) - (guestSrc - guestDest)));
  });

  it('finding: for a scaled vCPU the 5.16 formula’s unscaled host TSCs put its TSC off by (1 - ratio) of their difference', () => {
    // Both vCPUs run at 0.5 GHz on 1 GHz hosts (one rate, so matched, with the masterclock and
    // KVM_CLOCK_HOST_TSC). vCPU 1's TSC should read T2 / 2 after the restore; the host TSCs
    // differ by 10^12 + 1e6 cycles, of which the formula adds all instead of half.
    const rates = migrating(
      { tscRestore: 'offset-attr', restoreOrder: 'clock-first' },
      {
        vcpus: [
          { pcpu: 0, tscKhz: 500_000n },
          { pcpu: 1, tscKhz: 500_000n },
        ],
      },
    );
    const next = run(saved(rates), rates, [T2, set], [T2, restore(1)]);
    const hostGap = DEST_OFFSET + BigInt(T2) - BigInt(T);
    expect(guestTsc(next, rates, 1)).toBe(u64(BigInt(T2) / 2n - hostGap / 2n));
  });

  it('vCPUs of different rates are never matched, so there is no masterclock and no host TSC to use', () => {
    const rates = migrating(
      { tscRestore: 'offset-attr', restoreOrder: 'clock-first' },
      { vcpus: [{ pcpu: 0 }, { pcpu: 1, tscKhz: 500_000n }] },
    );
    const next = run(saved(rates), rates, [T2, set], [T2, restore(1)]);
    expect(next.kvm.useMasterClock).toBe(false);
    expect(next.vmm.dest).toMatchObject({ hostTsc: 0n, flags: 0 });
  });
});
