/**
 * kvmGetClock: the source saves kvmclock (KVM_GET_CLOCK) and each vCPU's TSC, and the VM moves to
 * the destination: destination pCPUs and clocksource, a fresh VM (kvmclock_offset = -kernel_ns,
 * every guest TSC 0 at creation), the pages as they were, a page update asked of every vCPU.
 * 1 GHz TSCs: at T = 2 ms the source's kvmclock is boot + 2 ms.
 */
import { describe, expect, it } from 'vitest';
import { u64 } from '../../../model/arith/index.ts';
import { guestTsc, monoNow, rawNow } from '../../../model/clocks.ts';
import {
  KVM_CLOCK_HOST_TSC,
  KVM_CLOCK_REALTIME,
  KVM_CLOCK_TSC_STABLE,
} from '../../../model/liveMigration.ts';
import { atInstant, enabled, state, step } from '../fixtures.ts';
import { at, BOOT, DEST_OFFSET, migrating, T } from './liveMigration.ts';

const paused = (cfg: ReturnType<typeof migrating>) =>
  step(at(state(cfg), T), cfg, { kind: 'vmPause' });

describe('kvmGetClock', () => {
  it('is enabled once per migration, after the pause', () => {
    const cfg = migrating();
    expect(enabled(state(cfg), cfg, 'kvmGetClock')).toEqual([]);
    const s = paused(cfg);
    expect(enabled(s, cfg, 'kvmGetClock')).toEqual([{ kind: 'kvmGetClock' }]);
    expect(enabled(step(s, cfg, { kind: 'kvmGetClock' }), cfg, 'kvmGetClock')).toEqual([]);
  });

  it('with the masterclock, saves kvmclock, the realtime and the host TSC of one read, and the flags', () => {
    const cfg = migrating();
    const next = step(paused(cfg), cfg, { kind: 'kvmGetClock' });
    expect(next.vmm.clockSaved).toBe(true);
    expect(next.vmm.saved).toEqual({
      clock: BOOT + BigInt(T),
      realtime: BOOT + BigInt(T), // MONOTONIC of a 1 GHz TSC (the wall offset left out)
      hostTsc: BigInt(T),
      flags: KVM_CLOCK_TSC_STABLE | KVM_CLOCK_REALTIME | KVM_CLOCK_HOST_TSC,
    });
  });

  it('without the masterclock, kvmclock is the kvmclock base plus the offset, with no realtime', () => {
    const cfg = migrating({}, { useMasterClock: false });
    const next = step(paused(cfg), cfg, { kind: 'kvmGetClock' });
    expect(next.vmm.saved).toEqual({
      clock: BOOT + BigInt(T),
      realtime: 0n,
      hostTsc: 0n,
      flags: 0,
    });
  });

  it('saves each vCPU’s IA32_TSC for the msr restore, its TSC offset for the attribute', () => {
    const msr = migrating();
    expect(step(paused(msr), msr, { kind: 'kvmGetClock' }).vcpus.map((v) => v.savedTsc)).toEqual([
      BigInt(T),
      BigInt(T),
    ]);
    const attr = migrating({ tscRestore: 'offset-attr' });
    const s = paused(attr);
    const withOffsets = {
      ...s,
      vcpus: s.vcpus.map((v, i) => ({ ...v, tscOffset: BigInt(i + 5) })),
    };
    expect(step(withOffsets, attr, { kind: 'kvmGetClock' }).vcpus.map((v) => v.savedTsc)).toEqual([
      5n,
      6n,
    ]);
  });

  it('moves the VM: destination pCPUs and clocksource, host clocks continuous', () => {
    const cfg = migrating();
    const s = paused(cfg);
    const next = step(s, cfg, { kind: 'kvmGetClock' });
    expect(next.vcpus.map((v) => v.pcpu)).toEqual([2, 3]);
    expect(next.host.clocksourcePcpu).toBe(2);
    expect(next.host.mono.cycleLast).toBe(DEST_OFFSET + BigInt(T));
    expect(monoNow(atInstant(next), cfg)).toBe(monoNow(s, cfg));
    expect(rawNow(atInstant(next), cfg)).toBe(rawNow(s, cfg));
    expect(monoNow(at(next, T + 1000), cfg)).toBe(monoNow(s, cfg) + 1000n);
  });

  it('the destination VM is fresh: kvmclock starts at 0, every guest TSC at 0, all matched', () => {
    const cfg = migrating();
    const next = step(paused(cfg), cfg, { kind: 'kvmGetClock' });
    expect(next.kvm.kvmclockOffset).toBe(-(BOOT + BigInt(T)));
    expect(next.vcpus.map((v) => v.tscOffset)).toEqual([
      u64(-(DEST_OFFSET + BigInt(T))),
      u64(-(DEST_OFFSET + BigInt(T))),
    ]);
    const fresh = atInstant(next);
    expect([guestTsc(fresh, cfg, 0), guestTsc(fresh, cfg, 1)]).toEqual([0n, 0n]);
    expect(next.vcpus.map((v) => [v.tscMatched, v.tscCatchup])).toEqual([
      [true, false],
      [true, false],
    ]);
    expect(next.kvm).toMatchObject({
      useMasterClock: true,
      masterCycleNow: DEST_OFFSET + BigInt(T),
      masterKernelNs: BOOT + BigInt(T),
    });
    expect(next.kvm.tscSync).toMatchObject({ userSet: false, unstable: false });
  });

  it('keeps the pages (guest memory) and asks every vCPU for a page update when it runs', () => {
    const cfg = migrating();
    const s = paused(cfg);
    const next = step(s, cfg, { kind: 'kvmGetClock' });
    expect(next.vcpus.map((v) => v.pvti)).toEqual(s.vcpus.map((v) => v.pvti));
    expect(next.vcpus.map((v) => [v.clockUpdateRequested, v.paused])).toEqual([
      [true, true],
      [true, true],
    ]);
    // Paused, they write nothing, and time may pass.
    expect(enabled(next, cfg, 'pvclockWrite')).toEqual([]);
  });

  it('on the return trip the VM goes back to its initial pCPUs and clocksource', () => {
    const cfg = migrating({ migrations: 2 });
    const there = step(paused(cfg), cfg, { kind: 'kvmGetClock' });
    const back = {
      ...there,
      vcpus: there.vcpus.map((v) => ({ ...v, paused: true })),
      vmm: { ...there.vmm, migrations: 2, clockSaved: false },
    };
    const next = step(back, cfg, { kind: 'kvmGetClock' });
    expect(next.vcpus.map((v) => v.pcpu)).toEqual([0, 1]);
    expect(next.host.clocksourcePcpu).toBe(0);
  });
});
