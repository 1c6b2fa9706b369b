/**
 * timerProgram: the guest writes a TSC deadline `cycles` ahead of its TSC, and KVM arms a host
 * hrtimer for the nanoseconds left, converted once, now: ns = (deadline - guest_tsc) * 1e6 /
 * tsc_khz, floored. With no whole nanosecond left the timer is expired at once (pending latch).
 *
 * Enabled: for a vCPU that is not halted, on a pCPU not in NOHZ idle, with no timer programmed yet
 * (one per vCPU), while limits.timersPerVcpu >= 1; one action per configured distance.
 * Changes: the vCPU's timer: deadline, the real instant the guest TSC reaches it, the hrtimer on the
 * clock the timerClock policy says (or the pending latch).
 * Abstracts: kvm_set_lapic_tscdeadline_msr -> start_sw_tscdeadline (arch/x86/kvm/lapic.c), with
 * timer_advance_ns = 0; apic_timer_expired when the deadline is already due.
 *
 * Numbers: bootNs = 1e9. At 1 GHz the clocksource mult is 2^23 with shift 23, so MONOTONIC and
 * MONOTONIC_RAW are exactly boot + t at real time t, one cycle is one ns and the lapic conversion
 * is exact. step() also checks that the input state is not mutated.
 */
import type { Draft } from 'immer';
import { describe, expect, it } from 'vitest';
import { monoAt, monoReachesAt } from '../../../model/clocks.ts';
import type { ClockState } from '../../../model/state.ts';
import { config, enabled, state, step } from '../fixtures.ts';

const BOOT = 1_000_000_000n;
const MULT_1GHZ = 2 ** 23;

const programming = (extra: Parameters<typeof config>[0] = {}) =>
  config({
    transitions: ['timerProgram'],
    limits: { timersPerVcpu: 1 },
    timerCycles: [1000, 3000],
    ...extra,
  });

/**
 * The host clocks as a timekeeping update at real time `at` leaves them after applying an NTP
 * change `adj` to MONOTONIC's mult (1 GHz: both clocks accumulated to cycle_last = at).
 */
function ntpApplied(d: Draft<ClockState>, at: number, adj: number): void {
  const base = BOOT + BigInt(at);
  d.host.raw = { cycleLast: BigInt(at), mult: MULT_1GHZ, shift: 23, xtimeNsec: 0n, base };
  d.host.mono = { ...d.host.raw, mult: MULT_1GHZ + adj };
}

describe('timerProgram: when it is enabled', () => {
  const cfg = programming();

  it('offers one action per configured distance to a running vCPU on a busy pCPU', () => {
    expect(enabled(state(cfg), cfg, 'timerProgram')).toEqual([
      { kind: 'timerProgram', vcpu: 0, cycles: 1000 },
      { kind: 'timerProgram', vcpu: 0, cycles: 3000 },
    ]);
  });

  it('allows one timer per vCPU: not once programmed, delivered or not', () => {
    const programmed = state(cfg, (d) => void (d.vcpus[0]!.timer.programmed = true));
    expect(enabled(programmed, cfg, 'timerProgram')).toEqual([]);
    const delivered = state(cfg, (d) => {
      d.vcpus[0]!.timer.programmed = true;
      d.vcpus[0]!.timer.delivered = true;
    });
    expect(enabled(delivered, cfg, 'timerProgram')).toEqual([]);
  });

  it('is not enabled on a halted vCPU', () => {
    expect(
      enabled(
        state(cfg, (d) => void (d.vcpus[0]!.halted = true)),
        cfg,
        'timerProgram',
      ),
    ).toEqual([]);
  });

  it('is not enabled on a pCPU in NOHZ idle', () => {
    expect(
      enabled(
        state(cfg, (d) => void (d.pcpus[0]!.idle = true)),
        cfg,
        'timerProgram',
      ),
    ).toEqual([]);
  });

  it('is not enabled with limits.timersPerVcpu = 0', () => {
    const none = programming({ limits: { timersPerVcpu: 0 } });
    expect(enabled(state(none), none, 'timerProgram')).toEqual([]);
  });

  it('is never enabled when timerProgram is not among cfg.transitions', () => {
    const off = programming({ transitions: ['vcpuBlock'] });
    expect(enabled(state(off), off, 'timerProgram')).toEqual([]);
  });
});

describe('timerProgram: its effect', () => {
  it('(the numbers below assume the exact 1 GHz host clock: mult 2^23, shift 23, boot 1e9)', () => {
    expect(state(programming()).host.mono).toEqual({
      cycleLast: 0n,
      mult: MULT_1GHZ,
      shift: 23,
      xtimeNsec: 0n,
      base: BOOT,
    });
  });

  it('sets the deadline in guest TSC cycles and arms a MONOTONIC hrtimer for the ns left (policy mono)', () => {
    // t = 1000, vCPU TSC offset 500: guest TSC 1500, deadline 1500 + 3000 = 4500, reached when the
    // host TSC is 4000, at t = 4000. ns = 3000 * 1e6 / 1e6 = 3000; MONOTONIC now = boot + 1000.
    const cfg = programming();
    const s = state(cfg, (d) => {
      d.now = 1000;
      d.vcpus[0]!.tscOffset = 500n;
    });
    const t = step(s, cfg, { kind: 'timerProgram', vcpu: 0, cycles: 3000 }).vcpus[0]!.timer;
    expect(t.programmed).toBe(true);
    expect(t.deadline).toBe(4500n);
    expect(t.deadlineAt).toBe(4000);
    expect(t.hrtimer).toEqual({
      armed: true,
      clock: 'mono',
      expires: 1_000_004_000n,
      queuedMono: 1_000_004_000n,
    });
    expect(t.pending).toBe(false);
    expect(t.delivered).toBe(false);
  });

  it('floors the conversion at 2.5 GHz: 3 cycles are 1 ns', () => {
    // 3 * 1e6 / 2_500_000 = 1.2 -> 1 ns, so the hrtimer expires at boot + 1. The guest TSC
    // (2.5 cycles/ns) reaches 3 at the first t with floor(2.5 t) >= 3: t = 2.
    const cfg = programming({
      pcpus: [{ tscHz: 2_500_000_000n, tscOffset: 0n }],
      tscKhz: 2_500_000n,
      timerCycles: [3],
    });
    const t = step(state(cfg), cfg, { kind: 'timerProgram', vcpu: 0, cycles: 3 }).vcpus[0]!.timer;
    expect(t.deadline).toBe(3n);
    expect(t.deadlineAt).toBe(2);
    expect(t.hrtimer).toEqual({
      armed: true,
      clock: 'mono',
      expires: BOOT + 1n,
      queuedMono: BOOT + 1n,
    });
    expect(t.pending).toBe(false);
  });

  it('latches the timer pending at once when no whole ns is left (2.5 GHz, 2 cycles)', () => {
    // 2 * 1e6 / 2_500_000 = 0.8 -> 0 ns: start_sw_tscdeadline calls apic_timer_expired.
    const cfg = programming({
      pcpus: [{ tscHz: 2_500_000_000n, tscOffset: 0n }],
      tscKhz: 2_500_000n,
      timerCycles: [2],
    });
    const v = step(state(cfg), cfg, { kind: 'timerProgram', vcpu: 0, cycles: 2 }).vcpus[0]!;
    expect(v.timer.deadline).toBe(2n);
    expect(v.timer.deadlineAt).toBe(1); // floor(2.5 * 1) = 2
    expect(v.timer.hrtimer.armed).toBe(false);
    expect(v.timer.pending).toBe(true);
    expect(v.kicked).toBe(false); // running, nothing to wake
  });

  it('policy raw-correlated: arms on MONOTONIC_RAW; with equal mults the MONOTONIC mapping is the identity', () => {
    const cfg = programming({ policies: { timerClock: 'raw-correlated' } });
    const s = state(cfg, (d) => void (d.now = 1000));
    const t = step(s, cfg, { kind: 'timerProgram', vcpu: 0, cycles: 3000 }).vcpus[0]!.timer;
    expect(t.hrtimer).toEqual({
      armed: true,
      clock: 'raw',
      expires: 1_000_004_000n,
      queuedMono: 1_000_004_000n,
    });
  });

  it('policy raw-correlated after NTP sped MONOTONIC up: queued at the MONOTONIC time RAW’s expiry maps to', () => {
    // NTP applied +2^12 to mult 2^23 at t = 1000 (MONOTONIC runs 1 + 1/2048 times RAW's rate).
    // RAW expiry = boot + 1000 + 4096; mapped: boot + 1000 + floor(4096 * (2^23 + 2^12) / 2^23)
    // = boot + 1000 + 4098.
    const cfg = programming({ policies: { timerClock: 'raw-correlated' }, timerCycles: [4096] });
    const s = state(cfg, (d) => {
      d.now = 1000;
      ntpApplied(d, 1000, 4096);
    });
    const next = step(s, cfg, { kind: 'timerProgram', vcpu: 0, cycles: 4096 });
    const t = next.vcpus[0]!.timer;
    expect(t.deadlineAt).toBe(5096);
    expect(t.hrtimer).toEqual({
      armed: true,
      clock: 'raw',
      expires: 1_000_005_096n,
      queuedMono: 1_000_005_098n,
    });
    // MONOTONIC reaches the queued time exactly when the guest TSC reaches the deadline:
    // at t = 5095 it reads boot + 1000 + floor(4095 * 2049 / 2048) = boot + 5096.
    expect(monoAt(next, cfg, 5095)).toBe(1_000_005_096n);
    expect(monoReachesAt(next, cfg, t.hrtimer.queuedMono)).toBe(5096);
  });

  it('policy mono after the same NTP change: the hrtimer is due 1 ns before the guest TSC reaches the deadline', () => {
    // Expiry boot + 1000 + 4096 in MONOTONIC, which reads boot + 5096 at t = 5095 (see above).
    const cfg = programming({ timerCycles: [4096] });
    const s = state(cfg, (d) => {
      d.now = 1000;
      ntpApplied(d, 1000, 4096);
    });
    const next = step(s, cfg, { kind: 'timerProgram', vcpu: 0, cycles: 4096 });
    expect(next.vcpus[0]!.timer.hrtimer.queuedMono).toBe(1_000_005_096n);
    expect(monoReachesAt(next, cfg, next.vcpus[0]!.timer.hrtimer.queuedMono)).toBe(5095);
    expect(next.vcpus[0]!.timer.deadlineAt).toBe(5096);
  });
});
