/**
 * vcpuMigrate: the host scheduler moves a vCPU thread to another pCPU.
 *
 * Enabled: for each vCPU not paused with fewer than limits.vcpuMigrations migrations, to each
 * other pCPU.
 * Changes: the vCPU's pCPU and migration count; when the new pCPU's TSC is behind, the TSC is
 * marked unstable, and while it is, the offset makes the guest TSC resume where it was (with
 * tsc_catchup set); the real instant a programmed deadline is reached (the new pCPU may run at
 * another rate); without the masterclock, a clock-update request on every vCPU.
 * Abstracts: kvm_arch_vcpu_load (arch/x86/kvm/x86.c): the backwards-TSC check with last_host_tsc,
 * mark_tsc_unstable, kvm_compute_l1_tsc_offset of last_guest_tsc, KVM_REQ_GLOBAL_CLOCK_UPDATE when
 * !use_master_clock, KVM_REQ_MIGRATE_TIMER (the hrtimer moves with the vCPU, its expiry
 * unchanged); cfg.vcpuLoad 'backwards-bump' is vmx_vcpu_load before 2.6.37.
 *
 * step() also checks that the input state is not mutated.
 */
import { describe, expect, it } from 'vitest';
import { u64 } from '../../../model/arith/index.ts';
import { guestTsc, guestTscAt } from '../../../model/clocks.ts';
import type { ClockConfig, PcpuConfig } from '../../../model/config.ts';
import type { ClockState } from '../../../model/state.ts';
import { config, enabled, GHZ, state, step } from '../fixtures.ts';

const migrating = (pcpus: PcpuConfig[], extra: Parameters<typeof config>[0] = {}) =>
  config({ pcpus, transitions: ['vcpuMigrate'], limits: { vcpuMigrations: 1 }, ...extra });

const synced: PcpuConfig = { tscHz: GHZ, tscOffset: 0n };

/**
 * vCPU0's guest TSC at the instant of `s`, on its pCPU now. The migration itself read the TSC, so
 * the next read of the same instant reads a cycle more (causal time): a test below checks that.
 */
const tscOfInstant = (s: ClockState, cfg: ClockConfig): bigint =>
  guestTscAt(cfg, s.vcpus[0]!, 0, s.now);

describe('vcpuMigrate', () => {
  it('offers each vCPU every pCPU but its own', () => {
    const cfg = migrating([synced, synced, synced], { vcpus: [{ pcpu: 0 }, { pcpu: 2 }] });
    expect(enabled(state(cfg), cfg, 'vcpuMigrate')).toEqual([
      { kind: 'vcpuMigrate', vcpu: 0, to: 1 },
      { kind: 'vcpuMigrate', vcpu: 0, to: 2 },
      { kind: 'vcpuMigrate', vcpu: 1, to: 0 },
      { kind: 'vcpuMigrate', vcpu: 1, to: 1 },
    ]);
  });

  it('counts migrations against limits.vcpuMigrations, per vCPU', () => {
    const cfg = migrating([synced, synced], { vcpus: [{ pcpu: 0 }, { pcpu: 0 }] });
    const next = step(state(cfg), cfg, { kind: 'vcpuMigrate', vcpu: 0, to: 1 });
    expect(next.vcpus[0]!.migrations).toBe(1);
    // vCPU0 has used its one migration; vCPU1 has not.
    expect(enabled(next, cfg, 'vcpuMigrate')).toEqual([{ kind: 'vcpuMigrate', vcpu: 1, to: 1 }]);
  });

  it('is not enabled with limits.vcpuMigrations = 0, nor with a single pCPU', () => {
    const noLimit = migrating([synced, synced], { limits: { vcpuMigrations: 0 } });
    expect(enabled(state(noLimit), noLimit, 'vcpuMigrate')).toEqual([]);
    const onePcpu = migrating([synced]);
    expect(enabled(state(onePcpu), onePcpu, 'vcpuMigrate')).toEqual([]);
  });

  it('is never enabled when vcpuMigrate is not among cfg.transitions', () => {
    const cfg = config({
      pcpus: [synced, synced],
      limits: { vcpuMigrations: 1 },
      transitions: ['taskMigrate'],
    });
    expect(enabled(state(cfg), cfg, 'vcpuMigrate')).toEqual([]);
  });

  it('moves the vCPU to the new pCPU', () => {
    const cfg = migrating([synced, synced]);
    const next = step(state(cfg), cfg, { kind: 'vcpuMigrate', vcpu: 0, to: 1 });
    expect(next.vcpus[0]!.pcpu).toBe(1);
  });

  it('raises the TSC offset when the new pCPU is behind, so the guest TSC does not go backwards', () => {
    // pCPU0 reads 1000 + t, pCPU1 reads t. At t = 2000 the guest TSC on pCPU0 is 3000; on pCPU1
    // it would be 2000, so KVM adds the 1000 cycles it went back by to the offset.
    const cfg = migrating([
      { tscHz: GHZ, tscOffset: 1000n },
      { tscHz: GHZ, tscOffset: 0n },
    ]);
    const s = state(cfg, (d) => void (d.now = 2000));
    expect(guestTsc(s, cfg, 0)).toBe(3000n);
    const next = step(s, cfg, { kind: 'vcpuMigrate', vcpu: 0, to: 1 });
    expect(next.vcpus[0]!.tscOffset).toBe(1000n);
    expect(tscOfInstant(next, cfg)).toBe(3000n);
    // The next read on the new pCPU follows the migration's reads: strictly more.
    expect(guestTsc(next, cfg, 0)).toBe(3001n);
  });

  it('leaves the offset alone when the new pCPU is ahead: the guest TSC jumps forward unnoticed', () => {
    // pCPU0 reads t, pCPU1 reads 1000 + t: at t = 2000 the guest TSC goes 2000 -> 3000.
    const cfg = migrating([
      { tscHz: GHZ, tscOffset: 0n },
      { tscHz: GHZ, tscOffset: 1000n },
    ]);
    const next = step(
      state(cfg, (d) => void (d.now = 2000)),
      cfg,
      { kind: 'vcpuMigrate', vcpu: 0, to: 1 },
    );
    expect(next.vcpus[0]!.tscOffset).toBe(0n);
    expect(tscOfInstant(next, cfg)).toBe(3000n);
  });

  it('leaves the offset alone when the new pCPU runs faster (ahead since time 0)', () => {
    // 1 GHz vs 1.5 GHz from 0: at t = 1000 pCPU1 reads 1500 >= 1000.
    const cfg = migrating([synced, { tscHz: 1_500_000_000n, tscOffset: 0n }]);
    const next = step(
      state(cfg, (d) => void (d.now = 1000)),
      cfg,
      { kind: 'vcpuMigrate', vcpu: 0, to: 1 },
    );
    expect(next.vcpus[0]!.tscOffset).toBe(0n);
    expect(tscOfInstant(next, cfg)).toBe(1500n);
  });

  it('recomputes a programmed deadline’s real instant for the new pCPU’s rate, leaving the hrtimer as it was', () => {
    // Deadline 4000 cycles. On pCPU0 (1 GHz) it is reached at 4000 ns; on pCPU1 (1.5 GHz, offset
    // 0, ahead so the offset stays 0) at the first t with floor(1.5 t) >= 4000: t = ceil(2666.7) = 2667.
    const cfg = migrating([synced, { tscHz: 1_500_000_000n, tscOffset: 0n }]);
    const s = state(cfg, (d) => {
      d.now = 1000;
      const t = d.vcpus[0]!.timer;
      t.programmed = true;
      t.deadline = 4000n;
      t.deadlineAt = 4000;
      t.hrtimer = {
        armed: true,
        clock: 'mono',
        expires: 1_000_004_000n,
        queuedMono: 1_000_004_000n,
      };
    });
    const next = step(s, cfg, { kind: 'vcpuMigrate', vcpu: 0, to: 1 });
    expect(next.vcpus[0]!.timer.deadlineAt).toBe(2667);
    expect(next.vcpus[0]!.timer.deadline).toBe(4000n);
    expect(next.vcpus[0]!.timer.hrtimer).toEqual(s.vcpus[0]!.timer.hrtimer);
  });

  it('keeps the deadline instant of a timer already delivered', () => {
    const cfg = migrating([synced, { tscHz: 1_500_000_000n, tscOffset: 0n }]);
    const s = state(cfg, (d) => {
      d.now = 1000;
      const t = d.vcpus[0]!.timer;
      t.programmed = true;
      t.deadline = 500n;
      t.deadlineAt = 500;
      t.delivered = true;
    });
    const next = step(s, cfg, { kind: 'vcpuMigrate', vcpu: 0, to: 1 });
    expect(next.vcpus[0]!.timer).toEqual(s.vcpus[0]!.timer);
  });

  it('without the masterclock, requests a clock update on every vCPU (KVM_REQ_GLOBAL_CLOCK_UPDATE)', () => {
    const cfg = migrating([synced, synced], {
      vcpus: [{ pcpu: 0 }, { pcpu: 1 }],
      useMasterClock: false,
    });
    const next = step(state(cfg), cfg, { kind: 'vcpuMigrate', vcpu: 0, to: 1 });
    expect(next.vcpus.map((v) => v.clockUpdateRequested)).toEqual([true, true]);
  });

  it('with the masterclock, requests no clock update', () => {
    const cfg = migrating([synced, synced], {
      vcpus: [{ pcpu: 0 }, { pcpu: 1 }],
      useMasterClock: true,
    });
    const next = step(state(cfg), cfg, { kind: 'vcpuMigrate', vcpu: 0, to: 1 });
    expect(next.vcpus.map((v) => v.clockUpdateRequested)).toEqual([false, false]);
  });

  it('a backwards TSC marks the TSC unstable and sets tsc_catchup', () => {
    const cfg = migrating([
      { tscHz: GHZ, tscOffset: 1000n },
      { tscHz: GHZ, tscOffset: 0n },
    ]);
    const next = step(
      state(cfg, (d) => void (d.now = 2000)),
      cfg,
      { kind: 'vcpuMigrate', vcpu: 0, to: 1 },
    );
    expect(next.kvm.tscSync.unstable).toBe(true);
    expect(next.vcpus[0]!.tscCatchup).toBe(true);
  });

  it('once the TSC is unstable, a TSC that is ahead is resynced too: the guest TSC resumes as it was', () => {
    // pCPU0 reads t, pCPU1 reads 1000 + t: stable, the guest TSC would jump 2000 -> 3000.
    const cfg = migrating([
      { tscHz: GHZ, tscOffset: 0n },
      { tscHz: GHZ, tscOffset: 1000n },
    ]);
    const next = step(
      state(cfg, (d) => {
        d.now = 2000;
        d.kvm.tscSync.unstable = true;
      }),
      cfg,
      { kind: 'vcpuMigrate', vcpu: 0, to: 1 },
    );
    expect(tscOfInstant(next, cfg)).toBe(2000n);
    expect(next.vcpus[0]!.tscOffset).toBe(u64(-1000n));
    expect(next.vcpus[0]!.tscCatchup).toBe(true);
  });

  it('marking the TSC unstable turns the masterclock off, and every page is to be rewritten', () => {
    const cfg = migrating(
      [
        { tscHz: GHZ, tscOffset: 1000n },
        { tscHz: GHZ, tscOffset: 0n },
      ],
      { vcpus: [{ pcpu: 0 }, { pcpu: 1 }], useMasterClock: true },
    );
    const next = step(
      state(cfg, (d) => void (d.now = 2000)),
      cfg,
      { kind: 'vcpuMigrate', vcpu: 0, to: 1 },
    );
    expect(next.kvm.useMasterClock).toBe(false);
    expect(next.vcpus.map((v) => v.clockUpdateRequested)).toEqual([true, true]);
  });

  it('with TSC scaling the resync is in guest cycles: a 2.0 GHz guest on 2.5 GHz hosts', () => {
    // At t = 1 s pCPU0 reads 2.5e9 + 1000, pCPU1 2.5e9: backwards. The guest TSC was
    // scale(2.5e9 + 1000) = 2000000799 (0.8 per host cycle, floored), and resumes there.
    const host = 2_500_000_000n;
    const cfg = migrating(
      [
        { tscHz: host, tscOffset: 1000n },
        { tscHz: host, tscOffset: 0n },
      ],
      { tscKhz: 2_500_000n, vcpus: [{ pcpu: 0, tscKhz: 2_000_000n }] },
    );
    const s = state(cfg, (d) => void (d.now = 1_000_000_000));
    expect(guestTsc(s, cfg, 0)).toBe(2_000_000_799n);
    const next = step(s, cfg, { kind: 'vcpuMigrate', vcpu: 0, to: 1 });
    expect(tscOfInstant(next, cfg)).toBe(2_000_000_799n);
    // scale(2.5e9) = 1999999999: the offset is the difference in guest cycles.
    expect(next.vcpus[0]!.tscOffset).toBe(800n);
  });

  it('backwards-bump (vmx_vcpu_load before 2.6.37): raises the offset, marks nothing', () => {
    const cfg = migrating(
      [
        { tscHz: GHZ, tscOffset: 1000n },
        { tscHz: GHZ, tscOffset: 0n },
      ],
      { vcpuLoad: 'backwards-bump' },
    );
    const next = step(
      state(cfg, (d) => void (d.now = 2000)),
      cfg,
      { kind: 'vcpuMigrate', vcpu: 0, to: 1 },
    );
    expect(next.vcpus[0]!.tscOffset).toBe(1000n);
    expect(tscOfInstant(next, cfg)).toBe(3000n);
    expect(next.kvm.tscSync.unstable).toBe(false);
    expect(next.vcpus[0]!.tscCatchup).toBe(false);
  });

  it('is not enabled for a vCPU the VMM has paused', () => {
    const cfg = migrating([synced, synced]);
    expect(
      enabled(
        state(cfg, (d) => void (d.vcpus[0]!.paused = true)),
        cfg,
        'vcpuMigrate',
      ),
    ).toEqual([]);
  });
});
