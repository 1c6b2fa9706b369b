import { describe, expect, it } from 'vitest';
import { timekeeperRead } from '../../../model/arith/index.ts';
import type { TkClock } from '../../../model/arith/index.ts';
import { config, enabled, GHZ, state, step } from '../fixtures.ts';

const BOOT = 1_000_000_000n;
const UPDATE = { kind: 'hostTimekeepingUpdate' } as const;
// 1 GHz: clocks_calc_mult_shift(1e6 kHz) = mult 2^23, shift 23 (one cycle is one ns), and
// cycle_interval for a 1000 ns tick = round((1000 << 23) / 2^23) = 1000 cycles.
const MULT_1GHZ = 2 ** 23;
const ticking = config({ tickNs: 1_000, transitions: ['hostTimekeepingUpdate'] });

describe('hostTimekeepingUpdate', () => {
  describe('enabled', () => {
    it('at a tick instant not yet handled, while a pCPU is busy', () => {
      const s = state(ticking, (d) => void (d.now = 1_000));
      expect(enabled(s, ticking, 'hostTimekeepingUpdate')).toEqual([UPDATE]);
    });

    it('never when the scenario does not have it', () => {
      const cfg = config({ tickNs: 1_000 });
      expect(
        enabled(
          state(cfg, (d) => void (d.now = 1_000)),
          cfg,
          'hostTimekeepingUpdate',
        ),
      ).toEqual([]);
    });

    it('not at boot (the initial state counts as an update at 0)', () => {
      expect(enabled(state(ticking), ticking, 'hostTimekeepingUpdate')).toEqual([]);
    });

    it('not between ticks', () => {
      const s = state(ticking, (d) => void (d.now = 1_500));
      expect(enabled(s, ticking, 'hostTimekeepingUpdate')).toEqual([]);
    });

    it('not twice at the same tick', () => {
      const s = state(ticking, (d) => {
        d.now = 1_000;
        d.host.lastUpdateAt = 1_000;
      });
      expect(enabled(s, ticking, 'hostTimekeepingUpdate')).toEqual([]);
    });

    it('not when ticks are not modelled (tickNs 0)', () => {
      const cfg = config({ tickNs: 0, transitions: ['hostTimekeepingUpdate'] });
      expect(
        enabled(
          state(cfg, (d) => void (d.now = 1_000)),
          cfg,
          'hostTimekeepingUpdate',
        ),
      ).toEqual([]);
    });

    it('not when every pCPU is in NOHZ idle, but yes when one of two still ticks', () => {
      const cfg = config({
        tickNs: 1_000,
        pcpus: [
          { tscHz: GHZ, tscOffset: 0n },
          { tscHz: GHZ, tscOffset: 0n },
        ],
        transitions: ['hostTimekeepingUpdate'],
      });
      const allIdle = state(cfg, (d) => {
        d.now = 1_000;
        for (const p of d.pcpus) p.idle = true;
      });
      expect(enabled(allIdle, cfg, 'hostTimekeepingUpdate')).toEqual([]);
      const oneBusy = state(cfg, (d) => {
        d.now = 1_000;
        d.pcpus[0]!.idle = true;
      });
      expect(enabled(oneBusy, cfg, 'hostTimekeepingUpdate')).toEqual([UPDATE]);
    });
  });

  it('accumulates one tick of cycles into both clocks and records the tick', () => {
    const next = step(
      state(ticking, (d) => void (d.now = 1_000)),
      ticking,
      UPDATE,
    );
    // 1000 cycles * 2^23 shifted ns = 1000 ns moved into base; nothing fractional left.
    const expected: TkClock = {
      cycleLast: 1_000n,
      mult: MULT_1GHZ,
      shift: 23,
      xtimeNsec: 0n,
      base: BOOT + 1_000n,
    };
    expect(next.host.mono).toEqual(expected);
    expect(next.host.raw).toEqual(expected);
    expect(next.host.lastUpdateAt).toBe(1_000);
    expect(next.host.lastUpdate).toEqual({
      monoBefore: BOOT + 1_000n,
      monoAfter: BOOT + 1_000n,
      rawBefore: BOOT + 1_000n,
      rawAfter: BOOT + 1_000n,
    });
  });

  it('accumulates only whole cycle_interval chunks, leaving the remainder for later', () => {
    // A timekeeper last accumulated at cycle 300; at 3000 there are 2700 cycles to account for:
    // two whole 1000-cycle intervals go in (cycleLast 2300), 700 cycles stay unaccumulated.
    const tk: TkClock = {
      cycleLast: 300n,
      mult: MULT_1GHZ,
      shift: 23,
      xtimeNsec: 0n,
      base: BOOT + 300n,
    };
    const s = state(ticking, (d) => {
      d.now = 3_000;
      d.host.lastUpdateAt = 2_000;
      d.host.mono = tk;
      d.host.raw = tk;
    });
    const next = step(s, ticking, UPDATE);
    const expected: TkClock = { ...tk, cycleLast: 2_300n, base: BOOT + 2_300n };
    expect(next.host.mono).toEqual(expected);
    expect(next.host.raw).toEqual(expected);
    // Both clocks still read BOOT + 3000 at cycle 3000.
    expect(next.host.lastUpdate).toEqual({
      monoBefore: BOOT + 3_000n,
      monoAfter: BOOT + 3_000n,
      rawBefore: BOOT + 3_000n,
      rawAfter: BOOT + 3_000n,
    });
  });

  describe('with a pending NTP adjustment (2.5 GHz, the DESIGN.md known answer)', () => {
    // clocks_calc_mult_shift for 2.5 GHz: mult 6710886, shift 24. cycle_interval for a 1 ms tick
    // = ((1e6 << 24) + 6710886 / 2) / 6710886 = 2500000 cycles.
    const cfg = config({
      pcpus: [{ tscHz: 2_500_000_000n, tscOffset: 0n }],
      tscKhz: 2_500_000n,
      tickNs: 1_000_000,
      transitions: ['hostTimekeepingUpdate'],
    });
    // Both clocks last accumulated at cycle 1.5e6. At now = 2 ms (cycle 5e6) one interval
    // (2.5e6 cycles) is accumulated: 2.5e6 * 6710886 + 1e6 = 1e6 << 24 shifted ns, exactly 1e6 ns,
    // so afterwards cycleLast = 4e6, base = 123456789 and no fraction: the known-answer
    // timekeeper (xtime_nsec = 123456789 << 24) with offset = 1e6 cycles not yet accumulated.
    const tk: TkClock = {
      cycleLast: 1_500_000n,
      mult: 6_710_886,
      shift: 24,
      xtimeNsec: 1_000_000n,
      base: 122_456_789n,
    };
    const s = state(cfg, (d) => {
      d.now = 2_000_000;
      d.host.lastUpdateAt = 1_000_000;
      d.host.mono = tk;
      d.host.raw = tk;
      d.host.ntpPendingAdj = 1;
      d.host.ntpChanges = 1;
    });

    it("changes MONOTONIC's mult by adj and keeps its value at the update instant", () => {
      const next = step(s, cfg, UPDATE);
      expect(next.host.mono.mult).toBe(6_710_887);
      expect(next.host.mono.cycleLast).toBe(4_000_000n);
      expect(next.host.ntpPendingAdj).toBe(0);
      expect(next.host.ntpChanges).toBe(1);
      // Known answer: 123856788 before and after.
      expect(next.host.lastUpdate.monoBefore).toBe(123_856_788n);
      expect(next.host.lastUpdate.monoAfter).toBe(123_856_788n);
      expect(timekeeperRead(next.host.mono, 5_000_000n)).toBe(123_856_788n);
    });

    it('changes only the slope: one second later MONOTONIC reads the new-mult value', () => {
      const next = step(s, cfg, UPDATE);
      // Known answer at offset 1e6 + 2.5e9 cycles: 1123856878 (new mult) vs 1123856729 (old).
      expect(timekeeperRead(next.host.mono, 5_000_000n + 2_500_000_000n)).toBe(1_123_856_878n);
      expect(timekeeperRead(next.host.raw, 5_000_000n + 2_500_000_000n)).toBe(1_123_856_729n);
    });

    it("never changes RAW's mult", () => {
      const next = step(s, cfg, UPDATE);
      expect(next.host.raw.mult).toBe(6_710_886);
      expect(next.host.raw.cycleLast).toBe(4_000_000n);
      expect(next.host.lastUpdate.rawBefore).toBe(123_856_788n);
      expect(next.host.lastUpdate.rawAfter).toBe(123_856_788n);
    });
  });

  describe('when less than one interval has passed (the early return)', () => {
    // The real TSC runs at 0.5 GHz while the host believes 1 GHz (mult 2^23/23, cycle_interval
    // 1000 cycles): a 1000 ns tick is only 500 cycles.
    const cfg = config({
      pcpus: [{ tscHz: 500_000_000n, tscOffset: 0n }],
      tickNs: 1_000,
      transitions: ['hostTimekeepingUpdate'],
    });
    const s = state(cfg, (d) => {
      d.now = 1_000;
      d.host.ntpPendingAdj = 8;
      d.host.ntpChanges = 1;
    });

    it('accumulates nothing, keeps the NTP change pending, and consumes the tick', () => {
      const next = step(s, cfg, UPDATE);
      expect(next.host.mono).toEqual(s.host.mono);
      expect(next.host.raw).toEqual(s.host.raw);
      expect(next.host.lastUpdate).toEqual(s.host.lastUpdate);
      expect(next.host.ntpPendingAdj).toBe(8);
      expect(next.host.lastUpdateAt).toBe(1_000);
      expect(enabled(next, cfg, 'hostTimekeepingUpdate')).toEqual([]);
    });

    it('applies the NTP change at the next tick, once a whole interval has passed', () => {
      const first = step(s, cfg, UPDATE);
      const next = step({ ...first, now: 2_000, tscLead: 0 }, cfg, UPDATE);
      // 1000 cycles accumulated (1000 ns), nothing left over, so the offset is 0 and xtime_nsec
      // does not move: mult 2^23 + 8.
      expect(next.host.mono).toEqual({
        cycleLast: 1_000n,
        mult: MULT_1GHZ + 8,
        shift: 23,
        xtimeNsec: 0n,
        base: BOOT + 1_000n,
      });
      expect(next.host.raw.mult).toBe(MULT_1GHZ);
      expect(next.host.ntpPendingAdj).toBe(0);
    });
  });

  it('re-maps raw hrtimers on busy pCPUs with the new conversion, not on idle ones', () => {
    const cfg = config({
      pcpus: [
        { tscHz: GHZ, tscOffset: 0n },
        { tscHz: GHZ, tscOffset: 0n },
      ],
      vcpus: [{ pcpu: 0 }, { pcpu: 1 }],
      tickNs: 1_000,
      transitions: ['hostTimekeepingUpdate'],
    });
    // Raw expiry BOOT + 3048, queued at the same MONOTONIC time (equal slopes so far). NTP adds
    // 2^13 to mult (1/1024, exaggerated to get whole ns): after the tick at 1000 both clocks read
    // BOOT + 1000 and mono = BOOT + 1000 + 2048 * (2^23 + 2^13) / 2^23 = BOOT + 1000 + 2050.
    const rawTimer = {
      armed: true,
      clock: 'raw' as const,
      expires: BOOT + 3_048n,
      queuedMono: BOOT + 3_048n,
    };
    const s = state(cfg, (d) => {
      d.now = 1_000;
      d.host.ntpPendingAdj = 2 ** 13;
      d.pcpus[1]!.idle = true;
      d.vcpus[0]!.timer.hrtimer = rawTimer;
      d.vcpus[1]!.timer.hrtimer = rawTimer;
    });
    const next = step(s, cfg, UPDATE);
    expect(next.host.mono.mult).toBe(MULT_1GHZ + 2 ** 13);
    expect(next.vcpus[0]!.timer.hrtimer).toEqual({ ...rawTimer, queuedMono: BOOT + 3_050n });
    expect(next.vcpus[1]!.timer.hrtimer).toEqual(rawTimer);
  });
});
