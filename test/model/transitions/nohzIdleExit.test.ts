/**
 * nohzIdleExit: an idle pCPU has work again and leaves NOHZ idle, catching up on timekeeping.
 *
 * Enabled: for a pCPU in NOHZ idle with a vCPU on it that was kicked, or that runs (migrated there).
 * Changes: the pCPU is busy again with no clockevent wake-up pending; the host timekeeping update
 * runs: whole tick intervals accumulated into both clocks, a pending NTP change applied at the
 * cycles not yet accumulated (MONOTONIC continuous), raw hrtimers of busy pCPUs re-mapped.
 * Abstracts: tick_nohz_idle_exit -> tick_do_update_jiffies64 -> update_wall_time
 * (kernel/time/tick-sched.c, kernel/time/timekeeping.c).
 *
 * Numbers: 1 GHz, mult 2^23, shift 23 (one cycle per ns); a 1000 ns tick is a cycle_interval of
 * 1000 cycles. MONOTONIC and RAW read boot + t until an NTP change. step() also checks that the
 * input state is not mutated.
 */
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { monoNow, rawNow } from '../../../model/clocks.ts';
import type { ClockState } from '../../../model/state.ts';
import { atInstant, config, enabled, GHZ, state, step } from '../fixtures.ts';

const BOOT = 1_000_000_000n;
const MULT_1GHZ = 2 ** 23;
const EXIT0 = { kind: 'nohzIdleExit', pcpu: 0 } as const;
const twoPcpus = [
  { tscHz: GHZ, tscOffset: 0n },
  { tscHz: GHZ, tscOffset: 0n },
];
const cfg = config({ tickNs: 1000, transitions: ['nohzIdleExit'] });

/** pCPU0 idle since its vCPU halted, with a clockevent programmed for 9000. */
const idle = (now: number, vcpu: { halted: boolean; kicked: boolean }): ClockState =>
  state(cfg, (d) => {
    d.now = now;
    d.pcpus[0] = { idle: true, wakeAt: 9000 };
    d.vcpus[0]!.halted = vcpu.halted;
    d.vcpus[0]!.kicked = vcpu.kicked;
  });

describe('nohzIdleExit: when it is enabled', () => {
  it('for an idle pCPU whose vCPU was kicked', () => {
    expect(enabled(idle(500, { halted: true, kicked: true }), cfg, 'nohzIdleExit')).toEqual([
      EXIT0,
    ]);
  });

  it('for an idle pCPU with a running vCPU on it (one that migrated there)', () => {
    expect(enabled(idle(500, { halted: false, kicked: false }), cfg, 'nohzIdleExit')).toEqual([
      EXIT0,
    ]);
  });

  it('not while every vCPU on it sleeps with nothing to wake it', () => {
    expect(enabled(idle(500, { halted: true, kicked: false }), cfg, 'nohzIdleExit')).toEqual([]);
  });

  it('not for a busy pCPU, nor for an idle one with no vCPU on it', () => {
    expect(enabled(state(cfg), cfg, 'nohzIdleExit')).toEqual([]);
    const two = config({ pcpus: twoPcpus, transitions: ['nohzIdleExit'] });
    const s = state(two, (d) => {
      d.pcpus[1]!.idle = true;
    });
    expect(enabled(s, two, 'nohzIdleExit')).toEqual([]);
  });

  it('never when the scenario does not have it', () => {
    const off = config({ tickNs: 1000, transitions: ['nohzIdleEnter'] });
    expect(enabled(idle(500, { halted: true, kicked: true }), off, 'nohzIdleExit')).toEqual([]);
  });
});

describe('nohzIdleExit: its effect', () => {
  it('makes the pCPU busy with no clockevent wake-up pending, and runs the timekeeping update', () => {
    const s = idle(5000, { halted: true, kicked: true });
    const next = step(s, cfg, EXIT0);
    expect(next.pcpus[0]).toEqual({ idle: false, wakeAt: -1 });
    const accumulated = { cycleLast: 5000n, mult: MULT_1GHZ, shift: 23, xtimeNsec: 0n };
    expect(next.host).toEqual({
      ...s.host,
      mono: { ...accumulated, base: BOOT + 5000n },
      raw: { ...accumulated, base: BOOT + 5000n },
      lastUpdateAt: 5000,
      lastUpdate: {
        monoBefore: BOOT + 5000n,
        monoAfter: BOOT + 5000n,
        rawBefore: BOOT + 5000n,
        rawAfter: BOOT + 5000n,
      },
    });
    expect(next.vcpus).toEqual(s.vcpus); // the vCPU still has to decide (vcpuWakeCheck)
  });

  it('applies an NTP change left pending while every CPU idled, keeping MONOTONIC continuous', () => {
    // At t = 5500: 5000 cycles accumulated, 500 left. mult += 4096 with xtime_nsec -= 4096 * 500
    // = -2_048_000, normalised by borrowing 1 ns: base boot + 4999, xtime_nsec 2^23 - 2_048_000.
    // MONOTONIC still reads boot + 5500, and from there runs 1 + 4096 / 2^23 = 1 + 1/2048 as fast.
    const s = produce(idle(5500, { halted: true, kicked: true }), (d) => {
      d.host.ntpPendingAdj = 4096;
      d.host.ntpChanges = 1;
    });
    const next = step(s, cfg, EXIT0);
    expect(next.host.mono).toEqual({
      cycleLast: 5000n,
      mult: MULT_1GHZ + 4096,
      shift: 23,
      xtimeNsec: 6_340_608n,
      base: BOOT + 4999n,
    });
    expect(next.host.ntpPendingAdj).toBe(0);
    expect(next.host.lastUpdate).toEqual({
      monoBefore: BOOT + 5500n,
      monoAfter: BOOT + 5500n,
      rawBefore: BOOT + 5500n,
      rawAfter: BOOT + 5500n,
    });
    // 2048 * 1000 ns after the change, MONOTONIC has gained exactly 1000 ns on RAW.
    const later = atInstant(produce(next, (d) => void (d.now = 5500 + 2048 * 1000)));
    expect(rawNow(later, cfg)).toBe(BOOT + 2_053_500n);
    expect(monoNow(later, cfg)).toBe(BOOT + 2_054_500n);
  });

  it('with less than a tick interval since the last update, accumulates nothing and leaves NTP pending', () => {
    const s = produce(idle(800, { halted: true, kicked: true }), (d) => {
      d.host.ntpPendingAdj = 4096;
    });
    const next = step(s, cfg, EXIT0);
    expect(next.host).toEqual({ ...s.host, lastUpdateAt: 800 });
    expect(next.pcpus[0]).toEqual({ idle: false, wakeAt: -1 });
  });

  it('re-maps the raw hrtimers of the now busy pCPU with the new conversion', () => {
    // At t = 5000 (nothing left unaccumulated) NTP's +4096 starts at boot + 5000 for both clocks.
    // A RAW expiry of boot + 10_000 maps to boot + 5000 + floor(5000 * (2^23 + 4096) / 2^23)
    // = boot + 5000 + 5002.
    const s = produce(idle(5000, { halted: true, kicked: true }), (d) => {
      d.host.ntpPendingAdj = 4096;
      d.vcpus[0]!.timer.hrtimer = {
        armed: true,
        clock: 'raw',
        expires: BOOT + 10_000n,
        queuedMono: BOOT + 10_000n,
      };
    });
    const next = step(s, cfg, EXIT0);
    expect(next.vcpus[0]!.timer.hrtimer).toEqual({
      armed: true,
      clock: 'raw',
      expires: BOOT + 10_000n,
      queuedMono: BOOT + 10_002n,
    });
  });
});
