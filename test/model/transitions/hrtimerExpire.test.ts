/**
 * hrtimerExpire: the host takes the interrupt for the hrtimer emulating a vCPU's TSC deadline.
 *
 * Enabled: for an armed hrtimer on a busy pCPU once MONOTONIC >= queuedMono; on a pCPU in NOHZ idle
 * only once its clockevent fires (now >= wakeAt, with a clockevent programmed).
 * Changes: when MONOTONIC >= queuedMono and the timer's own clock >= expires, whatever the
 * hrtimerExpiry policy does; otherwise a raw timer due in MONOTONIC but not in RAW is re-mapped with
 * today's conversion (never to <= MONOTONIC now). An idle pCPU reprograms its clockevent for its
 * next armed hrtimer, with today's conversion.
 * Abstracts: hrtimer_interrupt -> __hrtimer_run_queues (kernel/time/hrtimer.c): callbacks run only
 * at their expiry in their own clock; the clockevent is reprogrammed for the next expiry.
 *
 * Numbers: bootNs = 1e9; at 1 GHz MONOTONIC and RAW are exactly boot + t until an NTP change. The
 * default policies latch pending (hrtimerExpiry) and use MONOTONIC (timerClock). step() also checks
 * that the input state is not mutated.
 */
import type { Draft } from 'immer';
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import type { ClockState } from '../../../model/state.ts';
import { monoNow } from '../../../model/clocks.ts';
import { config, enabled, state, step } from '../fixtures.ts';

const BOOT = 1_000_000_000n;
const MULT_1GHZ = 2 ** 23;
const EXPIRE = { kind: 'hrtimerExpire', vcpu: 0 } as const;

const expiring = (extra: Parameters<typeof config>[0] = {}) =>
  config({ transitions: ['hrtimerExpire'], ...extra });

/** vCPU0 programmed at t = 0 for `cycles` (1 GHz: deadline and due instant = cycles), armed at boot + cycles. */
function programmedAt0(d: Draft<ClockState>, cycles: number, clock: 'mono' | 'raw' = 'mono'): void {
  const t = d.vcpus[0]!.timer;
  t.programmed = true;
  t.deadline = BigInt(cycles);
  t.deadlineAt = cycles;
  const at = BOOT + BigInt(cycles);
  t.hrtimer = { armed: true, clock, expires: at, queuedMono: at };
}

/** The host clocks after a timekeeping update at `at` applied an NTP change `adj` to MONOTONIC's mult (1 GHz). */
function ntpApplied(d: Draft<ClockState>, at: number, adj: number): void {
  const base = BOOT + BigInt(at);
  d.host.raw = { cycleLast: BigInt(at), mult: MULT_1GHZ, shift: 23, xtimeNsec: 0n, base };
  d.host.mono = { ...d.host.raw, mult: MULT_1GHZ + adj };
}

/** `s` at the later instant `now` (as timeAdvance: the TSCs have passed the causal lead since; the same instant keeps it). */
const at = (s: ClockState, now: number) =>
  now === s.now
    ? s
    : produce(s, (d) => {
        d.now = now;
        d.tscLead = 0;
      });

describe('hrtimerExpire: when it is enabled', () => {
  const cfg = expiring();
  const armed = state(cfg, (d) => programmedAt0(d, 1000));

  it('on a busy pCPU, once MONOTONIC has reached the queued time', () => {
    expect(enabled(at(armed, 999), cfg, 'hrtimerExpire')).toEqual([]);
    expect(enabled(at(armed, 1000), cfg, 'hrtimerExpire')).toEqual([EXPIRE]);
    expect(enabled(at(armed, 1500), cfg, 'hrtimerExpire')).toEqual([EXPIRE]);
  });

  it('not for a timer whose hrtimer is not armed', () => {
    const disarmed = produce(
      at(armed, 1000),
      (d) => void (d.vcpus[0]!.timer.hrtimer.armed = false),
    );
    expect(enabled(disarmed, cfg, 'hrtimerExpire')).toEqual([]);
  });

  it('on an idle pCPU, only once its clockevent fires, even when MONOTONIC is past the queued time', () => {
    const idle = (wakeAt: number, now: number) =>
      produce(armed, (d) => {
        d.now = now;
        d.vcpus[0]!.halted = true;
        d.pcpus[0]!.idle = true;
        d.pcpus[0]!.wakeAt = wakeAt;
      });
    expect(enabled(idle(1500, 1200), cfg, 'hrtimerExpire')).toEqual([]);
    expect(enabled(idle(1500, 1500), cfg, 'hrtimerExpire')).toEqual([EXPIRE]);
    expect(enabled(idle(-1, 1500), cfg, 'hrtimerExpire')).toEqual([]);
  });

  it('is never enabled when hrtimerExpire is not among cfg.transitions', () => {
    const off = expiring({ transitions: ['timerInject'] });
    expect(enabled(at(armed, 1000), off, 'hrtimerExpire')).toEqual([]);
  });
});

describe('hrtimerExpire: its effect', () => {
  it('runs the hrtimerExpiry policy when the timer is due (latch-pending: disarmed, pending)', () => {
    const cfg = expiring();
    const s = state(cfg, (d) => {
      programmedAt0(d, 1000);
      d.now = 1000;
    });
    const v = step(s, cfg, EXPIRE).vcpus[0]!;
    expect(v.timer.hrtimer.armed).toBe(false);
    expect(v.timer.pending).toBe(true);
    expect(v.kicked).toBe(false); // running, nothing to wake
    expect(v.timer.delivered).toBe(false);
  });

  it('an idle pCPU woken before its timer is due (NTP slowed MONOTONIC) sleeps on until the new instant', () => {
    // Armed for boot + 4096; the clockevent was programmed for t = 4096 with the old conversion.
    // NTP applied -2^12 at t = 1000: MONOTONIC = boot + 1000 + floor((t - 1000) * 2047 / 2048).
    //   t = 4096: 3096 - 1.51 -> boot + 4094, not due;
    //   t = 4097: 3097 - 1.51 -> boot + 4095; t = 4098: 3098 - 1.51 -> boot + 4096, due.
    const cfg = expiring();
    const s = state(cfg, (d) => {
      programmedAt0(d, 4096);
      ntpApplied(d, 1000, -4096);
      d.vcpus[0]!.halted = true;
      d.pcpus[0]!.idle = true;
      d.pcpus[0]!.wakeAt = 4096;
      d.now = 4096;
    });
    const early = step(s, cfg, EXPIRE);
    expect(early.vcpus[0]!.timer).toEqual(s.vcpus[0]!.timer); // the callback did not run
    expect(early.pcpus[0]).toEqual({ idle: true, wakeAt: 4098 });

    const due = step(at(early, 4098), cfg, EXPIRE);
    expect(due.vcpus[0]!.timer.pending).toBe(true);
    expect(due.vcpus[0]!.timer.hrtimer.armed).toBe(false);
    expect(due.vcpus[0]!.kicked).toBe(true); // halted: woken to take it
    expect(due.pcpus[0]).toEqual({ idle: true, wakeAt: -1 }); // nothing else armed
  });

  it('an idle pCPU reprograms its clockevent for a timer the policy re-armed (rearm-remaining)', () => {
    // NTP applied +2^12 at t = 1000: MONOTONIC = boot + 1000 + floor((t - 1000) * 2049 / 2048)
    // reads boot + 4096 at t = 4095, when the guest TSC (4095) is 1 cycle short of 4096. Re-armed
    // for 1 ns: boot + 4097, which MONOTONIC reads at t = 4096 (3096 + 1.51 -> 3097).
    const cfg = expiring({ policies: { hrtimerExpiry: 'rearm-remaining' } });
    const s = state(cfg, (d) => {
      programmedAt0(d, 4096);
      ntpApplied(d, 1000, 4096);
      d.vcpus[0]!.halted = true;
      d.pcpus[0]!.idle = true;
      d.pcpus[0]!.wakeAt = 4095;
      d.now = 4095;
    });
    const next = step(s, cfg, EXPIRE);
    expect(next.vcpus[0]!.timer.hrtimer).toEqual({
      armed: true,
      clock: 'mono',
      expires: 1_000_004_097n,
      queuedMono: 1_000_004_097n,
    });
    expect(next.pcpus[0]).toEqual({ idle: true, wakeAt: 4096 });
  });

  it('a raw timer due in MONOTONIC but not yet in RAW is re-mapped with today’s conversion', () => {
    // Armed on RAW for boot + 4096, queued at boot + 4096 (identity mapping at t = 0). NTP applied
    // +2^12 at t = 1000 without re-mapping it (its pCPU was idle then). At t = 4095 MONOTONIC reads
    // boot + 1000 + floor(3095 * 2049 / 2048) = boot + 4096 (due), RAW boot + 4095 (not due).
    // Re-mapped: boot + 1000 + floor(3096 * 2049 / 2048) = boot + 1000 + 3097 = boot + 4097.
    const cfg = expiring();
    const s = state(cfg, (d) => {
      programmedAt0(d, 4096, 'raw');
      ntpApplied(d, 1000, 4096);
      d.now = 4095;
    });
    const remapped = step(s, cfg, EXPIRE);
    expect(remapped.vcpus[0]!.timer).toEqual({
      ...s.vcpus[0]!.timer,
      hrtimer: { ...s.vcpus[0]!.timer.hrtimer, queuedMono: 1_000_004_097n },
    });
    // The expiry read both clocks; the next read of this instant is a cycle (1 ns) later (causal
    // time): MONOTONIC boot + 4097, RAW boot + 4096, both due, so the callback runs at once.
    expect(monoNow(remapped, cfg)).toBe(BOOT + 4097n);
    const fired = step(remapped, cfg, EXPIRE);
    expect(fired.vcpus[0]!.timer.pending).toBe(true);
    expect(fired.vcpus[0]!.timer.hrtimer.armed).toBe(false);
  });

  it('re-maps a raw timer to no earlier than MONOTONIC now + 1 ns', () => {
    // NTP applied -2^12 at t = 1000 (MONOTONIC at 2047/2048 of RAW's rate). RAW expiry boot + 3049,
    // queued (by an older, faster conversion) at boot + 3047. At t = 3048: MONOTONIC = boot + 1000 +
    // floor(2048 * 2047 / 2048) = boot + 3047 (due), RAW = boot + 3048 (not due). Today's mapping:
    // boot + 1000 + floor(2049 * 2047 / 2048) = boot + 1000 + 2047 = boot + 3047, not after
    // MONOTONIC now, so boot + 3048.
    const cfg = expiring();
    const s = state(cfg, (d) => {
      programmedAt0(d, 3049, 'raw');
      d.vcpus[0]!.timer.hrtimer.queuedMono = 1_000_003_047n;
      ntpApplied(d, 1000, -4096);
      d.now = 3048;
    });
    const next = step(s, cfg, EXPIRE);
    expect(next.vcpus[0]!.timer.hrtimer).toEqual({
      armed: true,
      clock: 'raw',
      expires: 1_000_003_049n,
      queuedMono: 1_000_003_048n,
    });
    expect(next.vcpus[0]!.timer.pending).toBe(false);
  });
});
