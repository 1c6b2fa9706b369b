/**
 * masterclockUpdate: KVM takes a new VM-wide snapshot (master_cycle_now, master_kernel_ns) from one
 * TSC read and MONOTONIC_RAW, and asks every vCPU to rewrite its pvclock page from it.
 *
 * Enabled: for each of the scenario's event triggers (vCPU hotplug, Xen shared-info setup,
 * KVM_SET_CLOCK, a host clocksource change: that one only while the masterclock is in use and the
 * clocksource still the TSC) while fewer than limits.masterclockTriggers triggered updates
 * happened; `periodic` at every multiple of masterclockPeriodNs after 0 not yet handled (periodic
 * updates do not count against the limit).
 * Changes: the snapshot, use_master_clock, kvmclock_offset (KVM_SET_CLOCK), whether the
 * clocksource left the TSC, the trigger count (not for periodic), the instant of the last update,
 * and a clock-update request on every vCPU. With masterclockTriggerEffect `one-snapshot`, hotplug
 * and Xen shared-info setup only request the rewrites.
 * Abstracts: pvclock_update_vm_gtod_copy, kvm_vm_ioctl_set_clock, pvclock_gtod_update_fn and
 * kvm_end_pvclock_update (arch/x86/kvm/x86.c).
 *
 * step() also checks that the input state is not mutated.
 */
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { timekeeperRead } from '../../../model/arith/index.ts';
import type { MasterclockTrigger } from '../../../model/actions.ts';
import { kvmclockOn, rawNow } from '../../../model/clocks.ts';
import type { ClockConfig } from '../../../model/config.ts';
import type { ClockState } from '../../../model/state.ts';
import { config, enabled, GHZ, state, step } from '../fixtures.ts';

const BOOT = 1_000_000_000n;
const update = (trigger: MasterclockTrigger) => ({ kind: 'masterclockUpdate', trigger }) as const;
/** `s` at the later instant `now` (as timeAdvance: the TSCs have passed the causal lead since; the same instant keeps it). */
const at = (s: ClockState, now: number) =>
  now === s.now
    ? s
    : produce(s, (d) => {
        d.now = now;
        d.tscLead = 0;
      });

const triggered = (extra: Parameters<typeof config>[0] = {}) =>
  config({
    transitions: ['masterclockUpdate'],
    masterclockTriggerKinds: ['hotplug', 'xen-shared-info'],
    limits: { masterclockTriggers: 1 },
    ...extra,
  });

describe('masterclockUpdate: when it is enabled', () => {
  it('once per configured trigger while triggered updates are left', () => {
    const cfg = triggered();
    expect(enabled(state(cfg), cfg, 'masterclockUpdate')).toEqual([
      update('hotplug'),
      update('xen-shared-info'),
    ]);
    const done = step(state(cfg), cfg, update('xen-shared-info'));
    expect(done.kvm.masterclockUpdates).toBe(1);
    expect(enabled(done, cfg, 'masterclockUpdate')).toEqual([]);
  });

  it('only for the triggers the scenario has, and not with limits.masterclockTriggers = 0', () => {
    const hotplugOnly = triggered({ masterclockTriggerKinds: ['hotplug'] });
    expect(enabled(state(hotplugOnly), hotplugOnly, 'masterclockUpdate')).toEqual([
      update('hotplug'),
    ]);
    const none = triggered({ limits: { masterclockTriggers: 0 } });
    expect(enabled(state(none), none, 'masterclockUpdate')).toEqual([]);
  });

  it('never when the scenario does not have it', () => {
    const off = triggered({ transitions: ['pvclockWrite'], masterclockPeriodNs: 1000 });
    expect(enabled(at(state(off), 1000), off, 'masterclockUpdate')).toEqual([]);
  });

  it('periodic: at each multiple of the period not yet handled, never at 0', () => {
    const cfg = config({ transitions: ['masterclockUpdate'], masterclockPeriodNs: 1000 });
    const s = state(cfg);
    expect(enabled(s, cfg, 'masterclockUpdate')).toEqual([]);
    expect(enabled(at(s, 999), cfg, 'masterclockUpdate')).toEqual([]);
    expect(enabled(at(s, 1000), cfg, 'masterclockUpdate')).toEqual([update('periodic')]);
    expect(enabled(at(s, 1500), cfg, 'masterclockUpdate')).toEqual([]);
    const handled = step(at(s, 1000), cfg, update('periodic'));
    expect(handled.kvm.lastMasterclockUpdateAt).toBe(1000);
    expect(enabled(handled, cfg, 'masterclockUpdate')).toEqual([]);
    expect(enabled(at(handled, 2000), cfg, 'masterclockUpdate')).toEqual([update('periodic')]);
  });

  it('periodic updates do not use up the triggers, nor are they stopped by their limit', () => {
    const cfg = triggered({ masterclockPeriodNs: 1000 });
    const periodic = step(at(state(cfg), 1000), cfg, update('periodic'));
    expect(periodic.kvm.masterclockUpdates).toBe(0);
    const used = produce(at(periodic, 2000), (d) => void (d.kvm.masterclockUpdates = 1));
    expect(enabled(used, cfg, 'masterclockUpdate')).toEqual([update('periodic')]);
  });
});

describe('masterclockUpdate: its effect', () => {
  // pCPU0's TSC reads 5000 + t. NTP has sped MONOTONIC up by 4096 / 2^23 (488 ppm) since t = 0,
  // so at t = 1e6 MONOTONIC reads boot + 1_000_488 and MONOTONIC_RAW boot + 1_000_000.
  const cfg = triggered({
    pcpus: [{ tscHz: GHZ, tscOffset: 5000n }],
    vcpus: [{ pcpu: 0 }, { pcpu: 0 }, { pcpu: 0 }],
  });
  const s = state(cfg, (d) => {
    d.now = 1_000_000;
    d.host.mono = { ...d.host.mono, mult: d.host.mono.mult + 4096 };
  });

  it('re-anchors at one TSC read and MONOTONIC_RAW (not MONOTONIC), and turns the masterclock on', () => {
    expect(timekeeperRead(s.host.mono, 1_005_000n)).toBe(BOOT + 1_000_488n);
    const next = step(s, cfg, update('hotplug'));
    expect(next.kvm).toEqual({
      ...s.kvm,
      masterCycleNow: 1_005_000n,
      masterKernelNs: BOOT + 1_000_000n,
      useMasterClock: true,
      masterclockUpdates: 1,
      lastMasterclockUpdateAt: 1_000_000,
    });
  });

  it('requests a rewrite of every vCPU’s page, and changes no page itself', () => {
    const next = step(s, cfg, update('xen-shared-info'));
    expect(next.vcpus.map((v) => v.clockUpdateRequested)).toEqual([true, true, true]);
    expect(next.vcpus.map((v) => v.pvti)).toEqual(s.vcpus.map((v) => v.pvti));
    // The update read the TSC (the snapshot), so the next TSC read of this instant is one later.
    expect({ ...next, kvm: s.kvm, vcpus: s.vcpus }).toEqual({ ...s, tscLead: 1 });
  });

  it('the requested rewrites anchor every page at the snapshot, even when written later', () => {
    const both = { ...cfg, transitions: new Set(['masterclockUpdate', 'pvclockWrite'] as const) };
    const updated = step(s, both, update('hotplug'));
    expect(enabled(updated, both, 'pvclockWrite')).toEqual([
      { kind: 'pvclockWrite', vcpu: 0 },
      { kind: 'pvclockWrite', vcpu: 1 },
      { kind: 'pvclockWrite', vcpu: 2 },
    ]);
    const written = step(at(updated, 1_000_700), both, { kind: 'pvclockWrite', vcpu: 2 });
    expect(written.vcpus[2]!.pvti).toMatchObject({
      version: 4,
      tscTimestamp: 1_005_000n,
      systemTime: BOOT + 1_000_000n,
    });
    expect(written.vcpus[2]!.clockUpdateRequested).toBe(false);
  });

  it('at 2.5 GHz, the rewrite after one second steps kvmclock back by raw(Δ) - pvclock(Δ) = -59 ns', () => {
    // RAW (mult 6710886, shift 24) converts 2.5e9 cycles to 999_999_940 ns; pvclock (mul
    // 3435973836, shift -1) to 999_999_999 ns. The page written at 0 reads boot + 999_999_999 at
    // t = 1 s; re-anchored, it reads boot + 999_999_940.
    const fast = config({
      pcpus: [{ tscHz: 2_500_000_000n, tscOffset: 0n }],
      tscKhz: 2_500_000n,
      horizonNs: 2_000_000_000,
      useMasterClock: true,
      transitions: ['masterclockUpdate', 'pvclockWrite'],
      masterclockTriggerKinds: ['hotplug'],
      limits: { masterclockTriggers: 1 },
    });
    const oneSecond = at(state(fast), 1_000_000_000);
    expect(kvmclockOn(oneSecond, fast, 0)).toBe(BOOT + 999_999_999n);
    expect(rawNow(oneSecond, fast)).toBe(BOOT + 999_999_940n);
    const updated = step(oneSecond, fast, update('hotplug'));
    const written = step(updated, fast, { kind: 'pvclockWrite', vcpu: 0 });
    expect(kvmclockOn(written, fast, 0)).toBe(BOOT + 999_999_940n);
    expect(written.vcpus[0]!.lastClockStep).toBe(-59n);
  });
});

describe('masterclockUpdate: the triggers besides hotplug and Xen shared-info setup', () => {
  // 2.5 GHz: after one second the page written at 0 reads boot + 999_999_999, RAW boot + 999_999_940.
  const fast = (kinds: ClockConfig['masterclockTriggerKinds'], extra = {}) =>
    config({
      pcpus: [{ tscHz: 2_500_000_000n, tscOffset: 0n }],
      tscKhz: 2_500_000n,
      horizonNs: 3_000_000_000,
      useMasterClock: true,
      transitions: ['masterclockUpdate', 'pvclockWrite'],
      masterclockTriggerKinds: kinds,
      limits: { masterclockTriggers: 2 },
      ...extra,
    });
  const write = { kind: 'pvclockWrite', vcpu: 0 } as const;

  it('kvm-set-clock: a new snapshot, and kvmclock_offset keeps kvmclock where KVM_GET_CLOCK read it: no step', () => {
    const cfg = fast(['kvm-set-clock']);
    const oneSecond = at(state(cfg), 1_000_000_000);
    const updated = step(oneSecond, cfg, update('kvm-set-clock'));
    expect(updated.kvm).toMatchObject({
      masterCycleNow: 2_500_000_000n,
      masterKernelNs: BOOT + 999_999_940n,
      kvmclockOffset: 59n,
      useMasterClock: true,
      lastMasterclockUpdateAt: 1_000_000_000,
    });
    const written = step(updated, cfg, write);
    expect(kvmclockOn(written, cfg, 0)).toBe(BOOT + 999_999_999n);
    expect(written.vcpus[0]!.lastClockStep).toBe(0n);
  });

  it('clocksource-change: the TSC marked unstable, the masterclock off for good, the snapshot stays, pages from the pCPU’s TSC and RAW', () => {
    const cfg = fast(['clocksource-change', 'hotplug']);
    const s = at(state(cfg), 1_000_000_000);
    expect(enabled(s, cfg, 'masterclockUpdate')).toEqual([
      update('clocksource-change'),
      update('hotplug'),
    ]);
    const changed = step(s, cfg, update('clocksource-change'));
    expect(changed.kvm).toEqual({
      ...s.kvm,
      useMasterClock: false,
      tscSync: { ...s.kvm.tscSync, unstable: true },
      masterclockUpdates: 1,
      lastMasterclockUpdateAt: 1_000_000_000,
    });
    // Once off the TSC, no second change; a later hotplug keeps the masterclock off.
    expect(enabled(changed, cfg, 'masterclockUpdate')).toEqual([update('hotplug')]);
    const hotplug = step(at(changed, 2_000_000_000), cfg, update('hotplug'));
    expect(hotplug.kvm.useMasterClock).toBe(false);
    expect(hotplug.kvm.masterCycleNow).toBe(0n);
    const written = step(changed, cfg, write);
    expect(written.vcpus[0]!.pvti).toMatchObject({
      tscTimestamp: 2_500_000_000n,
      systemTime: BOOT + 999_999_940n,
    });
    expect(written.vcpus[0]!.lastClockStep).toBe(-59n);
  });

  it('clocksource-change is not enabled without the masterclock (kvm_guest_has_master_clock)', () => {
    const cfg = fast(['clocksource-change'], { useMasterClock: false });
    expect(enabled(state(cfg), cfg, 'masterclockUpdate')).toEqual([]);
  });

  it('one-snapshot: hotplug and Xen shared-info setup only ask for rewrites from the snapshot the VM has', () => {
    const cfg = fast(['hotplug', 'xen-shared-info'], { masterclockTriggerEffect: 'one-snapshot' });
    const s = at(state(cfg), 1_000_000_000);
    const asked = step(s, cfg, update('xen-shared-info'));
    expect(asked.kvm).toEqual({ ...s.kvm, masterclockUpdates: 1 });
    expect(asked.vcpus[0]!.clockUpdateRequested).toBe(true);
    const written = step(asked, cfg, write);
    expect(written.vcpus[0]!.pvti).toEqual({ ...s.vcpus[0]!.pvti, version: 4 });
    expect(written.vcpus[0]!.lastClockStep).toBe(0n);
  });
});
