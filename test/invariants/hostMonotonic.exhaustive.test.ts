/**
 * host-monotonic over an exhaustive run: ticks, NTP requests of either sign and several sizes,
 * time advancing in whole and third ticks. An NTP change is applied at the cycles not yet
 * accumulated, with xtime_nsec compensated, so MONOTONIC is exactly continuous at every update.
 */
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { explore, type Sometimes } from '../../explorer/index.ts';
import { hostMonotonic } from '../../invariants/hostMonotonic.ts';
import { timekeeperAccumulate, timekeeperRead } from '../../model/arith/index.ts';
import { buildModel, type ClockModel } from '../../model/buildModel.ts';
import { hostClocksourceCycles } from '../../model/clocks.ts';
import type { ClockConfig, PcpuConfig } from '../../model/config.ts';
import { cycleInterval } from '../../model/hostTimekeeping.ts';
import type { ClockState } from '../../model/state.ts';
import { config, GHZ } from '../model/fixtures.ts';

const NTP_CHANGES = 2;

function ntpConfig(pcpu: PcpuConfig, tscKhz: bigint): ClockConfig {
  return config({
    pcpus: [pcpu],
    tscKhz,
    transitions: ['timeAdvance', 'hostTimekeepingUpdate', 'ntpMultChange'],
    tickNs: 1_000_000,
    gapsNs: [333_333, 1_000_000],
    horizonNs: 4_000_000,
    limits: { ntpChanges: NTP_CHANGES },
    // The first adjustment taken (in BFS order) that a naive timekeeper gets wrong is -4194.
    ntpAdjs: [4194, -4194, 3355, -3355, 1, -1],
  });
}

const SOMETIMES: Sometimes<ClockState>[] = [
  { name: 'an NTP change was applied', check: (s) => s.host.mono.mult !== s.host.raw.mult },
  {
    name: 'every NTP change allowed was requested and applied',
    check: (s) => s.host.ntpChanges === NTP_CHANGES && s.host.ntpPendingAdj === 0,
  },
];

const RATES = [
  // 1 GHz and 2.5 GHz: a tick is a whole number of cycle_intervals, so nothing is left to
  // compensate when the new mult is applied.
  ['1 GHz', { tscHz: GHZ, tscOffset: 0n }, 1_000_000n],
  ['2.5 GHz', { tscHz: 2_500_000_000n, tscOffset: 0n }, 2_500_000n],
  // A TSC 1% faster than the 1 GHz the kernel believes: each tick leaves 10_000 cycles
  // unaccumulated, and the new mult is applied from there on.
  ['a 1% fast TSC', { tscHz: 1_010_000_000n, tscOffset: 0n }, 1_000_000n],
] as const;

/**
 * The model with a naive timekeeper: on an update that applies an NTP change it sets the new mult
 * without compensating xtime_nsec for the cycles not yet accumulated.
 */
function withNaiveNtp(cfg: ClockConfig, model: ClockModel): ClockModel {
  return {
    ...model,
    next: (s, a) => {
      const next = model.next(s, a);
      const adj = s.host.ntpPendingAdj;
      if (a.kind !== 'hostTimekeepingUpdate' || adj === 0 || next.host.ntpPendingAdj !== 0)
        return next;
      const cycles = hostClocksourceCycles(s, cfg);
      const accumulated = timekeeperAccumulate(
        s.host.mono,
        cycles,
        cycleInterval(s.host.raw, cfg.tickNs),
      );
      const mono = { ...accumulated, mult: accumulated.mult + adj };
      return produce(next, (d) => {
        d.host.mono = mono;
        d.host.lastUpdate.monoAfter = timekeeperRead(mono, cycles);
      });
    },
  };
}

describe('host-monotonic across NTP mult changes, exhaustively', () => {
  it.each(RATES)('holds at %s', (_name, pcpu, tscKhz) => {
    const cfg = ntpConfig(pcpu, tscKhz);
    const r = explore(buildModel(cfg, [hostMonotonic], SOMETIMES));
    expect(r.complete).toBe(true);
    expect(r.status).toBe('ok');
    expect(r.violations).toEqual([]);
    expect(r.sometimes.map((x) => [x.name, x.reached])).toEqual(
      SOMETIMES.map((x) => [x.name, true]),
    );
    // Without NTP changes the run has 21 states; the requests and their applications
    // at each tick multiply that into the thousands.
    expect(r.stats.distinctStates).toBeGreaterThan(2000);
  });

  it('the run without NTP changes is small, so the floor above counts NTP states', () => {
    const cfg = { ...ntpConfig(RATES[0][1], RATES[0][2]), ntpAdjs: [] };
    const r = explore(buildModel(cfg, [hostMonotonic]));
    expect(r.complete).toBe(true);
    expect(r.stats.distinctStates).toBeLessThan(100);
  });

  it.each([RATES[0], RATES[1]])(
    'at %s nothing is left unaccumulated at a tick, so even a naive timekeeper passes',
    (_name, pcpu, tscKhz) => {
      const cfg = ntpConfig(pcpu, tscKhz);
      const r = explore(withNaiveNtp(cfg, buildModel(cfg, [hostMonotonic])));
      expect(r.complete).toBe(true);
      expect(r.status).toBe('ok');
    },
  );

  it('catches a naive timekeeper that changes mult without compensating: a 1% fast TSC, -4194 at the first tick', () => {
    const cfg = ntpConfig(RATES[2][1], RATES[2][2]);
    const r = explore(withNaiveNtp(cfg, buildModel(cfg, [hostMonotonic])), {
      stopOnViolation: true,
    });
    expect(r.status).toBe('violation');
    const v = r.violations[0]!;
    expect(v.trace.actions).toEqual([
      { kind: 'timeAdvance', to: 1_000_000 },
      { kind: 'ntpMultChange', adj: -4194 },
      { kind: 'hostTimekeepingUpdate' },
    ]);
    // At 1 ms the TSC is 1_010_000: MONOTONIC reads boot + 1_010_000. The tick accumulates
    // 1_000_000 cycles, leaving 10_000 read at mult 2^23 - 4194 = 8384414:
    // floor(10_000 * 8384414 / 2^23) = floor(9995.0003) = 9995 ns, 5 ns less.
    expect(v.message).toBe(
      'CLOCK_MONOTONIC went from 1001010000 to 1001009995 ns at the update at t=1000000ns (mult 8384414): back 5 ns',
    );
  });
});
