/**
 * Horizons of days: time is a safe integer of ns (2^53 ns is 104 days), it advances by gaps and
 * scheduled instants, and every clock is computed in closed form, so a long horizon with few
 * steps stays as small as a short one.
 */
import { describe, expect, it } from 'vitest';
import { Decoder, Encoder } from '../../explorer/index.ts';
import { judge } from '../../check/catalogue.ts';
import { runCheck } from '../../check/runCheck.ts';
import { monoAt, monoReachesAt } from '../../model/clocks.ts';
import { MAX_TIME_NS, NS_PER_DAY } from '../../model/scenarios/baseConfig.ts';
import { SCENARIOS } from '../../check/scenarios.ts';
import { target } from '../helpers.ts';
import { config, state } from './fixtures.ts';

const HOUR = 3_600_000_000_000;

describe('horizons of days', () => {
  it('every built-in scenario takes a horizon and gaps of 7 days', () => {
    for (const s of SCENARIOS) {
      for (const name of ['horizonNs', 'gapNs']) {
        const p = s.params.find((q) => q.name === name);
        expect(p?.type === 'integer' && p.max, `${s.name} ${name}`).toBe(MAX_TIME_NS);
      }
    }
    expect(MAX_TIME_NS).toBe(604_800_000_000_000);
  });

  it('unsynced-tsc over one day in steps of 12 hours: the space of 2 ms in steps of 1 ms', () => {
    // The same number of steps: the same states, counterexample lengths and verdicts; only the
    // numbers in them are larger.
    const day = { horizonNs: NS_PER_DAY, gapNs: 12 * HOUR };
    for (const variant of ['no-clamp', 'global-clamp', 'stable-bit-with-skew']) {
      const short = judge(runCheck(target('unsynced-tsc', variant)));
      const long = judge(runCheck(target('unsynced-tsc', variant, day)));
      expect(long.run.result.complete).toBe(true);
      expect(long.run.result.stats.distinctStates).toBe(short.run.result.stats.distinctStates);
      expect(long.verdicts.map((v) => [v.invariant, v.actual, v.depth])).toEqual(
        short.verdicts.map((v) => [v.invariant, v.actual, v.depth]),
      );
      expect(long.asExpected).toBe(true);
    }
  });

  it('and in hourly steps it stays small: a few hundred thousand states, not one per ns', () => {
    const long = judge(
      runCheck(target('unsynced-tsc', 'no-clamp', { horizonNs: NS_PER_DAY, gapNs: HOUR })),
    );
    expect(long.run.result.complete).toBe(true);
    expect(long.run.result.stats.maxDepth).toBeLessThan(40);
    expect(long.run.result.stats.distinctStates).toBeLessThan(500_000);
    expect(long.verdicts.map((v) => [v.invariant, v.actual])).toEqual([
      ['guest-monotonic', 'violated'],
    ]);
  });

  it('masterclock-update over a day in hours finds the same violations', () => {
    const short = judge(runCheck(target('masterclock-update', 'update-on-hotplug')));
    const long = judge(
      runCheck(
        target('masterclock-update', 'update-on-hotplug', {
          horizonNs: NS_PER_DAY,
          gapNs: 6 * HOUR,
        }),
      ),
    );
    expect(long.run.result.complete).toBe(true);
    expect(long.verdicts.map((v) => [v.invariant, v.actual])).toEqual(
      short.verdicts.map((v) => [v.invariant, v.actual]),
    );
  });

  it('monoReachesAt finds an instant weeks ahead exactly (not "beyond any horizon")', () => {
    const cfg = config({ pcpus: [{ tscHz: 2_500_000_000n, tscOffset: 0n }], tscKhz: 2_500_000n });
    const s = state(cfg, (d) => void (d.now = 6 * NS_PER_DAY));
    for (const days of [7, 30, 90]) {
      const target = monoAt(s, cfg, days * NS_PER_DAY);
      const t = monoReachesAt(s, cfg, target);
      expect(monoAt(s, cfg, t)).toBeGreaterThanOrEqual(target);
      expect(monoAt(s, cfg, t - 1)).toBeLessThan(target);
      expect(Math.abs(t - days * NS_PER_DAY)).toBeLessThan(1000);
    }
    // Past the last safe instant, there is none.
    expect(monoReachesAt(s, cfg, monoAt(s, cfg, Number.MAX_SAFE_INTEGER) + 10n ** 9n)).toBe(
      Infinity,
    );
  });

  it('Encoder.int and Decoder.int carry instants of days, weeks and 2^53 - 1', () => {
    const values = [NS_PER_DAY, MAX_TIME_NS, 104 * NS_PER_DAY, Number.MAX_SAFE_INTEGER, -1];
    const enc = new Encoder();
    for (const v of values) enc.int(v);
    const dec = new Decoder(enc.words());
    expect(values.map(() => dec.int())).toEqual(values);
    expect(() => enc.int(Number.MAX_SAFE_INTEGER + 1)).toThrow(/not a safe integer/);
  });
});
